// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Server-side apply (Content-Type: application/apply-patch+yaml, as `kubectl apply --server-side`
// sends it), after sigs.k8s.io/structured-merge-diff as kube-apiserver uses it:
//
//   nlohmann::json updated = ServerSideApply(live.get(), applied, "kubectl", /*force=*/false,
//                                            PatchSchema::ForKind("apps", "Deployment"),
//                                            "2026-08-21T10:00:00Z");
//
// Ownership is recorded in metadata.managedFields (fieldsType FieldsV1). Every manager listed
// there, Apply or Update, owns its fields: changing one of them is a conflict unless forced.
// RecordUpdate keeps the entries of ordinary writes, so that applies meet them.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/emulator/patch/patch_schema.h"
#include "gpuext/error.h"

namespace gpuext::emulator::patch {

// An apply that would change fields another manager owns. code() is kConflict (HTTP 409, reason
// Conflict); what() reads like kube-apiserver's Status message:
//   Apply failed with 1 conflict: conflict with "other": .spec.replicas
// Value type.
struct ApplyConflict : gpuext::Error {
  // One StatusCause of type FieldManagerConflict.
  struct Cause {
    std::string manager;  // the managedFields manager name: "other"
    std::string field;    // the field path: ".spec.replicas"
    std::string message;  // `conflict with "other"` (Update managers add ` using apps/v1`)
  };

  ApplyConflict(const std::string& message, std::vector<Cause> conflict_causes);

  std::vector<std::string> fields;  // the conflicting field paths, in the order of `causes`
  std::vector<Cause> causes;        // sorted by manager, then by field path
};

// Applies the configuration `applied` for `manager` and returns the new object, including the
// updated metadata.managedFields (entries {manager, operation: "Apply", apiVersion, time,
// fieldsType: "FieldsV1", fieldsV1}, sorted as kube-apiserver sorts them).
//
// `live` is nullptr when the object does not exist yet; its metadata.managedFields says who owns
// what. Fields this manager applied before but omits now are removed unless another manager also
// owns them. Maps merge; lists merge by key where `schema` knows a merge key and merge as sets
// where it marks a set (schema may be nullptr: then every list is atomic). Changing a field
// another manager owns is a conflict unless `force`, which moves the ownership to `manager`.
// `now_rfc3339` stamps the manager's entry when the object changed.
//
// The caller keeps the subresource split: it removes `status` from `applied` for the main
// resource, and everything else for /status.
//
// Throws ApplyConflict on conflicts; gpuext::Error(kInvalidArgument) when `applied` is not an
// object, carries metadata.managedFields, or has a keyed list item without its key or two items
// with the same key (messages as kube-apiserver's, "failed to create typed patch object ...").
// Thread safety: a pure function.
[[nodiscard]] nlohmann::json ServerSideApply(const nlohmann::json* live,
                                             const nlohmann::json& applied,
                                             std::string_view manager, bool force,
                                             const PatchSchema* schema,
                                             std::string_view now_rfc3339);

// Records an ordinary write (create, update, JSON/merge/strategic patch) in managedFields, as
// kube-apiserver's field manager does for `?fieldManager=`: the writer, as an "Update" entry for
// the object's apiVersion (and `subresource`, such as "status", when not empty), takes every field
// the write added or changed from whoever owned it; removed fields leave every entry. A write that
// changes nothing changes no entry. Returns `updated` with the resulting metadata.managedFields;
// managedFields sent in `updated` are ignored in favour of `live`'s (nullptr on create).
// Throws gpuext::Error(kInvalidArgument) when `updated` is not an object.
// Thread safety: a pure function.
[[nodiscard]] nlohmann::json RecordUpdate(const nlohmann::json* live, const nlohmann::json& updated,
                                          std::string_view manager, std::string_view subresource,
                                          const PatchSchema* schema, std::string_view now_rfc3339);

}  // namespace gpuext::emulator::patch
