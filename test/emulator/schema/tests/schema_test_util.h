// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the emulator_schema tests.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/schema/structural_schema.h"
#include "gpuext/field_errors.h"

namespace gpuext::emulator::schema::testing {

inline nlohmann::json Json(std::string_view text) { return nlohmann::json::parse(text); }

// The errors as Kubernetes prints them, in order.
inline std::vector<std::string> Rendered(const FieldErrorList& errors) {
  std::vector<std::string> out;
  for (const FieldError& error : errors) {
    out.push_back(error.ToString());
  }
  return out;
}

// A resource schema whose only property is `spec` with the given schema.
inline std::shared_ptr<const StructuralSchema> SpecSchema(const nlohmann::json& spec_schema) {
  return StructuralSchema::FromOpenApiV3(
      {{"type", "object"}, {"properties", {{"spec", spec_schema}}}});
}

}  // namespace gpuext::emulator::schema::testing
