// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/testing/fake_client.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "fake_client_watcher.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/selector.h"
#include "gpuext/time_format.h"

namespace gpuext::kube::testing {

using nlohmann::json;

namespace {

std::string StringAt(const json& obj, const char* section, const char* field) {
  const auto s = obj.find(section);
  if (s == obj.end() || !s->is_object()) {
    return {};
  }
  const auto f = s->find(field);
  return f != s->end() && f->is_string() ? f->get<std::string>() : std::string();
}

ObjectKey KeyOf(const Resource& resource, const json& obj) {
  return {resource.namespaced ? StringAt(obj, "metadata", "namespace") : std::string(),
          StringAt(obj, "metadata", "name")};
}

std::vector<std::string> Finalizers(const json& obj) {
  std::vector<std::string> out;
  const auto m = obj.find("metadata");
  if (m != obj.end() && m->contains("finalizers") && (*m)["finalizers"].is_array()) {
    for (const auto& f : (*m)["finalizers"]) {
      out.push_back(f.get<std::string>());
    }
  }
  return out;
}

bool Deleting(const json& obj) {
  return obj.contains("metadata") && obj["metadata"].contains("deletionTimestamp") &&
         !obj["metadata"]["deletionTimestamp"].is_null();
}

// Everything that counts as "spec" for metadata.generation: the object without metadata
// (and without status when the status lives in its subresource).
json SpecPart(json obj, bool status_subresource) {
  obj.erase("metadata");
  if (status_subresource) {
    obj.erase("status");
  }
  return obj;
}

ApiError NotFound(const Resource& resource, const ObjectKey& key) {
  return ApiError(404, "NotFound", fmt::format("{} \"{}\" not found", resource.String(), key.name));
}

ApiError Conflict(const Resource& resource, const ObjectKey& key) {
  return ApiError(409, "Conflict",
                  fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been "
                              "modified; please apply your changes to the latest version and try "
                              "again",
                              resource.String(), key.name));
}

}  // namespace

FakeClient::FakeClient(FakeClientOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : RealClock::Instance()) {}

FakeClient::~FakeClient() {
  std::lock_guard lock(mu_);
  for (const auto& w : watchers_) {
    w->Close();
  }
}

void FakeClient::SetHook(Verb verb, Hook hook) {
  std::lock_guard lock(hooks_mu_);
  if (hook) {
    hooks_[verb] = std::move(hook);
  } else {
    hooks_.erase(verb);
  }
}

void FakeClient::RunHook(const Call& call) const {
  Hook hook;
  {
    std::lock_guard lock(hooks_mu_);
    const auto it = hooks_.find(call.verb);
    if (it == hooks_.end()) {
      return;
    }
    hook = it->second;
  }
  hook(call);  // Outside the locks: a hook may call the client.
}

bool FakeClient::HasStatusSubresource(const Resource& resource) const {
  const auto& without = options_.without_status_subresource;
  return std::none_of(without.begin(), without.end(), [&](const Resource& r) {
    return r.group == resource.group && r.resource == resource.resource;
  });
}

FakeClient::Objects& FakeClient::ObjectsOf(const Resource& resource) {
  return objects_[resource.String()];
}

std::string FakeClient::NextResourceVersion() { return std::to_string(++resource_version_); }

std::string FakeClient::CurrentResourceVersion() const {
  std::lock_guard lock(mu_);
  return std::to_string(resource_version_);
}

void FakeClient::Seed(const Resource& resource, json object) {
  std::lock_guard lock(mu_);
  CreateLocked(resource, std::move(object), /*keep_status=*/true, /*record=*/false);
  compacted_rv_ = resource_version_;  // A watch from before the seed would miss it: 410.
}

std::optional<json> FakeClient::Get(const Resource& resource, const ObjectKey& key) {
  RunHook({.verb = Verb::kGet, .resource = resource, .key = key});
  std::lock_guard lock(mu_);
  auto& objects = ObjectsOf(resource);
  const auto it = objects.find(resource.namespaced ? key : ObjectKey{"", key.name});
  if (it == objects.end()) {
    return std::nullopt;
  }
  return it->second;
}

