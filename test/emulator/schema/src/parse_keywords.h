// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Typed access to the keywords of one schema object. A keyword of the wrong JSON type is
// reported into the error list under its schema path and read as absent.
// Confined to one thread (the parser's).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"

namespace gpuext::emulator::schema::internal {

class Keywords {
 public:
  // `schema` and `errors` must outlive this object.
  Keywords(const nlohmann::json& schema, std::string where, FieldErrorList& errors);

  // The keyword's value, or nullptr when it is absent (or the schema is not an object).
  [[nodiscard]] const nlohmann::json* Find(std::string_view keyword) const;
  // The schema path of a keyword: "openAPIV3Schema.properties[spec].type".
  [[nodiscard]] std::string Path(std::string_view keyword) const;

  std::optional<std::string> String(std::string_view keyword);
  std::optional<bool> Bool(std::string_view keyword);
  std::optional<double> Number(std::string_view keyword);
  // A non-negative integer (minLength, maxItems, ...).
  std::optional<int64_t> Count(std::string_view keyword);
  // An array of strings (required, x-kubernetes-list-map-keys); empty when absent.
  std::vector<std::string> Strings(std::string_view keyword);

 private:
  void Wrong(std::string_view keyword, const nlohmann::json& value, std::string_view want);

  const nlohmann::json& schema_;
  std::string where_;
  FieldErrorList& errors_;
};

}  // namespace gpuext::emulator::schema::internal
