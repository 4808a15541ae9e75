// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private helpers for the hand-written strict decoders of our config APIs: every reader checks
// the JSON type, records a field error with the full path on a mismatch and returns nullopt, so a
// decoder reads on after a problem and reports all of them at once.

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"
#include "gpuext/gpuruntime/api/field.h"
#include "gpuext/quantity.h"

namespace gpuext::gpuruntime::api::internal {

// "a" + "b" -> "a.b"; "" + "b" -> "b".
std::string JoinPath(std::string_view parent, std::string_view child);
// "pools" + 2 -> "pools[2]".
std::string IndexPath(std::string_view parent, size_t index);

// Spelling table of an enum.
template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

template <typename E, size_t N>
std::optional<E> ParseEnum(const EnumName<E> (&table)[N], std::string_view text) {
  for (const auto& entry : table) {
    if (entry.name == text) {
      return entry.value;
    }
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view EnumToString(const EnumName<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return "unknown";
}

template <typename E, size_t N>
std::vector<std::string> EnumNames(const EnumName<E> (&table)[N]) {
  std::vector<std::string> out;
  for (const auto& entry : table) {
    out.emplace_back(entry.name);
  }
  return out;
}

// Levenshtein distance, case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// Every field path of a document type ("driver.version", "cache.server.replicas"), for hints.
// Built by flattening the JSON of a fully populated document; `leaf_maps` are paths whose value
// is a free-form map (nodeSelector) and is not descended into.
std::vector<std::string> FlattenPaths(const nlohmann::json& document,
                                      std::span<const std::string_view> leaf_maps);

// The nearest known path to an unknown key found under `parent` (both relative to the document
// root), or "" when nothing is close enough to be a useful hint.
std::string NearestPath(std::string_view parent, std::string_view key,
                        std::span<const std::string> known_paths);

class Decoder {
 public:
  // Extra advice for an unknown key, tried before the nearest-name hint ("" = none).
  using UnknownHint = std::function<std::string(std::string_view parent, std::string_view key)>;

  Decoder(std::string_view root, std::span<const std::string> known_paths, FieldErrorList& errors,
          UnknownHint hint = {})
      : root_(root), known_paths_(known_paths), errors_(errors), hint_(std::move(hint)) {}

  // The full field path of a path relative to the document.
  [[nodiscard]] std::string Full(std::string_view rel) const { return JoinPath(root_, rel); }
  void Add(FieldError error) { errors_.push_back(std::move(error)); }

  // Checks apiVersion and kind of a document root (an object).
  void CheckTypeMeta(const nlohmann::json& object, std::string_view api_version,
                     std::string_view kind);

  // True when `value` is an object; records a TypeInvalid error otherwise.
  bool ExpectObject(const nlohmann::json& value, std::string_view rel);
  // Records a NotSupported error for every key of `object` outside `known`.
  void CheckKeys(const nlohmann::json& object, std::string_view rel,
                 std::initializer_list<std::string_view> known);

  // Reads object[key] into `out`: absent stays absent, null becomes Field::Null(), anything else
  // goes through `read(decoder, value, rel_path)` which returns nullopt after recording an error.
  template <typename T, typename ReadFn>
  void Read(const nlohmann::json& object, std::string_view parent, std::string_view key,
            Field<T>& out, ReadFn&& read) {
    const auto it = object.find(key);
    if (it == object.end()) {
      return;
    }
    if (it->is_null()) {
      out = Field<T>::Null();
      return;
    }
    std::optional<T> value = std::invoke(read, *this, *it, JoinPath(parent, key));
    if (value) {
      out = std::move(*value);
    }
  }

  std::optional<std::string> AsString(const nlohmann::json& value, const std::string& rel);
  std::optional<bool> AsBool(const nlohmann::json& value, const std::string& rel);
  std::optional<int> AsInt(const nlohmann::json& value, const std::string& rel);
  std::optional<int64_t> AsInt64(const nlohmann::json& value, const std::string& rel);
  std::optional<Quantity> AsQuantity(const nlohmann::json& value, const std::string& rel);
  std::optional<std::chrono::nanoseconds> AsDuration(const nlohmann::json& value,
                                                     const std::string& rel);
  std::optional<std::vector<std::string>> AsStringList(const nlohmann::json& value,
                                                       const std::string& rel);
  std::optional<std::map<std::string, std::string>> AsStringMap(const nlohmann::json& value,
                                                                const std::string& rel);

  template <typename E, size_t N>
  std::optional<E> AsEnum(const EnumName<E> (&table)[N], const nlohmann::json& value,
                          const std::string& rel) {
    const std::optional<std::string> text = AsString(value, rel);
    if (!text) {
      return std::nullopt;
    }
    if (auto parsed = ParseEnum(table, *text)) {
      return parsed;
    }
    Add(FieldError::NotSupported(Full(rel), *text, EnumNames(table)));
    return std::nullopt;
  }

  // Reads a list of objects, each through `read(decoder, element, "rel[i]")`; elements that fail
  // are dropped (their errors are recorded).
  template <typename T, typename ReadElement>
  std::optional<std::vector<T>> AsList(const nlohmann::json& value, const std::string& rel,
                                       ReadElement&& read) {
    if (!value.is_array()) {
      TypeError(value, rel, "a list");
      return std::nullopt;
    }
    std::vector<T> out;
    for (size_t i = 0; i < value.size(); ++i) {
      if (std::optional<T> element = std::invoke(read, *this, value[i], IndexPath(rel, i))) {
        out.push_back(std::move(*element));
      }
    }
    return out;
  }

  void TypeError(const nlohmann::json& value, std::string_view rel, std::string_view expected);

 private:
  std::string root_;
  std::span<const std::string> known_paths_;
  FieldErrorList& errors_;
  UnknownHint hint_;
};

// Reads object[key] into a plain member: absent and null keep the default.
template <typename T, typename ReadFn>
void ReadInto(Decoder& d, const nlohmann::json& object, std::string_view parent,
              std::string_view key, T& out, ReadFn&& read) {
  Field<T> field;
  d.Read(object, parent, key, field, std::forward<ReadFn>(read));
  if (field) {
    out = std::move(*field);
  }
}

// A reader for Decoder::Read that accepts the spellings in `table`.
template <typename E, size_t N>
auto EnumReader(const EnumName<E> (&table)[N]) {
  return [&table](Decoder& d, const nlohmann::json& v, const std::string& rel) {
    return d.AsEnum(table, v, rel);
  };
}

// The value as a user would recognise it in an error: strings bare, everything else as compact
// JSON, cut at 60 characters.
std::string ShowValue(const nlohmann::json& value);

// Encoding helpers: write `field` under `key` unless absent.
template <typename T, typename Encode>
void Put(nlohmann::json& object, std::string_view key, const Field<T>& field, Encode&& encode) {
  if (field.is_null()) {
    object[std::string(key)] = nullptr;
  } else if (field.has_value()) {
    object[std::string(key)] = encode(*field);
  }
}
template <typename T>
void Put(nlohmann::json& object, std::string_view key, const Field<T>& field) {
  Put(object, key, field, [](const T& v) { return nlohmann::json(v); });
}

}  // namespace gpuext::gpuruntime::api::internal
