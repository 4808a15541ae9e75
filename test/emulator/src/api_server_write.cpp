// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The write verbs create and update, and the common path every write takes:
// system fields → schema defaulting/pruning → mutating admission → validation → validating
// admission → store (kube-apiserver's order).
#include <fmt/format.h>

#include "api_server.h"
#include "api_status.h"
#include "crd.h"
#include "field_manager.h"
#include "gpuext/base64.h"
#include "object_meta.h"
#include "request_body.h"
#include "response_warnings.h"
#include "watch_filter.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

// Kinds whose create resets status as their registry strategy does (Nodes keep theirs, the
// node simulator creates them with capacity).
bool ResetsStatusOnCreate(const ResourceType& type) {
  return type.crd ? type.status_subresource
                  : (type.kind == "Deployment" || type.kind == "DaemonSet" ||
                     type.kind == "StatefulSet" || type.kind == "Job" || type.kind == "Service" ||
                     type.kind == "Pod" || type.kind == "PersistentVolumeClaim" ||
                     type.kind == "CustomResourceDefinition");
}

// Defaults that built-in registry strategies apply on create.
void ApplyBuiltinCreateDefaults(const ResourceType& type, json& obj) {
  if (type.crd) {
    return;
  }
  if (type.kind == "Pod") {
    obj["status"] = {{"phase", "Pending"}};
  } else if (type.kind == "Namespace") {
    obj["spec"]["finalizers"] = json::array({"kubernetes"});
    obj["status"] = {{"phase", "Active"}};
  } else if (type.kind == "PersistentVolumeClaim") {
    obj["status"] = {{"phase", "Pending"}};
  }
}

// What decoding a built-in object does in kube-apiserver: a Secret's stringData is merged into
// data (stringData wins) and never stored, and its type defaults to Opaque.
void NormalizeBuiltin(const ResourceType& type, json& obj) {
  if (type.crd || type.kind != "Secret" || !type.group.empty()) {
    return;
  }
  if (obj.contains("stringData")) {
    if (obj["stringData"].is_object()) {
      for (const auto& [key, value] : obj["stringData"].items()) {
        if (value.is_string()) {
          obj["data"][key] = Base64Encode(value.get<std::string>());
        }
      }
    }
    obj.erase("stringData");
  }
  if (obj.value("type", "").empty()) {
    obj["type"] = "Opaque";
  }
}

// Defaulting and pruning of custom resources; strict field validation turns pruning into 400.
void NormalizeCustomResource(const ApiRequest& req, json& obj) {
  const ResourceType& type = *req.type;
  if (!type.schema) {
    return;
  }
  const std::vector<std::string> pruned = type.schema->Prune(obj);
  if (!pruned.empty() && req.Param("fieldValidation") == "Strict") {
    std::string fields;
    for (const std::string& p : pruned) {
      fields += fmt::format("{}unknown field \"{}\"", fields.empty() ? "" : ", ",
                            p.starts_with('.') ? p.substr(1) : p);
    }
    throw BadRequest(fmt::format("strict decoding error: {}", fields));
  }
  type.schema->ApplyDefaults(obj);
}

admission::Attributes AttributesFor(const ApiRequest& req, const std::string& operation,
                                    const json& obj, const json* old_obj) {
  const ResourceType& type = *req.type;
  return {.operation = operation,
          .group = type.group,
          .version = type.version,
          .resource = type.resource,
          .subresource = req.subresource,
          .kind_group = type.group,
          .kind_version = type.version,
          .kind = type.kind,
          .ns = Meta(obj, "namespace"),
          .name = Meta(obj, "name"),
          .namespaced = type.namespaced,
          .dry_run = req.DryRun(),
          .user = req.user.name,
          .groups = req.user.groups,
          .old_object = old_obj};
}

void ThrowIfDenied(const admission::Result& r) {
  // kube-apiserver returns the webhooks' warnings with allowed and denied requests alike.
  AddResponseWarnings(r.warnings);
  if (!r.allowed) {
    throw ApiStatus(r.code, r.reason, r.message);
  }
}

}  // namespace

json ApiServer::Create(const ApiRequest& req) {
  if (!req.subresource.empty()) {
    throw MethodNotAllowed(
        fmt::format("the server does not allow this method on the requested "
                    "resource ({}/{})",
                    req.type->resource, req.subresource));
  }
  json obj = DecodeBody(req);
  CheckObjectAgainstRequest(req, obj, false);
  if (req.type->kind == "TokenReview") {
    return ReviewToken(obj);
  }
  if (Meta(obj, "name").empty() && !Meta(obj, "generateName").empty()) {
    obj["metadata"]["name"] = GenerateName(Meta(obj, "generateName"));
  }
  if (!Meta(obj, "resourceVersion").empty()) {
    throw BadRequest("resourceVersion should not be set on objects to be created");
  }
  return CreateObject(req, std::move(obj));
}

