// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "parse_keywords.h"

#include <utility>

#include "render.h"

namespace gpuext::emulator::schema::internal {

using nlohmann::json;

Keywords::Keywords(const json& schema, std::string where, FieldErrorList& errors)
    : schema_(schema), where_(std::move(where)), errors_(errors) {}

const json* Keywords::Find(std::string_view keyword) const {
  if (!schema_.is_object()) {
    return nullptr;
  }
  const auto it = schema_.find(keyword);
  return it == schema_.end() ? nullptr : &*it;
}

std::string Keywords::Path(std::string_view keyword) const {
  return where_ + "." + std::string(keyword);
}

void Keywords::Wrong(std::string_view keyword, const json& value, std::string_view want) {
  errors_.push_back(
      FieldError::Invalid(Path(keyword), ValueText(value), "must be " + std::string(want)));
}

std::optional<std::string> Keywords::String(std::string_view keyword) {
  const json* value = Find(keyword);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    Wrong(keyword, *value, "a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<bool> Keywords::Bool(std::string_view keyword) {
  const json* value = Find(keyword);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_boolean()) {
    Wrong(keyword, *value, "a boolean");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<double> Keywords::Number(std::string_view keyword) {
  const json* value = Find(keyword);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number()) {
    Wrong(keyword, *value, "a number");
    return std::nullopt;
  }
  return value->get<double>();
}

std::optional<int64_t> Keywords::Count(std::string_view keyword) {
  const json* value = Find(keyword);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!IsGoInt(*value) || value->get<int64_t>() < 0) {
    Wrong(keyword, *value, "a non-negative integer");
    return std::nullopt;
  }
  return value->get<int64_t>();
}

std::vector<std::string> Keywords::Strings(std::string_view keyword) {
  const json* value = Find(keyword);
  std::vector<std::string> out;
  if (value == nullptr) {
    return out;
  }
  if (!value->is_array()) {
    Wrong(keyword, *value, "an array of strings");
    return out;
  }
  for (const json& item : *value) {
    if (!item.is_string()) {
      Wrong(keyword, *value, "an array of strings");
      return {};
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace gpuext::emulator::schema::internal