json FakeClient::List(const Resource& resource, const ListOptions& options) {
  RunHook({.verb = Verb::kList, .resource = resource, .list_options = &options});
  Watcher filter;
  try {
    filter.ns = options.ns;
    filter.labels = LabelSelector::Parse(options.label_selector);
    filter.fields = FieldSelector::Parse(options.field_selector);
  } catch (const std::exception& e) {
    throw ApiError(400, "BadRequest", e.what());
  }
  std::lock_guard lock(mu_);
  json items = json::array();
  std::string kind;
  for (const auto& [key, obj] : ObjectsOf(resource)) {
    if (filter.Matches(obj)) {
      items.push_back(obj);
      if (kind.empty()) {
        kind = obj.value("kind", "");
      }
    }
  }
  return json{{"apiVersion", resource.ApiVersion()},
              {"kind", kind + "List"},
              {"metadata", {{"resourceVersion", std::to_string(resource_version_)}}},
              {"items", std::move(items)}};
}

json FakeClient::Create(const Resource& resource, const json& obj, const WriteOptions& options) {
  RunHook(
      {.verb = Verb::kCreate, .resource = resource, .key = KeyOf(resource, obj), .object = &obj});
  std::lock_guard lock(mu_);
  if (options.dry_run) {
    if (ObjectsOf(resource).contains(KeyOf(resource, obj))) {
      throw ApiError(
          409, "AlreadyExists",
          fmt::format("{} \"{}\" already exists", resource.String(), KeyOf(resource, obj).name));
    }
    return obj;
  }
  return CreateLocked(resource, obj, /*keep_status=*/!HasStatusSubresource(resource),
                      /*record=*/true);
}

json FakeClient::CreateLocked(const Resource& resource, json obj, bool keep_status, bool record) {
  if (!obj.is_object()) {
    throw ApiError(400, "BadRequest", "object must be a JSON object");
  }
  json& meta = obj["metadata"];
  if (!meta.is_object()) {
    meta = json::object();
  }
  if (StringAt(obj, "metadata", "name").empty()) {
    const std::string prefix = StringAt(obj, "metadata", "generateName");
    if (prefix.empty()) {
      throw ApiError(422, "Invalid",
                     fmt::format("{} is invalid: metadata.name: Required value: name or "
                                 "generateName is required",
                                 resource.String()),
                     {{"FieldValueRequired", "Required value", "metadata.name"}});
    }
    meta["name"] = fmt::format("{}{:05x}", prefix, (resource_version_ * 2654435761U) & 0xfffff);
  }
  if (!resource.namespaced) {
    meta.erase("namespace");
  } else if (StringAt(obj, "metadata", "namespace").empty()) {
    throw ApiError(400, "BadRequest",
                   fmt::format("{}: metadata.namespace is required", resource.String()));
  }
  const ObjectKey key = KeyOf(resource, obj);
  auto& objects = ObjectsOf(resource);
  if (objects.contains(key)) {
    throw ApiError(409, "AlreadyExists",
                   fmt::format("{} \"{}\" already exists", resource.String(), key.name));
  }
  if (!obj.contains("apiVersion")) {
    obj["apiVersion"] = resource.ApiVersion();
  }
  if (!keep_status) {
    obj.erase("status");
  }
  if (record) {
    meta.erase("deletionTimestamp");  // Only seeds may start out deleting.
  }
  ++next_uid_;
  meta["uid"] = fmt::format("00000000-0000-4000-8000-{:012x}", next_uid_);
  if (!meta.contains("creationTimestamp") || meta["creationTimestamp"].is_null()) {
    meta["creationTimestamp"] = FormatRfc3339(clock_.Now());
  }
  meta["generation"] = 1;
  meta["resourceVersion"] = NextResourceVersion();
  objects[key] = obj;
  if (record) {
    Record(resource, WatchEvent::Type::kAdded, json(), obj);
  }
  return obj;
}

json FakeClient::Update(const Resource& resource, const json& obj, Subresource subresource,
                        const WriteOptions& options) {
  RunHook({.verb = Verb::kUpdate,
           .resource = resource,
           .key = KeyOf(resource, obj),
           .object = &obj,
           .subresource = subresource});
  std::lock_guard lock(mu_);
  if (options.dry_run) {
    const auto& objects = ObjectsOf(resource);
    if (!objects.contains(KeyOf(resource, obj))) {
      throw NotFound(resource, KeyOf(resource, obj));
    }
    return obj;
  }
  return UpdateLocked(resource, obj, subresource);
}