void ApiServer::CheckNamespaceWritable(const ResourceType& type, const std::string& ns) {
  if (!type.namespaced) {
    return;
  }
  const ObjectPtr namespace_obj = store_.Get("/namespaces", "", ns);
  if (!namespace_obj) {
    throw NotFound("namespaces", "", ns);
  }
  if (!Meta(*namespace_obj, "deletionTimestamp").empty()) {
    throw ApiStatus(403, "Forbidden",
                    fmt::format("{} \"{}\" is forbidden: unable to create new content in namespace "
                                "{} because it is being terminated",
                                QualifiedResource(type.resource, type.group), "", ns),
                    {.name = "", .group = type.group, .kind = type.resource});
  }
}

json ApiServer::CreateObject(const ApiRequest& req, json obj) {
  const ResourceType& type = *req.type;
  CheckNamespaceWritable(type, Meta(obj, "namespace"));
  if (type.crd) {
    RejectIfCrdTerminating(type);
  }
  const auto stamp = [&](json& o) {
    json& meta = o["metadata"];
    meta["uid"] = NewUid();
    meta["creationTimestamp"] = NowRfc3339();
    meta.erase("deletionTimestamp");
    meta.erase("deletionGracePeriodSeconds");
    meta.erase("resourceVersion");
    if (type.has_generation) {
      meta["generation"] = 1;
    } else {
      meta.erase("generation");
    }
  };
  stamp(obj);
  if (ResetsStatusOnCreate(type)) {
    obj.erase("status");
  }
  ApplyBuiltinCreateDefaults(type, obj);
  NormalizeBuiltin(type, obj);
  NormalizeCustomResource(req, obj);
  if (admission_) {
    admission::Result mutated = admission_->Mutate(AttributesFor(req, "CREATE", obj, nullptr), obj);
    ThrowIfDenied(mutated);
    obj = std::move(mutated.object);
    NormalizeCustomResource(req, obj);
  }
  ValidateForWrite(type, obj, nullptr);
  if (admission_) {
    ThrowIfDenied(admission_->Validate(AttributesFor(req, "CREATE", obj, nullptr), obj));
  }
  RecordWrite(req, nullptr, obj);
  if (req.DryRun()) {
    return Served(type, obj);
  }
  const std::string name = Meta(obj, "name");
  ObjectPtr stored;
  try {
    stored = store_.Create(type.StorageKey(), std::move(obj));
  } catch (const StoreError&) {
    throw AlreadyExists(type.resource, type.group, name);
  }
  AfterWrite(type, stored.get(), false);
  return Served(type,
                *store_.Get(type.StorageKey(), Meta(*stored, "namespace"), Meta(*stored, "name")));
}

void ApiServer::ValidateForWrite(const ResourceType& type, const json& obj, const json* old_obj) {
  FieldErrorList errs = ValidateObjectMeta(type, obj);
  if (type.schema) {
    FieldErrorList schema_errs = type.schema->Validate(obj, old_obj);
    errs.insert(errs.end(), schema_errs.begin(), schema_errs.end());
  }
  if (type.kind == "CustomResourceDefinition") {
    FieldErrorList crd_errs = ValidateCrd(obj);
    errs.insert(errs.end(), crd_errs.begin(), crd_errs.end());
  }
  if (old_obj != nullptr && !Meta(*old_obj, "deletionTimestamp").empty()) {
    std::vector<std::string> added;
    for (const std::string& f : Finalizers(obj)) {
      if (!HasFinalizer(*old_obj, f)) {
        added.push_back(f);
      }
    }
    if (!added.empty()) {
      errs.push_back(FieldError::Forbidden(
          "metadata.finalizers",
          fmt::format("no new finalizers can be added if the object is being deleted, found new "
                      "finalizers {}",
                      json(added).dump())));
    }
  }
  if (!errs.empty()) {
    throw Invalid(type.kind, type.group, Meta(obj, "name"), errs);
  }
}

json ApiServer::Update(const ApiRequest& req) {
  json obj = DecodeBody(req);
  if (req.subresource == "scale") {
    const ObjectPtr current = store_.Get(req.type->StorageKey(), req.ns, req.name);
    if (!current) {
      throw NotFound(req.type->resource, req.type->group, req.name);
    }
    json updated = *current;
    ApplyScale(*req.type, updated, obj);
    ApiRequest main = req;
    main.subresource.clear();
    return ScaleOf(*req.type, UpdateObject(main, std::move(updated), 0, false));
  }
  CheckObjectAgainstRequest(req, obj, true);
  const std::string rv = Meta(obj, "resourceVersion");
  if (rv.empty() && !req.type->allow_unconditional_update) {
    throw Invalid(req.type->kind, req.type->group, req.name,
                  {FieldError::Invalid("metadata.resourceVersion", "0x0",
                                       "must be specified for an update")});
  }
  uint64_t expected = 0;
  try {
    expected = rv.empty() ? 0 : std::stoull(rv);
  } catch (const std::exception&) {
    throw BadRequest(fmt::format("invalid resourceVersion: {}", rv));
  }
  return UpdateObject(req, std::move(obj), expected, false);
}

