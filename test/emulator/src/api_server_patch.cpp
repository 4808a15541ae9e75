// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The patch verb: JSON merge (RFC 7386), JSON patch (RFC 6902), strategic merge and
// server-side apply, retried on write conflicts as kube-apiserver's GuaranteedUpdate does.
#include <fmt/format.h>

#include "api_server.h"
#include "api_status.h"
#include "gpuext/emulator/patch/server_side_apply.h"
#include "gpuext/emulator/patch/strategic_merge.h"
#include "gpuext/yaml_json.h"
#include "object_meta.h"
#include "request_body.h"
#include "watch_filter.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

enum class PatchKind { kMerge, kJson, kStrategic, kApply };

constexpr int kMaxPatchAttempts = 5;

PatchKind KindOf(const ApiRequest& req) {
  const std::string& ct = req.content_type;
  const auto is = [&](std::string_view media) { return ct.rfind(media, 0) == 0; };
  if (is("application/merge-patch+json")) {
    return PatchKind::kMerge;
  }
  if (is("application/json-patch+json")) {
    return PatchKind::kJson;
  }
  if (is("application/strategic-merge-patch+json") && req.type->patch_schema != nullptr) {
    return PatchKind::kStrategic;
  }
  if (is("application/apply-patch+yaml") || is("application/apply-patch+json")) {
    return PatchKind::kApply;
  }
  std::string accepted = "application/json-patch+json, application/merge-patch+json, ";
  if (req.type->patch_schema != nullptr) {
    accepted += "application/strategic-merge-patch+json, ";
  }
  throw UnsupportedMediaType(fmt::format(
      "the body of the request was in an unknown format - accepted media types include: "
      "{}application/apply-patch+yaml",
      accepted));
}

json ApplyJsonPatch(const json& current, const json& patch) {
  if (!patch.is_array()) {
    throw BadRequest("the json patch must be a list of operations");
  }
  try {
    return current.patch(patch);
  } catch (const json::exception& e) {
    throw ApiStatus(422, "Invalid",
                    fmt::format("the server rejected our request due to an error "
                                "in our request: {}",
                                e.what()));
  }
}

}  // namespace

json ApiServer::Patch(const ApiRequest& req) {
  const ResourceType& type = *req.type;
  const PatchKind kind = KindOf(req);
  const json patch = DecodeBody(req, kind != PatchKind::kJson);
  const std::string manager = req.Param("fieldManager");
  if (kind == PatchKind::kApply && manager.empty()) {
    throw Invalid("PatchOptions", "meta.k8s.io", "",
                  {FieldError::Required("fieldManager", "is required for apply requests")});
  }
  for (int attempt = 1;; ++attempt) {
    const ObjectPtr current = store_.Get(type.StorageKey(), req.ns, req.name);
    if (!current && kind != PatchKind::kApply) {
      throw NotFound(type.resource, type.group, req.name);
    }
    const json base = current ? Served(type, *current) : json();
    json patched;
    const json target = req.subresource == "scale" && current ? ScaleOf(type, *current) : base;
    switch (kind) {
      case PatchKind::kMerge:
        patched = target;
        patched.merge_patch(patch);
        break;
      case PatchKind::kJson:
        patched = ApplyJsonPatch(target, patch);
        break;
      case PatchKind::kStrategic:
        try {
          patched = patch::StrategicMergePatch(target, patch, *type.patch_schema);
        } catch (const Error& e) {
          throw BadRequest(e.what());
        }
        break;
      case PatchKind::kApply: {
        json applied = patch;
        CheckObjectAgainstRequest(req, applied, true);
        try {
          patched =
              patch::ServerSideApply(current ? &base : nullptr, applied, manager,
                                     req.Param("force") == "true", type.patch_schema, NowRfc3339());
        } catch (const patch::ApplyConflict& e) {
          throw ApiStatus(409, "Conflict", e.what(),
                          {.name = req.name, .group = type.group, .kind = type.resource});
        }
        break;
      }
    }
    if (req.subresource == "scale") {
      json updated = *current;
      ApplyScale(type, updated, patched);
      patched = std::move(updated);
    }
    // A resourceVersion inside the patch is a precondition; otherwise the write is based on
    // the version just read and retried if someone else wrote in between.
    uint64_t expected = current ? std::stoull(Meta(*current, "resourceVersion")) : 0;
    const std::string in_patch = patch.is_object() ? Meta(patch, "resourceVersion") : "";
    if (!in_patch.empty() && current && in_patch != Meta(*current, "resourceVersion")) {
      throw Conflict(type.resource, type.group, req.name,
                     "the object has been modified; please apply your changes to the latest "
                     "version and try again");
    }
    try {
      ApiRequest write = req;
      if (write.subresource == "scale") {
        write.subresource.clear();
      }
      json result = UpdateObject(write, std::move(patched), expected, kind == PatchKind::kApply);
      return req.subresource == "scale" ? ScaleOf(type, result) : result;
    } catch (const ApiStatus& e) {
      if (e.reason() != "Conflict" || !in_patch.empty() || attempt >= kMaxPatchAttempts) {
        throw;
      }
    }
  }
}

}  // namespace gpuext::emulator
