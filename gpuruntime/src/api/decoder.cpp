// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "decoder.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include <fmt/format.h>

#include "gpuext/duration.h"

namespace gpuext::gpuruntime::api::internal {
namespace {

using nlohmann::json;

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string Squash(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c != '.' && c != '[' && c != ']') {
      out += c;
    }
  }
  return out;
}

// "driver.branches[3]" -> "driver.branches[]", so paths inside lists match the schema's paths.
std::string NormalizeIndices(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] == '[') {
      while (i + 1 < path.size() && path[i + 1] != ']') {
        ++i;
      }
    }
  }
  return out;
}

std::string_view TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "number";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "list";
    case json::value_t::null:
      return "null";
    default:
      return "unsupported value";
  }
}

void Flatten(const json& value, const std::string& path,
             std::span<const std::string_view> leaf_maps, std::vector<std::string>& out) {
  if (!path.empty()) {
    out.push_back(path);
  }
  if (std::find(leaf_maps.begin(), leaf_maps.end(), path) != leaf_maps.end()) {
    return;
  }
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      Flatten(child, JoinPath(path, key), leaf_maps, out);
    }
  } else if (value.is_array() && !value.empty() && value.front().is_object()) {
    for (const auto& [key, child] : value.front().items()) {
      Flatten(child, JoinPath(path + "[]", key), leaf_maps, out);
    }
  }
}

}  // namespace

std::string JoinPath(std::string_view parent, std::string_view child) {
  if (parent.empty()) {
    return std::string(child);
  }
  if (child.empty()) {
    return std::string(parent);
  }
  return fmt::format("{}.{}", parent, child);
}

std::string IndexPath(std::string_view parent, size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitute = diagonal + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> FlattenPaths(const json& document,
                                      std::span<const std::string_view> leaf_maps) {
  std::vector<std::string> out;
  Flatten(document, "", leaf_maps, out);
  return out;
}

std::string NearestPath(std::string_view parent, std::string_view key,
                        std::span<const std::string> known_paths) {
  const std::string normalized_parent = NormalizeIndices(parent);
  const std::string prefix = normalized_parent.empty() ? "" : normalized_parent + ".";
  const size_t threshold = std::max<size_t>(1, key.size() / 3);
  std::string best;
  // Ranked by distance, then by being under the same parent, then by shorter path.
  std::tuple<size_t, bool, size_t> best_rank{std::numeric_limits<size_t>::max(), true, 0};
  for (const std::string& path : known_paths) {
    if (path == "apiVersion" || path == "kind") {
      continue;
    }
    const bool under_parent = path.starts_with(prefix);
    const std::string_view relative =
        under_parent ? std::string_view(path).substr(prefix.size()) : std::string_view(path);
    const size_t dot = path.rfind('.');
    const std::string_view leaf =
        dot == std::string::npos ? std::string_view(path) : std::string_view(path).substr(dot + 1);
    size_t distance =
        std::min(EditDistance(Squash(key), Squash(relative)), EditDistance(key, leaf));
    if (key.size() >= 3 && leaf.size() > key.size() &&
        EditDistance(key, leaf.substr(0, key.size())) == 0) {
      distance = std::min<size_t>(distance, 1);  // an abbreviation: "sha" for "sha256"
    }
    const std::tuple<size_t, bool, size_t> rank{distance, !under_parent, path.size()};
    if (distance <= threshold && rank < best_rank) {
      best_rank = rank;
      best = path;
    }
  }
  return best;
}

std::string ShowValue(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>()
                                       : value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) {
    // Cut at a character boundary: half a UTF-8 sequence would make the whole AdmissionReview
    // response unencodable.
    size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    text = text.substr(0, cut) + "...";
  }
  return text;
}

void Decoder::CheckTypeMeta(const json& object, std::string_view api_version,
                            std::string_view kind) {
  const auto check = [&](std::string_view key, std::string_view want) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      Add(FieldError::Required(Full(key), fmt::format("set it to {}", want)));
    } else if (const auto got = AsString(*it, std::string(key)); got && *got != want) {
      Add(FieldError::NotSupported(Full(key), *got, {std::string(want)}));
    }
  };
  check("apiVersion", api_version);
  check("kind", kind);
}