json FakeClient::UpdateLocked(const Resource& resource, json obj, Subresource sub) {
  const bool status_sub = HasStatusSubresource(resource);
  if (sub == Subresource::kStatus && !status_sub) {
    throw ApiError(404, "NotFound", fmt::format("{} has no status subresource", resource.String()));
  }
  const ObjectKey key = KeyOf(resource, obj);
  auto& objects = ObjectsOf(resource);
  const auto it = objects.find(key);
  if (it == objects.end()) {
    throw NotFound(resource, key);
  }
  const json& old = it->second;
  const std::string sent_rv = StringAt(obj, "metadata", "resourceVersion");
  if (!sent_rv.empty() && sent_rv != old["metadata"]["resourceVersion"].get<std::string>()) {
    throw Conflict(resource, key);
  }

  json updated;
  if (sub == Subresource::kStatus) {
    updated = old;  // Only the status changes through the subresource.
    if (obj.contains("status")) {
      updated["status"] = obj["status"];
    } else {
      updated.erase("status");
    }
  } else {
    updated = std::move(obj);
    if (!updated["metadata"].is_object()) {
      updated["metadata"] = json::object();
    }
    if (status_sub) {  // The status only changes through its subresource.
      if (old.contains("status")) {
        updated["status"] = old["status"];
      } else {
        updated.erase("status");
      }
    }
    json& meta = updated["metadata"];
    for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp",
                              "deletionGracePeriodSeconds", "generation"}) {
      if (old["metadata"].contains(field)) {
        meta[field] = old["metadata"][field];
      } else {
        meta.erase(field);
      }
    }
    if (!updated.contains("apiVersion") && old.contains("apiVersion")) {
      updated["apiVersion"] = old["apiVersion"];
    }
    if (!updated.contains("kind") && old.contains("kind")) {
      updated["kind"] = old["kind"];
    }
    if (Deleting(old)) {
      const auto before = Finalizers(old);
      for (const auto& f : Finalizers(updated)) {
        if (std::find(before.begin(), before.end(), f) == before.end()) {
          throw ApiError(422, "Invalid",
                         fmt::format("{} \"{}\" is invalid: metadata.finalizers: Forbidden: no "
                                     "new finalizers can be added if the object is being deleted",
                                     resource.String(), key.name),
                         {{"FieldValueForbidden", "no new finalizers", "metadata.finalizers"}});
        }
      }
    }
    if (SpecPart(updated, status_sub) != SpecPart(old, status_sub)) {
      meta["generation"] = old["metadata"].value("generation", 0) + 1;
    }
  }
  updated["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"];
  if (updated == old) {
    return old;  // A no-op write: kube-apiserver neither stores nor bumps it.
  }
  updated["metadata"]["resourceVersion"] = NextResourceVersion();
  if (Deleting(updated) && Finalizers(updated).empty()) {
    // The last finalizer is gone: the pending delete completes now.
    objects.erase(it);
    Record(resource, WatchEvent::Type::kDeleted, json(), updated);
    return updated;
  }
  json previous = std::move(it->second);
  it->second = updated;
  Record(resource, WatchEvent::Type::kModified, previous, updated);
  return updated;
}

