// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// metadata.managedFields as kube-apiserver's field manager keeps it: decoding the entries,
// comparing an object before and after a write, and encoding the entries back in its order.
// Shared by server-side apply and by the recording of ordinary writes.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apply_fields.h"
#include "field_set.h"

namespace gpuext::emulator::patch::internal {

// One managedFields entry: who, how, and what it owns.
struct Manager {
  nlohmann::json entry;  // the entry as stored; fieldsV1 is rewritten only when `changed`
  FieldSet fields;
  bool changed = false;

  // A string member of the entry, or "" ("manager", "operation", "apiVersion", "time", ...).
  [[nodiscard]] std::string Get(const char* key) const;

  // The manager as kube-apiserver names it in conflicts (printManager), for example
  // `"kubectl"` or `"kube-controller-manager" using apps/v1`.
  [[nodiscard]] std::string Display() const;
};

// A string member of an object, or "".
[[nodiscard]] std::string StringAt(const nlohmann::json& object, const char* key);

// The entries of `object`'s metadata.managedFields; paths kube-apiserver never tracks
// (apiVersion, kind, metadata.name, ...) are left out.
[[nodiscard]] std::vector<Manager> DecodeManagers(const nlohmann::json& object);

// False for paths kube-apiserver never tracks: apiVersion, kind and the metadata it sets itself
// (name, namespace, uid, resourceVersion, managedFields, ...), as its stripMeta manager does.
[[nodiscard]] bool IsTracked(const FieldPath& path);

// The owned-able paths of `object` that kube-apiserver tracks.
[[nodiscard]] FieldValues TrackedFields(const nlohmann::json& object, const PatchSchema* schema);

// The paths a write sets: added ones, and leaves whose value changed (list items never "change").
[[nodiscard]] FieldSet Changed(const FieldValues& before, const FieldValues& after);

// The paths a write removes.
[[nodiscard]] FieldSet Removed(const FieldValues& before, const FieldValues& after);

// Drops managers that own nothing, sorts the rest as kube-apiserver does (operation, time,
// manager, apiVersion, subresource) and stores them in `object`'s metadata.managedFields, or
// removes that field when none is left.
void StoreManagers(nlohmann::json& object, std::vector<Manager> managers);

}  // namespace gpuext::emulator::patch::internal