bool Decoder::ExpectObject(const json& value, std::string_view rel) {
  if (value.is_object()) {
    return true;
  }
  TypeError(value, rel, "an object");
  return false;
}

void Decoder::CheckKeys(const json& object, std::string_view rel,
                        std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) {
      continue;
    }
    std::string detail = fmt::format("unknown field \"{}\"", key);
    std::string advice = hint_ ? hint_(rel, key) : std::string();
    if (advice.empty()) {
      if (const std::string nearest = NearestPath(rel, key, known_paths_); !nearest.empty()) {
        advice = fmt::format("did you mean {}?", nearest);
      }
    }
    if (!advice.empty()) {
      detail += "; " + advice;
    }
    Add(FieldError{.type = FieldErrorType::kNotSupported,
                   .field = Full(JoinPath(rel, key)),
                   .value = ShowValue(value),
                   .detail = std::move(detail)});
  }
}

void Decoder::TypeError(const json& value, std::string_view rel, std::string_view expected) {
  Add(FieldError::TypeInvalid(Full(rel), ShowValue(value),
                              fmt::format("must be {}, got {}", expected, TypeName(value))));
}

std::optional<std::string> Decoder::AsString(const json& value, const std::string& rel) {
  if (!value.is_string()) {
    TypeError(value, rel, "a string");
    return std::nullopt;
  }
  return value.get<std::string>();
}

std::optional<bool> Decoder::AsBool(const json& value, const std::string& rel) {
  if (!value.is_boolean()) {
    TypeError(value, rel, "true or false");
    return std::nullopt;
  }
  return value.get<bool>();
}

std::optional<int64_t> Decoder::AsInt64(const json& value, const std::string& rel) {
  if (value.is_number_integer() &&
      (!value.is_number_unsigned() ||
       value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
    return value.get<int64_t>();
  }
  TypeError(value, rel, "an integer");
  return std::nullopt;
}

std::optional<int> Decoder::AsInt(const json& value, const std::string& rel) {
  if (value.is_number_integer()) {
    const std::optional<int64_t> wide = AsInt64(value, rel);
    if (wide && *wide >= std::numeric_limits<int>::min() &&
        *wide <= std::numeric_limits<int>::max()) {
      return static_cast<int>(*wide);
    }
    if (wide) {
      Add(FieldError::Invalid(Full(rel), ShowValue(value), "out of range"));
    }
    return std::nullopt;
  }
  TypeError(value, rel, "an integer");
  return std::nullopt;
}

std::optional<Quantity> Decoder::AsQuantity(const json& value, const std::string& rel) {
  if (value.is_number_integer()) {
    if (const auto bytes = AsInt64(value, rel)) {
      return Quantity::FromBytes(*bytes, Quantity::Format::kDecimalSI);
    }
    return std::nullopt;
  }
  if (!value.is_string()) {
    TypeError(value, rel, "a quantity such as \"50Gi\"");
    return std::nullopt;
  }
  if (auto parsed = Quantity::Parse(value.get<std::string>())) {
    return parsed;
  }
  Add(FieldError::Invalid(Full(rel), ShowValue(value),
                          "must be a whole number of bytes such as 50Gi, 40G or 500Mi"));
  return std::nullopt;
}

std::optional<std::chrono::nanoseconds> Decoder::AsDuration(const json& value,
                                                            const std::string& rel) {
  const std::optional<std::string> text = AsString(value, rel);
  if (!text) {
    return std::nullopt;
  }
  if (auto parsed = ParseDuration(*text)) {
    return parsed;
  }
  Add(FieldError::Invalid(Full(rel), *text, "must be a duration such as 30s, 10m or 1h30m"));
  return std::nullopt;
}

std::optional<std::vector<std::string>> Decoder::AsStringList(const json& value,
                                                              const std::string& rel) {
  return AsList<std::string>(value, rel, &Decoder::AsString);
}

std::optional<std::map<std::string, std::string>> Decoder::AsStringMap(const json& value,
                                                                       const std::string& rel) {
  if (!ExpectObject(value, rel)) {
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (const auto& [key, element] : value.items()) {
    if (auto text = AsString(element, JoinPath(rel, key))) {
      out.emplace(key, std::move(*text));
    }
  }
  return out;
}

}  // namespace gpuext::gpuruntime::api::internal
