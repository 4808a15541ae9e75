// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Server-side apply: managedFields bookkeeping, pruning of fields the applier dropped, and
// conflict detection, after structured-merge-diff's Updater.Apply as kube-apiserver runs it.

#include "gpuext/emulator/patch/server_side_apply.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "apply_fields.h"
#include "field_set.h"
#include "managed_fields.h"

namespace gpuext::emulator::patch {
namespace {

using internal::FieldPath;
using internal::FieldSet;
using internal::Manager;
using internal::StringAt;
using nlohmann::json;

// "default/web; apps/v1, Kind=Deployment", as objectGVKNN prints it.
std::string ObjectName(const json& applied) {
  const json meta = applied.contains("metadata") ? applied["metadata"] : json::object();
  std::string api_version = StringAt(applied, "apiVersion");
  if (api_version.find('/') == std::string::npos) {
    api_version = "/" + api_version;
  }
  return StringAt(meta, "namespace") + "/" + StringAt(meta, "name") + "; " + api_version +
         ", Kind=" + StringAt(applied, "kind");
}

// The applied configuration's paths; throws kube-apiserver's error for an invalid one.
internal::FieldValues AppliedFields(const json& applied, const PatchSchema* schema) {
  std::vector<std::string> errors;
  internal::FieldValues values = internal::CollectFields(applied, schema, &errors);
  if (!errors.empty()) {
    std::string detail = errors.size() == 1 ? errors[0] : "errors:";
    for (size_t i = 0; errors.size() > 1 && i < errors.size(); ++i) {
      detail += "\n  " + errors[i];
    }
    throw Error(ErrorCode::kInvalidArgument,
                "failed to create typed patch object (" + ObjectName(applied) + "): " + detail);
  }
  std::erase_if(values, [](const auto& kv) { return !internal::IsTracked(kv.first); });
  return values;
}

// Throws the conflicts in kube-apiserver's words (getConflictMessage), grouped by manager.
[[noreturn]] void ThrowConflicts(std::vector<ApplyConflict::Cause> causes) {
  std::sort(causes.begin(), causes.end(), [](const auto& a, const auto& b) {
    return std::tie(a.message, a.field) < std::tie(b.message, b.field);
  });
  std::string message;
  if (causes.size() == 1) {
    message = "Apply failed with 1 conflict: " + causes[0].message + ": " + causes[0].field;
  } else {
    message = "Apply failed with " + std::to_string(causes.size()) + " conflicts: ";
    for (size_t i = 0; i < causes.size(); ++i) {
      if (i == 0 || causes[i].message != causes[i - 1].message) {
        // "conflict with X" becomes the heading "conflicts with X:".
        message += (i == 0 ? "" : "\n") + std::string("conflicts") +
                   causes[i].message.substr(std::string_view("conflict").size()) + ":";
      }
      message += "\n- " + causes[i].field;
    }
  }
  throw ApplyConflict(message, std::move(causes));
}

}  // namespace

ApplyConflict::ApplyConflict(const std::string& message, std::vector<Cause> conflict_causes)
    : gpuext::Error(ErrorCode::kConflict, message), causes(std::move(conflict_causes)) {
  for (const Cause& c : causes) {
    fields.push_back(c.field);
  }
}

json ServerSideApply(const json* live, const json& applied, std::string_view manager, bool force,
                     const PatchSchema* schema, std::string_view now_rfc3339) {
  if (!applied.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "the applied configuration is not a JSON object");
  }
  if (auto meta = applied.find("metadata"); meta != applied.end() && meta->is_object()) {
    if (auto mf = meta->find("managedFields"); mf != meta->end() && !mf->is_null()) {
      throw Error(ErrorCode::kInvalidArgument, "metadata.managedFields must be nil");
    }
  }
  const internal::FieldValues applied_fields = AppliedFields(applied, schema);

  json base = live != nullptr && live->is_object() ? *live : json::object();
  std::vector<Manager> managers = internal::DecodeManagers(base);
  if (base.contains("metadata") && base["metadata"].is_object()) {
    base["metadata"].erase("managedFields");
  }

  // The applier's entry: Apply managers are identified without their apiVersion.
  auto self = std::find_if(managers.begin(), managers.end(), [&](const Manager& m) {
    return m.Get("operation") == "Apply" && m.Get("manager") == manager &&
           m.Get("subresource").empty();
  });
  const bool is_new = self == managers.end();
  if (is_new) {
    managers.push_back(Manager{
        .entry = {{"manager", manager}, {"operation", "Apply"}}, .fields = {}, .changed = false});
    self = managers.end() - 1;
  }
  const FieldSet last = self->fields;
  self->fields.clear();
  for (const auto& [path, value] : applied_fields) {
    self->fields.insert(path);
  }
  self->changed = true;
  self->entry["apiVersion"] = StringAt(applied, "apiVersion");
  const size_t self_index = static_cast<size_t>(self - managers.begin());

  // Prune: what the applier owned before and nobody owns now goes.
  json merged = internal::MergeApplied(base, applied, schema);
  FieldSet owned;
  for (const Manager& m : managers) {
    owned.insert(m.fields.begin(), m.fields.end());
  }
  for (const FieldPath& path : last) {
    if (!owned.contains(path)) {
      internal::RemovePath(merged, path, owned);
    }
  }

  // Conflicts: fields this apply changes that another manager owns.
  const internal::FieldValues before = internal::TrackedFields(base, schema);
  const internal::FieldValues after = internal::TrackedFields(merged, schema);
  const FieldSet changed = internal::Changed(before, after);
  const FieldSet removed = internal::Removed(before, after);
  std::vector<ApplyConflict::Cause> causes;
  for (size_t i = 0; i < managers.size(); ++i) {
    if (i == self_index) {
      continue;
    }
    for (const FieldPath& path : managers[i].fields) {
      if (changed.contains(path)) {
        causes.push_back({.manager = managers[i].Get("manager"),
                          .field = internal::PathString(path),
                          .message = "conflict with " + managers[i].Display()});
      }
    }
  }
  if (!causes.empty() && !force) {
    ThrowConflicts(std::move(causes));
  }
  for (size_t i = 0; i < managers.size(); ++i) {
    if (i == self_index) {
      continue;
    }
    const size_t before_size = managers[i].fields.size();
    std::erase_if(managers[i].fields,
                  [&](const FieldPath& p) { return changed.contains(p) || removed.contains(p); });
    managers[i].changed = managers[i].fields.size() != before_size;
  }

  internal::StripNulls(merged);
  if (is_new || merged != base || !managers[self_index].entry.contains("time")) {
    managers[self_index].entry["time"] = std::string(now_rfc3339);
  }
  internal::StoreManagers(merged, std::move(managers));
  return merged;
}

}  // namespace gpuext::emulator::patch