json FakeClient::Patch(const Resource& resource, const ObjectKey& key, PatchType type,
                       const json& patch, Subresource subresource, const WriteOptions& options) {
  RunHook({.verb = Verb::kPatch,
           .resource = resource,
           .key = key,
           .patch = &patch,
           .subresource = subresource});
  std::lock_guard lock(mu_);
  auto& objects = ObjectsOf(resource);
  const ObjectKey scoped = resource.namespaced ? key : ObjectKey{"", key.name};
  const auto it = objects.find(scoped);
  if (it == objects.end()) {
    if (type != PatchType::kApply || subresource != Subresource::kNone) {
      throw NotFound(resource, key);
    }
    json obj = patch;  // Apply of an absent object creates it.
    obj["metadata"]["name"] = key.name;
    if (resource.namespaced) {
      obj["metadata"]["namespace"] = key.ns;
    }
    if (options.dry_run) {
      return obj;
    }
    return CreateLocked(resource, std::move(obj),
                        /*keep_status=*/!HasStatusSubresource(resource), /*record=*/true);
  }
  json target = it->second;
  try {
    if (type == PatchType::kJson) {
      target = target.patch(patch);
    } else {
      target.merge_patch(patch);
    }
  } catch (const json::exception& e) {
    throw ApiError(422, "Invalid", fmt::format("the patch could not be applied: {}", e.what()));
  }
  // The URL names the object; a patch cannot rename or move it.
  target["metadata"]["name"] = scoped.name;
  if (resource.namespaced) {
    target["metadata"]["namespace"] = scoped.ns;
  }
  if (options.dry_run) {
    return target;
  }
  return UpdateLocked(resource, std::move(target), subresource);
}

void FakeClient::Delete(const Resource& resource, const ObjectKey& key,
                        const DeleteOptions& options) {
  RunHook({.verb = Verb::kDelete, .resource = resource, .key = key});
  std::lock_guard lock(mu_);
  DeleteLocked(resource, resource.namespaced ? key : ObjectKey{"", key.name}, options);
}

void FakeClient::DeleteLocked(const Resource& resource, const ObjectKey& key,
                              const DeleteOptions& options) {
  auto& objects = ObjectsOf(resource);
  const auto it = objects.find(key);
  if (it == objects.end()) {
    return;  // Absent counts as deleted.
  }
  json& obj = it->second;
  if (options.precondition_uid && *options.precondition_uid != StringAt(obj, "metadata", "uid")) {
    throw ApiError(409, "Conflict",
                   fmt::format("Precondition failed: UID in precondition: {}, UID in object meta: "
                               "{}",
                               *options.precondition_uid, StringAt(obj, "metadata", "uid")));
  }
  if (options.precondition_resource_version &&
      *options.precondition_resource_version != StringAt(obj, "metadata", "resourceVersion")) {
    throw ApiError(409, "Conflict",
                   fmt::format("Precondition failed: ResourceVersion in precondition: {}, "
                               "ResourceVersion in object meta: {}",
                               *options.precondition_resource_version,
                               StringAt(obj, "metadata", "resourceVersion")));
  }
  if (options.dry_run) {
    return;
  }
  if (Finalizers(obj).empty()) {
    RemoveLocked(resource, it);
    return;
  }
  if (Deleting(obj)) {
    return;  // Already waiting for its finalizers.
  }
  json previous = obj;
  obj["metadata"]["deletionTimestamp"] = FormatRfc3339(clock_.Now());
  obj["metadata"]["deletionGracePeriodSeconds"] = 0;
  obj["metadata"]["resourceVersion"] = NextResourceVersion();
  Record(resource, WatchEvent::Type::kModified, previous, obj);
}

void FakeClient::RemoveLocked(const Resource& resource, Objects::iterator it) {
  json obj = std::move(it->second);
  ObjectsOf(resource).erase(it);
  obj["metadata"]["resourceVersion"] = NextResourceVersion();
  Record(resource, WatchEvent::Type::kDeleted, json(), obj);
}

void FakeClient::DeleteCollection(const Resource& resource, const ListOptions& options,
                                  const DeleteOptions& delete_options) {
  RunHook({.verb = Verb::kDeleteCollection, .resource = resource, .list_options = &options});
  Watcher filter;
  try {
    filter.ns = options.ns;
    filter.labels = LabelSelector::Parse(options.label_selector);
    filter.fields = FieldSelector::Parse(options.field_selector);
  } catch (const std::exception& e) {
    throw ApiError(400, "BadRequest", e.what());
  }
  std::lock_guard lock(mu_);
  std::vector<ObjectKey> keys;
  for (const auto& [key, obj] : ObjectsOf(resource)) {
    if (filter.Matches(obj)) {
      keys.push_back(key);
    }
  }
  for (const auto& key : keys) {
    DeleteLocked(resource, key, delete_options);
  }
}

}  // namespace gpuext::kube::testing