json ApiServer::UpdateObject(const ApiRequest& req, json obj, uint64_t expected_rv,
                             bool allow_create) {
  const ResourceType& type = *req.type;
  const ObjectPtr current = store_.Get(type.StorageKey(), req.ns, req.name);
  if (!current) {
    if (allow_create) {
      return CreateObject(req, std::move(obj));
    }
    throw NotFound(type.resource, type.group, req.name);
  }
  const uint64_t current_rv = std::stoull(Meta(*current, "resourceVersion"));
  if (expected_rv != 0 && expected_rv != current_rv) {
    throw Conflict(type.resource, type.group, req.name,
                   "the object has been modified; please apply your changes to the latest "
                   "version and try again");
  }
  json updated = MergeForUpdate(req, *current, std::move(obj));
  NormalizeBuiltin(type, updated);
  NormalizeCustomResource(req, updated);
  if (admission_) {
    admission::Result mutated =
        admission_->Mutate(AttributesFor(req, "UPDATE", updated, current.get()), updated);
    ThrowIfDenied(mutated);
    updated = MergeForUpdate(req, *current, std::move(mutated.object));
  }
  ValidateForWrite(type, updated, current.get());
  if (admission_) {
    ThrowIfDenied(
        admission_->Validate(AttributesFor(req, "UPDATE", updated, current.get()), updated));
  }
  RecordWrite(req, current.get(), updated);
  json unchanged = *current;
  if (updated == unchanged || req.DryRun()) {
    return Served(type, req.DryRun() ? updated : unchanged);  // no-op writes keep the version
  }
  ObjectPtr stored;
  try {
    stored = store_.Update(type.StorageKey(), std::move(updated), current_rv);
  } catch (const StoreError& e) {
    if (e.kind == StoreError::Kind::kNotFound) {
      throw NotFound(type.resource, type.group, req.name);
    }
    throw Conflict(type.resource, type.group, req.name,
                   "the object has been modified; please apply your changes to the latest "
                   "version and try again");
  }
  AfterWrite(type, stored.get(), false);
  RemoveIfFinalized(type, *stored);
  return Served(type, *stored);
}

json ApiServer::MergeForUpdate(const ApiRequest& req, const json& current, json obj) {
  const ResourceType& type = *req.type;
  json updated;
  if (req.subresource == "status") {
    // A status write changes status only (and managedFields), as the status strategies do.
    updated = current;
    if (obj.contains("status")) {
      updated["status"] = obj["status"];
    } else {
      updated.erase("status");
    }
    if (obj.contains("metadata") && obj["metadata"].contains("managedFields")) {
      updated["metadata"]["managedFields"] = obj["metadata"]["managedFields"];
    }
  } else {
    updated = std::move(obj);
    if (type.kind == "Namespace" && !type.crd) {
      // The namespace strategy keeps spec.finalizers on update: only the finalize subresource
      // (and the namespace controller) changes them.
      const json finalizers = current.value("/spec/finalizers"_json_pointer, json());
      if (finalizers.is_null()) {
        if (updated.contains("spec") && updated["spec"].is_object()) {
          updated["spec"].erase("finalizers");
        }
      } else {
        updated["spec"]["finalizers"] = finalizers;
      }
    }
    if (type.status_subresource) {
      // The main resource ignores status changes when a status subresource exists.
      if (current.contains("status")) {
        updated["status"] = current["status"];
      } else {
        updated.erase("status");
      }
    }
  }
  json& meta = updated["metadata"];
  for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp",
                            "deletionGracePeriodSeconds", "generation"}) {
    if (current["metadata"].contains(field)) {
      meta[field] = current["metadata"][field];
    } else {
      meta.erase(field);
    }
  }
  meta["name"] = current["metadata"]["name"];
  if (type.namespaced) {
    meta["namespace"] = current["metadata"]["namespace"];
  }
  meta["resourceVersion"] = current["metadata"]["resourceVersion"];
  if (type.has_generation && req.subresource.empty() && SpecChanged(current, updated)) {
    meta["generation"] = current["metadata"].value("generation", 0) + 1;
  }
  updated["apiVersion"] = current.value("apiVersion", type.ApiVersion());
  updated["kind"] = type.kind;
  return updated;
}

}  // namespace gpuext::emulator
