// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// kube-openapi's schema validator as apiextensions-apiserver runs it for custom resources, with
// its errors converted to field errors the way apiextensions' kubeOpenAPIResultToFieldErrors
// does. Paths are kube-openapi's: "spec.items[2].name"; a map entry is "spec.labels.key".

#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"
#include "node.h"

namespace gpuext::emulator::schema::internal {

// Validates `object` (root metadata skipped). With `old_object`, errors of values equal to their
// correlated old value are dropped (CRD validation ratcheting).
[[nodiscard]] FieldErrorList ValidateAgainstSchema(const Node& root, const nlohmann::json& object,
                                                   const nlohmann::json* old_object);

// The per-value validators, each appending its errors for the value at `path`.
void CheckType(const Node& node, const nlohmann::json& value, const std::string& path,
               FieldErrorList& out);
void CheckString(const Node& node, const nlohmann::json& value, const std::string& path,
                 FieldErrorList& out);
void CheckFormat(const Node& node, const nlohmann::json& value, const std::string& path,
                 FieldErrorList& out);
void CheckNumber(const Node& node, const nlohmann::json& value, const std::string& path,
                 FieldErrorList& out);
void CheckEnum(const Node& node, const nlohmann::json& value, const std::string& path,
               FieldErrorList& out);

// kube-openapi's InvalidType error: `<path> in body must be of type <type>: "<actual>"`.
[[nodiscard]] FieldError TypeError(const std::string& path, const std::string& type,
                                   const std::string& actual);

}  // namespace gpuext::emulator::schema::internal
