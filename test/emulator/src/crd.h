// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// CustomResourceDefinitions: validating them, turning them into served resource types, and
// the status kube-apiserver reports once one is served.

#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"
#include "resource_type.h"

namespace gpuext::emulator {

// The checks of apiextensions validation that matter for serving: name = <plural>.<group>,
// names, scope, at least one served version, exactly one storage version, a structural schema
// per version that parses.
FieldErrorList ValidateCrd(const nlohmann::json& crd);

// One ResourceType per served version, storage version first. Throws on a bad schema (call
// ValidateCrd first).
std::vector<ResourceTypePtr> TypesFromCrd(const nlohmann::json& crd);

// status.{conditions NamesAccepted/Established, acceptedNames, storedVersions}.
nlohmann::json EstablishedStatus(const nlohmann::json& crd, const std::string& now);

// The finalizer kube-apiserver puts on CRDs so their objects are removed first.
inline constexpr const char* kCrdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

}  // namespace gpuext::emulator
