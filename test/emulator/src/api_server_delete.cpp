// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The delete verbs: preconditions, propagation policies, finalizers, deletecollection.
#include <fmt/format.h>

#include "api_server.h"
#include "api_status.h"
#include "crd.h"
#include "object_meta.h"
#include "watch_filter.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

struct DeleteOptions {
  std::string propagation;  // "", Background, Foreground, Orphan
  std::string uid;
  uint64_t resource_version = 0;
};

DeleteOptions ParseDeleteOptions(const ApiRequest& req) {
  DeleteOptions o;
  o.propagation = req.Param("propagationPolicy");
  if (!req.body.empty()) {
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::exception& e) {
      throw BadRequest(fmt::format("the body of the request could not be decoded: {}", e.what()));
    }
    if (body.is_object()) {
      o.propagation = body.value("propagationPolicy", o.propagation);
      if (body.value("orphanDependents", false)) {
        o.propagation = "Orphan";
      }
      const json pre = body.value("preconditions", json::object());
      o.uid = pre.value("uid", "");
      const std::string rv = pre.value("resourceVersion", "");
      o.resource_version = rv.empty() ? 0 : std::stoull(rv);
    }
  }
  if (!o.propagation.empty() && o.propagation != "Background" && o.propagation != "Foreground" &&
      o.propagation != "Orphan") {
    throw Invalid("DeleteOptions", "meta.k8s.io", "",
                  {FieldError::NotSupported("propagationPolicy", o.propagation,
                                            {"Foreground", "Background", "Orphan"})});
  }
  return o;
}

}  // namespace

json ApiServer::Delete(const ApiRequest& req) {
  const ResourceType& type = *req.type;
  const DeleteOptions options = ParseDeleteOptions(req);
  const ObjectPtr current = store_.Get(type.StorageKey(), req.ns, req.name);
  if (!current) {
    throw NotFound(type.resource, type.group, req.name);
  }
  return DeleteObject(req, current, options.propagation, options.resource_version, options.uid);
}

json ApiServer::DeleteObject(const ApiRequest& req, const ObjectPtr& current,
                             const std::string& propagation, uint64_t expected_rv,
                             const std::string& expected_uid) {
  const ResourceType& type = *req.type;
  const std::string name = Meta(*current, "name");
  if (!expected_uid.empty() && expected_uid != Meta(*current, "uid")) {
    throw Conflict(
        type.resource, type.group, name,
        fmt::format("Precondition failed: UID in precondition: {}, UID in object meta: {}",
                    expected_uid, Meta(*current, "uid")));
  }
  if (expected_rv != 0 && std::to_string(expected_rv) != Meta(*current, "resourceVersion")) {
    throw Conflict(type.resource, type.group, name,
                   fmt::format("Precondition failed: ResourceVersion in precondition: {}, "
                               "ResourceVersion in object meta: {}",
                               expected_rv, Meta(*current, "resourceVersion")));
  }
  if (admission_) {
    admission::Attributes a{.operation = "DELETE",
                            .group = type.group,
                            .version = type.version,
                            .resource = type.resource,
                            .subresource = {},
                            .kind_group = type.group,
                            .kind_version = type.version,
                            .kind = type.kind,
                            .ns = Meta(*current, "namespace"),
                            .name = name,
                            .namespaced = type.namespaced,
                            .dry_run = req.DryRun(),
                            .user = req.user.name,
                            .groups = req.user.groups,
                            .old_object = current.get()};
    const admission::Result r = admission_->Validate(a, json());
    if (!r.allowed) {
      throw ApiStatus(r.code, r.reason, r.message);
    }
  }
  json updated = *current;
  std::vector<std::string> finalizers = Finalizers(updated);
  const auto add = [&](const std::string& f) {
    if (std::find(finalizers.begin(), finalizers.end(), f) == finalizers.end()) {
      finalizers.push_back(f);
    }
  };
  // Namespaces, CRDs and owners deleted in the foreground or with orphaning are only marked:
  // the garbage collector finishes them.
  if (type.kind == "Namespace") {
    updated["status"]["phase"] = "Terminating";
  } else if (type.kind == "CustomResourceDefinition") {
    add(kCrdCleanupFinalizer);
  }
  if (propagation == "Foreground") {
    add("foregroundDeletion");
  } else if (propagation == "Orphan") {
    add("orphan");
  }
  const bool namespace_pending =
      type.kind == "Namespace" &&
      !updated.value("/spec/finalizers"_json_pointer, json::array()).empty();
  if (finalizers.empty() && !namespace_pending) {
    if (req.DryRun()) {
      return Served(type, *current);
    }
    try {
      const ObjectPtr removed = store_.Remove(type.StorageKey(), Meta(*current, "namespace"), name,
                                              std::stoull(Meta(*current, "resourceVersion")));
      AfterWrite(type, removed.get(), true);
      return Served(type, *removed);
    } catch (const StoreError&) {
      throw Conflict(type.resource, type.group, name,
                     "the object has been modified; please apply your changes to the latest "
                     "version and try again");
    }
  }
  if (!Meta(*current, "deletionTimestamp").empty() && finalizers == Finalizers(*current) &&
      updated == *current) {
    return Served(type, *current);  // already being deleted; nothing new to record
  }
  updated["metadata"]["finalizers"] = finalizers;
  if (finalizers.empty()) {
    updated["metadata"].erase("finalizers");
  }
  if (Meta(*current, "deletionTimestamp").empty()) {
    updated["metadata"]["deletionTimestamp"] = NowRfc3339();
    updated["metadata"]["deletionGracePeriodSeconds"] = 0;
  }
  if (req.DryRun()) {
    return Served(type, updated);
  }
  const ObjectPtr stored = store_.Update(type.StorageKey(), std::move(updated),
                                         std::stoull(Meta(*current, "resourceVersion")));
  AfterWrite(type, stored.get(), false);
  return Served(type, *stored);
}

json ApiServer::DeleteCollection(const ApiRequest& req) {
  ApiRequest list = req;
  list.query.erase("limit");
  list.query.erase("continue");
  const json items = List(list)["items"];
  json deleted = json::array();
  for (const json& item : items) {
    const ObjectPtr current =
        store_.Get(req.type->StorageKey(), Meta(item, "namespace"), Meta(item, "name"));
    if (!current) {
      continue;
    }
    try {
      deleted.push_back(DeleteObject(req, current, req.Param("propagationPolicy"), 0, ""));
    } catch (const ApiStatus& e) {
      if (e.code() != 404) {
        throw;
      }
    }
  }
  return {{"kind", req.type->list_kind},
          {"apiVersion", req.type->ApiVersion()},
          {"metadata", {{"resourceVersion", std::to_string(store_.ResourceVersion())}}},
          {"items", deleted}};
}

void ApiServer::RemoveIfFinalized(const ResourceType& type, const json& obj) {
  if (Meta(obj, "deletionTimestamp").empty() || !Finalizers(obj).empty()) {
    return;
  }
  if (type.kind == "Namespace" &&
      !obj.value("/spec/finalizers"_json_pointer, json::array()).empty()) {
    return;
  }
  try {
    const ObjectPtr removed =
        store_.Remove(type.StorageKey(), Meta(obj, "namespace"), Meta(obj, "name"),
                      std::stoull(Meta(obj, "resourceVersion")));
    AfterWrite(type, removed.get(), true);
  } catch (const StoreError&) {
    // Someone wrote in between; the next write that empties the finalizers removes it.
  }
}

}  // namespace gpuext::emulator
