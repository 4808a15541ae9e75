// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Server-side apply: managedFields bookkeeping, pruning of fields the applier dropped, and
// conflict detection, after structured-merge-diff's Updater.Apply as kube-apiserver runs it.

#include "gpuext/emulator/patch/server_side_apply.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "apply_fields.h"
#include "field_set.h"

namespace gpuext::emulator::patch {
namespace {

using internal::FieldPath;
using internal::FieldSet;
using nlohmann::json;

// One managedFields entry: who, how, and what it owns.
struct Manager {
  json entry;  // the entry as stored; fieldsV1 is rewritten only when `changed`
  FieldSet fields;
  bool changed = false;

  std::string Get(const char* key) const {
    auto it = entry.find(key);
    return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
  }
  bool IsApply() const { return Get("operation") == "Apply"; }

  // The manager as kube-apiserver names it in conflicts (printManager).
  std::string Display() const {
    std::string out = json(Get("manager")).dump();
    if (!Get("subresource").empty()) {
      out += " with subresource " + json(Get("subresource")).dump();
    }
    if (Get("operation") == "Update") {
      out += " using " + Get("apiVersion");
    }
    return out;
  }
};

// Paths kube-apiserver never tracks (its stripMeta manager).
bool IsStripped(const FieldPath& path) {
  static const std::vector<FieldPath> kStripped = {
      {"f:apiVersion"},
      {"f:kind"},
      {"f:metadata", "f:name"},
      {"f:metadata", "f:namespace"},
      {"f:metadata", "f:creationTimestamp"},
      {"f:metadata", "f:selfLink"},
      {"f:metadata", "f:uid"},
      {"f:metadata", "f:clusterName"},
      {"f:metadata", "f:generation"},
      {"f:metadata", "f:managedFields"},
      {"f:metadata", "f:resourceVersion"},
  };
  return std::any_of(kStripped.begin(), kStripped.end(),
                     [&](const FieldPath& s) { return internal::IsAtOrUnder(path, s); });
}

internal::FieldValues Tracked(internal::FieldValues values) {
  std::erase_if(values, [](const auto& kv) { return IsStripped(kv.first); });
  return values;
}

std::string StringAt(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "default/web; apps/v1, Kind=Deployment", as objectGVKNN prints it.
std::string ObjectName(const json& applied) {
  const json& meta = applied.contains("metadata") ? applied["metadata"] : json::object();
  std::string api_version = StringAt(applied, "apiVersion");
  if (api_version.find('/') == std::string::npos) {
    api_version = "/" + api_version;
  }
  return StringAt(meta, "namespace") + "/" + StringAt(meta, "name") + "; " + api_version +
         ", Kind=" + StringAt(applied, "kind");
}

std::vector<Manager> DecodeManagers(const json& live) {
  std::vector<Manager> managers;
  const json* entries = nullptr;
  if (auto meta = live.find("metadata"); meta != live.end() && meta->is_object()) {
    if (auto mf = meta->find("managedFields"); mf != meta->end() && mf->is_array()) {
      entries = &*mf;
    }
  }
  if (entries == nullptr) {
    return managers;
  }
  for (const json& entry : *entries) {
    if (!entry.is_object()) {
      continue;
    }
    Manager m{.entry = entry, .fields = {}, .changed = false};
    if (auto fields = entry.find("fieldsV1"); fields != entry.end()) {
      for (const FieldPath& path : internal::DecodeFieldsV1(*fields)) {
        if (!IsStripped(path)) {
          m.fields.insert(path);
        }
      }
    }
    managers.push_back(std::move(m));
  }
  return managers;
}

// The paths a change sets: added, or leaves whose value differs (items are never "modified").
FieldSet Changed(const internal::FieldValues& before, const internal::FieldValues& after) {
  FieldSet out;
  for (const auto& [path, value] : after) {
    auto it = before.find(path);
    const bool item = path.back().starts_with("k:") || path.back().starts_with("v:");
    if (it == before.end() || (!item && *it->second != *value)) {
      out.insert(path);
    }
  }
  return out;
}

FieldSet Removed(const internal::FieldValues& before, const internal::FieldValues& after) {
  FieldSet out;
  for (const auto& [path, value] : before) {
    if (!after.contains(path)) {
      out.insert(path);
    }
  }
  return out;
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

json EncodeManagers(std::vector<Manager>& managers) {
  std::sort(managers.begin(), managers.end(), [](const Manager& a, const Manager& b) {
    return std::make_tuple(a.Get("operation"), a.Get("time"), a.Get("manager"), a.Get("apiVersion"),
                           a.Get("subresource")) <
           std::make_tuple(b.Get("operation"), b.Get("time"), b.Get("manager"), b.Get("apiVersion"),
                           b.Get("subresource"));
  });
  json out = json::array();
  for (Manager& m : managers) {
    if (m.changed) {
      m.entry["fieldsType"] = "FieldsV1";
      m.entry["fieldsV1"] = internal::EncodeFieldsV1(m.fields);
    }
    out.push_back(m.entry);
  }
  return out;
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
  std::vector<std::string> errors;
  const internal::FieldValues applied_fields =
      Tracked(internal::CollectFields(applied, schema, &errors));
  if (!errors.empty()) {
    std::string detail = errors.size() == 1 ? errors[0] : "errors:";
    for (size_t i = 0; errors.size() > 1 && i < errors.size(); ++i) {
      detail += "\n  " + errors[i];
    }
    throw Error(ErrorCode::kInvalidArgument,
                "failed to create typed patch object (" + ObjectName(applied) + "): " + detail);
  }

  json base = live != nullptr && live->is_object() ? *live : json::object();
  std::vector<Manager> managers = DecodeManagers(base);
  if (base.contains("metadata") && base["metadata"].is_object()) {
    base["metadata"].erase("managedFields");
  }

  // The applier's entry: Apply managers are identified without their apiVersion.
  auto self = std::find_if(managers.begin(), managers.end(), [&](const Manager& m) {
    return m.IsApply() && m.Get("manager") == manager && m.Get("subresource").empty();
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
  const internal::FieldValues before = Tracked(internal::CollectFields(base, schema, nullptr));
  const internal::FieldValues after = Tracked(internal::CollectFields(merged, schema, nullptr));
  const FieldSet changed = Changed(before, after);
  const FieldSet removed = Removed(before, after);
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
  std::erase_if(managers, [](const Manager& m) { return m.fields.empty(); });
  if (!managers.empty()) {
    merged["metadata"]["managedFields"] = EncodeManagers(managers);
  }
  return merged;
}

}  // namespace gpuext::emulator::patch
