// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the emulator knows about one served resource in one version: names for discovery,
// scope, subresources and, for CRDs, the structural schema.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/patch/patch_schema.h"
#include "gpuext/emulator/schema/structural_schema.h"

namespace gpuext::emulator {

struct ResourceType {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, "deployments"
  std::string kind;      // "Deployment"
  std::string list_kind;
  std::string singular;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  bool namespaced = true;
  bool status_subresource = false;
  bool scale_subresource = false;
  // JSON paths of the scale subresource (".spec.replicas" style), CRDs only.
  std::string spec_replicas_path;
  std::string status_replicas_path;
  std::string label_selector_path;
  // metadata.generation is maintained (bumped on spec changes).
  bool has_generation = false;
  // Update without metadata.resourceVersion is allowed (built-ins) or 422 (CRDs).
  bool allow_unconditional_update = true;
  bool crd = false;
  // Only create is served (tokenreviews).
  bool create_only = false;
  std::shared_ptr<const schema::StructuralSchema> schema;    // CRDs only
  const patch::PatchSchema* patch_schema = nullptr;          // built-ins with SMP support
  nlohmann::json printer_columns = nlohmann::json::array();  // CRD additionalPrinterColumns
  // Field selectors beyond metadata.name / metadata.namespace.
  std::vector<std::string> selectable_fields;

  [[nodiscard]] std::string ApiVersion() const {
    return group.empty() ? version : group + "/" + version;
  }
  // The storage key shared by all versions of one resource: "apps/deployments", "/pods".
  [[nodiscard]] std::string StorageKey() const { return group + "/" + resource; }
};

using ResourceTypePtr = std::shared_ptr<const ResourceType>;

}  // namespace gpuext::emulator
