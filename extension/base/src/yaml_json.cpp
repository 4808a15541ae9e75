// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/yaml_json.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "gpuext/error.h"

namespace gpuext {
namespace {

using nlohmann::json;

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  for (std::string_view o : options) {
    if (s == o) {
      return true;
    }
  }
  return false;
}

std::string WithoutUnderscores(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '_') {
      out += c;
    }
  }
  return out;
}

// Integer forms of YAML 1.1 (as go-yaml v2 resolves them): decimal, 0x hex, 0o / leading-0 octal,
// 0b binary, optional sign and '_' separators.
std::optional<json> ResolveInteger(std::string_view text) {
  std::string s = WithoutUnderscores(text);
  if (s.empty()) {
    return std::nullopt;
  }
  bool negative = false;
  size_t pos = 0;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    pos = 1;
  }
  int base = 10;
  if (s.compare(pos, 2, "0x") == 0) {
    base = 16;
    pos += 2;
  } else if (s.compare(pos, 2, "0b") == 0) {
    base = 2;
    pos += 2;
  } else if (s.compare(pos, 2, "0o") == 0) {
    base = 8;
    pos += 2;
  } else if (s.size() - pos > 1 && s[pos] == '0') {
    base = 8;
    pos += 1;
  }
  if (pos >= s.size()) {
    return std::nullopt;
  }
  uint64_t magnitude = 0;
  const char* begin = s.data() + pos;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(begin, end, magnitude, base);
  if (ptr != end) {
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range) {
    return std::nullopt;  // falls through to float parsing, as Go does for huge integers
  }
  if (negative) {
    if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
      return std::nullopt;
    }
    return json(static_cast<int64_t>(0 - magnitude));
  }
  if (magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return json(static_cast<int64_t>(magnitude));
  }
  return json(magnitude);
}

std::optional<json> ResolveFloat(std::string_view text) {
  if (IsOneOf(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    return json(std::numeric_limits<double>::infinity());
  }
  if (IsOneOf(text, {"-.inf", "-.Inf", "-.INF"})) {
    return json(-std::numeric_limits<double>::infinity());
  }
  if (IsOneOf(text, {".nan", ".NaN", ".NAN"})) {
    return json(std::numeric_limits<double>::quiet_NaN());
  }
  std::string s = WithoutUnderscores(text);
  // A float needs a digit and only float characters; from_chars accepts a prefix otherwise.
  if (s.empty() || s.find_first_of("0123456789") == std::string::npos ||
      s.find_first_not_of("0123456789.eE+-") != std::string::npos) {
    return std::nullopt;
  }
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  double value = 0;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return json(value);
}

// Resolves a plain (unquoted, untagged) scalar to the JSON type YAML 1.1 gives it.
json ResolvePlainScalar(const std::string& s) {
  if (IsOneOf(s, {"", "~", "null", "Null", "NULL"})) {
    return nullptr;
  }
  if (IsOneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) {
    return true;
  }
  if (IsOneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) {
    return false;
  }
  if (auto i = ResolveInteger(s)) {
    return *i;
  }
  if (auto f = ResolveFloat(s)) {
    return *f;
  }
  return s;
}

json ScalarToJson(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "!!str") {
    return text;  // quoted or explicitly a string
  }
  if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
      tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null" || tag == "?" ||
      tag.empty()) {
    return ResolvePlainScalar(text);
  }
  return text;  // unknown tags: keep the text
}

json NodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return ScalarToJson(node);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const YAML::Node& item : node) {
        arr.push_back(NodeToJson(item));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) {
        // Keys are strings in JSON; a key that YAML would resolve to null becomes "null".
        const std::string key = kv.first.IsNull() ? "null" : kv.first.Scalar();
        if (key == "<<") {
          // Merge keys: copy entries that are not set explicitly.
          json merged = NodeToJson(kv.second);
          for (const json& src : merged.is_array() ? merged : json::array({merged})) {
            for (auto it = src.begin(); src.is_object() && it != src.end(); ++it) {
              if (!obj.contains(it.key())) {
                obj[it.key()] = it.value();
              }
            }
          }
          continue;
        }
        obj[key] = NodeToJson(kv.second);
      }
      return obj;
    }
  }
  return nullptr;
}

bool NeedsQuotes(const std::string& s) {
  if (s.empty()) {
    return true;
  }
  json resolved = ResolvePlainScalar(s);
  if (!resolved.is_string()) {
    return true;
  }
  // Characters that start YAML syntax or leading/trailing spaces would change the meaning.
  static constexpr std::string_view kSpecialStart = "!&*-?:,[]{}#|>@`\"'%= ";
  if (kSpecialStart.find(s.front()) != std::string_view::npos || s.back() == ' ' ||
      s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':' ||
      s.find('\n') != std::string::npos || s.find('\t') != std::string::npos) {
    return true;
  }
  return false;
}

void Emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (auto it = value.begin(); it != value.end(); ++it) {
        out << YAML::Key;
        if (NeedsQuotes(it.key())) {
          out << YAML::DoubleQuoted;
        }
        out << it.key() << YAML::Value;
        Emit(out, it.value());
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const json& item : value) {
        Emit(out, item);
      }
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (s.find('\n') != std::string::npos && s.find_first_of("\t\r") == std::string::npos &&
          s.front() != ' ') {
        out << YAML::Literal << s;
      } else if (NeedsQuotes(s)) {
        out << YAML::DoubleQuoted << s;
      } else {
        out << s;
      }
      break;
    }
    case json::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << value.dump();
      break;
  }
}

}  // namespace

std::vector<json> ParseYamlDocuments(std::string_view text) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("invalid YAML at line {}, column {}: {}", e.mark.line + 1,
                            e.mark.column + 1, e.msg));
  }
  std::vector<json> docs;
  for (const YAML::Node& node : nodes) {
    json doc = NodeToJson(node);
    if (!doc.is_null()) {
      docs.push_back(std::move(doc));
    }
  }
  return docs;
}

json ParseYaml(std::string_view text) {
  std::vector<json> docs = ParseYamlDocuments(text);
  if (docs.size() > 1) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("expected one YAML document, found {}", docs.size()));
  }
  return docs.empty() ? json() : std::move(docs.front());
}

std::string ToYaml(const json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace gpuext
