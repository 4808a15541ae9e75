// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ObjectMeta rules of kube-apiserver: name formats, labels, system fields, generation.

#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"
#include "resource_type.h"

namespace gpuext::emulator {

// metadata.<field> as a string, "" when absent.
std::string Meta(const nlohmann::json& obj, const char* field);

// A random RFC 4122 version-4 UUID.
std::string NewUid();
// Now as RFC 3339 with seconds ("2026-11-23T10:00:00Z"), as metav1.Time serialises.
std::string NowRfc3339();
// `prefix` plus five random characters from kube's alphabet (names.SimpleNameGenerator).
std::string GenerateName(const std::string& prefix);

// Validates metadata of an object about to be stored: name (DNS-1123 subdomain, or label for
// namespaces and services), namespace presence vs scope, labels and annotations.
FieldErrorList ValidateObjectMeta(const ResourceType& type, const nlohmann::json& obj);

// True when anything outside metadata and status differs (what bumps metadata.generation).
bool SpecChanged(const nlohmann::json& old_obj, const nlohmann::json& new_obj);

// The object's finalizers (empty when none).
std::vector<std::string> Finalizers(const nlohmann::json& obj);
bool HasFinalizer(const nlohmann::json& obj, const std::string& finalizer);
void RemoveFinalizer(nlohmann::json& obj, const std::string& finalizer);

}  // namespace gpuext::emulator
