// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "api_server.h"

#include <fmt/format.h>

#include "api_status.h"
#include "crd.h"
#include "gpuext/error.h"
#include "object_meta.h"
#include "watch_filter.h"

namespace gpuext::emulator {

using nlohmann::json;

ApiServer::ApiServer(ApiServerOptions options, Logger log)
    : options_(options), log_(std::move(log)), store_(options.watch_history) {
  admission_ = std::make_unique<admission::WebhookDispatcher>(AdmissionEnvironment());
  store_.SetChangeListener([this] {
    {
      std::lock_guard lock(gc_mu_);
      gc_pending_ = true;
    }
    gc_wakeup_.notify_all();
  });
  // The namespaces every cluster starts with.
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    Load({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  }
}

ApiServer::~ApiServer() { store_.SetChangeListener({}); }

admission::Environment ApiServer::AdmissionEnvironment() {
  const auto list = [this](const char* key) {
    std::vector<json> out;
    for (const ObjectPtr& o : store_.List(key, "").items) {
      out.push_back(*o);
    }
    return out;
  };
  return {
      .mutating_configurations =
          [list] { return list("admissionregistration.k8s.io/mutatingwebhookconfigurations"); },
      .validating_configurations =
          [list] { return list("admissionregistration.k8s.io/validatingwebhookconfigurations"); },
      .get_namespace = [this](const std::string& name) -> std::optional<json> {
        const ObjectPtr ns = store_.Get("/namespaces", "", name);
        return ns ? std::optional<json>(*ns) : std::nullopt;
      },
      .resolve_service = [this](const std::string& ns, const std::string& name, int port)
          -> std::optional<std::string> { return ResolveService(ns, name, port); },
  };
}

std::optional<std::string> ApiServer::ResolveService(const std::string& ns, const std::string& name,
                                                     int port) const {
  // Services carry no cluster IPs here: a webhook Service is reached through its Endpoints
  // (tests point them at loopback). The service port maps to the endpoint port by position.
  const ObjectPtr endpoints = store_.Get("/endpoints", ns, name);
  if (!endpoints) {
    return std::nullopt;
  }
  for (const json& subset : endpoints->value("subsets", json::array())) {
    const json addresses = subset.value("addresses", json::array());
    const json ports = subset.value("ports", json::array());
    if (addresses.empty() || ports.empty()) {
      continue;
    }
    int target = ports[0].value("port", port);
    const ObjectPtr service = store_.Get("/services", ns, name);
    if (service) {
      for (const json& p : (*service)["spec"].value("ports", json::array())) {
        if (p.value("port", 0) == port && p.contains("targetPort") && p["targetPort"].is_number()) {
          target = p["targetPort"].get<int>();
        }
      }
    }
    return fmt::format("{}:{}", addresses[0].value("ip", "127.0.0.1"), target);
  }
  return std::nullopt;
}

void ApiServer::AfterWrite(const ResourceType& type, const json* obj, bool deleted) {
  if (type.kind != "CustomResourceDefinition" || obj == nullptr) {
    return;
  }
  const json& spec = (*obj)["spec"];
  const std::string group = spec.value("group", "");
  const std::string plural = spec["names"].value("plural", "");
  if (deleted) {
    registry_.SetCustomResource(group, plural, {});
    return;
  }
  registry_.SetCustomResource(group, plural, TypesFromCrd(*obj));
  // Established at once (kube-apiserver needs a moment; nothing here does).
  const json status = (*obj).value("status", json::object());
  if (status.value("acceptedNames", json()) != spec["names"] || !status.contains("conditions")) {
    json updated = *obj;
    updated["status"] = EstablishedStatus(*obj, NowRfc3339());
    try {
      store_.Update(type.StorageKey(), std::move(updated),
                    std::stoull(Meta(*obj, "resourceVersion")));
    } catch (const StoreError&) {
      // A newer write of the CRD came first; its own AfterWrite sets the status.
    }
  }
}

void ApiServer::RejectIfCrdTerminating(const ResourceType& type) {
  const ObjectPtr crd = store_.Get("apiextensions.k8s.io/customresourcedefinitions", "",
                                   type.resource + "." + type.group);
  if (crd && !Meta(*crd, "deletionTimestamp").empty()) {
    throw MethodNotAllowed(
        fmt::format("create not allowed while custom resource definition is terminating"));
  }
}

json ApiServer::ReviewToken(const json& review) {
  json out = review;
  const std::string token = review.value("spec", json::object()).value("token", "");
  const std::optional<UserInfo> user =
      authenticate_token_ && !token.empty() ? authenticate_token_(token) : std::nullopt;
  out["status"] = {{"authenticated", user.has_value()}};
  if (user) {
    out["status"]["user"] = {{"username", user->name}, {"groups", user->groups}};
  }
  return out;
}

void ApiServer::Load(const json& object) {
  const std::string api_version = object.value("apiVersion", "");
  const size_t slash = api_version.find('/');
  const std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  const ResourceTypePtr type = registry_.FindKind(group, object.value("kind", ""));
  if (!type) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("no resource serves {} {}", api_version, object.value("kind", "")));
  }
  ApiRequest req{.verb = "create",
                 .type = type,
                 .ns = Meta(object, "namespace"),
                 .name = Meta(object, "name"),
                 .subresource = {},
                 .query = {},
                 .body = {},
                 .content_type = {},
                 .user = {"system:admin", {"system:masters"}}};
  if (type->namespaced && req.ns.empty()) {
    req.ns = "default";
  }
  json obj = object;
  obj["metadata"]["namespace"] = req.ns;
  if (!type->namespaced) {
    obj["metadata"].erase("namespace");
  }
  if (store_.Get(type->StorageKey(), req.ns, req.name)) {
    UpdateObject(req, std::move(obj), 0, false);
  } else {
    CreateObject(req, std::move(obj));
  }
}

void ApiServer::RestoreSnapshot(const json& snapshot) {
  store_.Restore(snapshot);
  for (const ObjectPtr& crd :
       store_.List("apiextensions.k8s.io/customresourcedefinitions", "").items) {
    const json& spec = (*crd)["spec"];
    registry_.SetCustomResource(spec.value("group", ""), spec["names"].value("plural", ""),
                                TypesFromCrd(*crd));
  }
}

}  // namespace gpuext::emulator
