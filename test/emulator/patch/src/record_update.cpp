// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Ownership of ordinary writes (create, update, patch), after structured-merge-diff's
// Updater.Update and kube-apiserver's managedFieldsUpdater: the writer takes every field it
// changed, from whoever owned it before.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/patch/server_side_apply.h"
#include "managed_fields.h"

namespace gpuext::emulator::patch {

nlohmann::json RecordUpdate(const nlohmann::json* live, const nlohmann::json& updated,
                            std::string_view manager, std::string_view subresource,
                            const PatchSchema* schema, std::string_view now_rfc3339) {
  using internal::FieldPath;
  using internal::FieldSet;
  using internal::Manager;
  using nlohmann::json;
  if (!updated.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "the updated object is not a JSON object");
  }
  json base = live != nullptr && live->is_object() ? *live : json::object();
  std::vector<Manager> managers = internal::DecodeManagers(base);
  json result = updated;
  for (json* object : {&base, &result}) {
    if (object->contains("metadata") && (*object)["metadata"].is_object()) {
      (*object)["metadata"].erase("managedFields");
    }
  }
  const internal::FieldValues before = internal::TrackedFields(base, schema);
  const internal::FieldValues after = internal::TrackedFields(result, schema);
  const FieldSet changed = internal::Changed(before, after);
  const FieldSet removed = internal::Removed(before, after);

  // Every manager, the writer's earlier entry included, loses what this write changed or removed.
  for (Manager& m : managers) {
    const size_t size = m.fields.size();
    std::erase_if(m.fields,
                  [&](const FieldPath& p) { return changed.contains(p) || removed.contains(p); });
    m.changed = m.fields.size() != size;
  }
  if (!changed.empty()) {
    const std::string api_version = internal::StringAt(updated, "apiVersion");
    auto self = std::find_if(managers.begin(), managers.end(), [&](const Manager& m) {
      return m.Get("manager") == manager && m.Get("operation") == "Update" &&
             m.Get("apiVersion") == api_version && m.Get("subresource") == subresource;
    });
    if (self == managers.end()) {
      json entry = {{"manager", manager}, {"operation", "Update"}, {"apiVersion", api_version}};
      if (!subresource.empty()) {
        entry["subresource"] = subresource;
      }
      managers.push_back(Manager{.entry = std::move(entry), .fields = {}, .changed = true});
      self = managers.end() - 1;
    }
    self->fields.insert(changed.begin(), changed.end());
    self->entry["time"] = std::string(now_rfc3339);
    self->changed = true;
  }
  internal::StoreManagers(result, std::move(managers));
  return result;
}

}  // namespace gpuext::emulator::patch
