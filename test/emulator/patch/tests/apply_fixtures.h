// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared inputs of the server-side apply and RecordUpdate tests: a small Deployment as
// `kubectl apply --server-side` sends it, the fields kube-apiserver records for it, and builders
// for managedFields entries.

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/patch/patch_schema.h"

namespace gpuext::emulator::patch::testing {

inline constexpr char kT0[] = "2026-08-20T10:00:00Z";
inline constexpr char kT1[] = "2026-08-21T10:00:00Z";
inline constexpr char kT2[] = "2026-08-22T10:00:00Z";

inline constexpr char kDeployment[] = R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
           "template": {"metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "app", "image": "nginx:1"}]}}}})";

// What kube-apiserver records for kDeployment: the selector is atomic, containers are keyed.
inline constexpr char kDeploymentFields[] = R"({
  "f:metadata": {"f:labels": {"f:app": {}}},
  "f:spec": {"f:replicas": {}, "f:selector": {},
             "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
                            "f:spec": {"f:containers": {"k:{\"name\":\"app\"}":
                                          {".": {}, "f:image": {}, "f:name": {}}}}}}})";

inline nlohmann::json Deployment() { return nlohmann::json::parse(kDeployment); }

// A managedFields entry for apps/v1.
inline nlohmann::json Entry(const std::string& manager, const std::string& operation,
                            const std::string& time, const std::string& fields) {
  return {{"manager", manager},       {"operation", operation},
          {"apiVersion", "apps/v1"},  {"time", time},
          {"fieldsType", "FieldsV1"}, {"fieldsV1", nlohmann::json::parse(fields)}};
}

inline nlohmann::json WithManagedFields(nlohmann::json object, nlohmann::json entries) {
  object["metadata"]["managedFields"] = std::move(entries);
  return object;
}

inline const PatchSchema* DeploymentSchema() { return PatchSchema::ForKind("apps", "Deployment"); }

}  // namespace gpuext::emulator::patch::testing
