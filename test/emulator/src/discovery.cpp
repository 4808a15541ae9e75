// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "discovery.h"

#include <fmt/format.h>

namespace gpuext::emulator {
namespace {

using nlohmann::json;

std::string GroupVersion(const std::string& group, const std::string& version) {
  return group.empty() ? version : group + "/" + version;
}

json VersionsOf(const Registry& registry, const std::string& group) {
  for (const auto& [g, versions] : registry.Groups()) {
    if (g != group) {
      continue;
    }
    json group_json = {{"name", g}, {"versions", json::array()}};
    for (const std::string& v : versions) {
      group_json["versions"].push_back({{"groupVersion", GroupVersion(g, v)}, {"version", v}});
    }
    group_json["preferredVersion"] = group_json["versions"][0];
    return group_json;
  }
  return nullptr;
}

json ResourceEntry(const ResourceType& t) {
  json r = {{"name", t.resource},
            {"singularName", t.singular},
            {"namespaced", t.namespaced},
            {"kind", t.kind},
            {"verbs", t.verbs}};
  if (!t.short_names.empty()) {
    r["shortNames"] = t.short_names;
  }
  if (!t.categories.empty()) {
    r["categories"] = t.categories;
  }
  return r;
}

json SubresourceEntry(const ResourceType& t, const char* sub, const std::string& kind,
                      const std::string& group, const std::string& version) {
  json r = {{"name", fmt::format("{}/{}", t.resource, sub)},
            {"singularName", ""},
            {"namespaced", t.namespaced},
            {"kind", kind},
            {"verbs", {"get", "patch", "update"}}};
  if (!group.empty()) {
    r["group"] = group;
    r["version"] = version;
  }
  return r;
}

// The OpenAPI name of a kind: reverse-DNS group plus version and kind, as upstream names them.
std::string DefinitionName(const ResourceType& t) {
  std::string group = t.group.empty() ? "core" : t.group;
  std::string reversed;
  size_t end = group.size();
  while (true) {
    const size_t dot = group.rfind('.', end - 1);
    const std::string part = group.substr(dot == std::string::npos ? 0 : dot + 1,
                                          end - (dot == std::string::npos ? 0 : dot + 1));
    reversed += (reversed.empty() ? "" : ".") + part;
    if (dot == std::string::npos || dot == 0) {
      break;
    }
    end = dot;
  }
  if (t.group.empty() || t.group.find('.') == std::string::npos) {
    reversed = "io.k8s.api." + group;
  }
  return fmt::format("{}.{}.{}", reversed, t.version, t.kind);
}

json SchemaOf(const ResourceType& t) {
  json schema = t.schema ? t.schema->raw()
                         : json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  schema["x-kubernetes-group-version-kind"] = {
      {{"group", t.group}, {"version", t.version}, {"kind", t.kind}}};
  return schema;
}

json PathParameters() {
  return json::array({{{"name", "fieldValidation"},
                       {"in", "query"},
                       {"description", "instructs the server on how to handle unknown fields"},
                       {"schema", {{"type", "string"}, {"uniqueItems", true}}}},
                      {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                      {{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}}});
}

}  // namespace

json VersionInfo() {
  return {{"major", "1"},
          {"minor", kEmulatedMinor},
          {"gitVersion", fmt::format("v1.{}.0-kube-emulator", kEmulatedMinor)},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "n/a (C++)"},
          {"compiler", "g++"},
          {"platform", "linux/amd64"}};
}

json CoreApiVersions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs",
           {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

json ApiGroupList(const Registry& registry) {
  json list = {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", json::array()}};
  for (const auto& [group, versions] : registry.Groups()) {
    if (!group.empty()) {
      list["groups"].push_back(VersionsOf(registry, group));
    }
  }
  return list;
}

std::optional<json> ApiGroup(const Registry& registry, const std::string& group) {
  json g = VersionsOf(registry, group);
  if (g.is_null() || group.empty()) {
    return std::nullopt;
  }
  g["kind"] = "APIGroup";
  g["apiVersion"] = "v1";
  return g;
}

std::optional<json> ApiResourceList(const Registry& registry, const std::string& group,
                                    const std::string& version) {
  json resources = json::array();
  for (const ResourceTypePtr& t : registry.All()) {
    if (t->group != group || t->version != version) {
      continue;
    }
    resources.push_back(ResourceEntry(*t));
    if (t->status_subresource) {
      resources.push_back(SubresourceEntry(*t, "status", t->kind, "", ""));
    }
    if (t->scale_subresource) {
      resources.push_back(SubresourceEntry(*t, "scale", "Scale", "autoscaling", "v1"));
    }
  }
  if (resources.empty()) {
    return std::nullopt;
  }
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", GroupVersion(group, version)},
              {"resources", resources}};
}

json OpenApiV2(const Registry& registry) {
  json doc = {{"swagger", "2.0"},
              {"info", {{"title", "Kubernetes"}, {"version", VersionInfo()["gitVersion"]}}},
              {"paths", json::object()},
              {"definitions", json::object()}};
  for (const ResourceTypePtr& t : registry.All()) {
    doc["definitions"][DefinitionName(*t)] = SchemaOf(*t);
  }
  return doc;
}

json OpenApiV3Index(const Registry& registry) {
  json paths = json::object();
  for (const auto& [group, versions] : registry.Groups()) {
    for (const std::string& v : versions) {
      const std::string path = group.empty() ? "api/" + v : fmt::format("apis/{}/{}", group, v);
      paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path}};
    }
  }
  return {{"paths", paths}};
}

std::optional<json> OpenApiV3GroupVersion(const Registry& registry, const std::string& group,
                                          const std::string& version) {
  json schemas = json::object();
  json paths = json::object();
  for (const ResourceTypePtr& t : registry.All()) {
    if (t->group != group || t->version != version) {
      continue;
    }
    schemas[DefinitionName(*t)] = SchemaOf(*t);
    const std::string prefix =
        group.empty() ? "/api/" + version : fmt::format("/apis/{}/{}", group, version);
    const std::string item =
        t->namespaced ? fmt::format("{}/namespaces/{{namespace}}/{}/{{name}}", prefix, t->resource)
                      : fmt::format("{}/{}/{{name}}", prefix, t->resource);
    // kubectl decides whether the server validates fields itself by finding the PATCH
    // operation tagged with the kind and its fieldValidation parameter.
    const json op = {{"parameters", PathParameters()},
                     {"responses", {{"200", {{"description", "OK"}}}}},
                     {"x-kubernetes-group-version-kind",
                      {{"group", t->group}, {"version", t->version}, {"kind", t->kind}}}};
    paths[item] = {{"get", op}, {"put", op}, {"patch", op}, {"delete", op}};
    const std::string collection = item.substr(0, item.size() - std::string("/{name}").size());
    paths[collection] = {{"get", op}, {"post", op}};
  }
  if (schemas.empty()) {
    return std::nullopt;
  }
  return json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes"}, {"version", VersionInfo()["gitVersion"]}}},
              {"paths", paths},
              {"components", {{"schemas", schemas}}}};
}

}  // namespace gpuext::emulator
