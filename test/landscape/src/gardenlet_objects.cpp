// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gardenlet_objects.h"

#include "gpuext/base64.h"
#include "gpuext/sha256.h"

namespace gpuext::landscape::internal {

using nlohmann::json;

namespace {

constexpr const char* kExtensionsApi = "extensions.gardener.cloud/v1alpha1";
constexpr const char* kBinaryPath = "/var/bin/containerruntimes";

std::string StringAt(const json& obj, const json::json_pointer& ptr) {
  return obj.contains(ptr) && obj.at(ptr).is_string() ? obj.at(ptr).get<std::string>() : "";
}

json ArrayAt(const json& obj, const json::json_pointer& ptr) {
  return obj.contains(ptr) && obj.at(ptr).is_array() ? obj.at(ptr) : json::array();
}

json ExtensionMeta(const std::string& name, const std::string& ns, const DesiredOptions& o) {
  return {{"name", name},
          {"namespace", ns},
          {"annotations",
           {{"gardener.cloud/operation", o.operation}, {"gardener.cloud/timestamp", o.timestamp}}}};
}

// gardenlet stores the shoot in the Cluster as a v1beta1 object without managedFields.
json Embedded(json obj, const char* kind) {
  obj["apiVersion"] = "core.gardener.cloud/v1beta1";
  obj["kind"] = kind;
  if (obj.contains("metadata") && obj["metadata"].is_object()) {
    obj["metadata"].erase("managedFields");
  }
  return obj;
}

// A reconcile OSC's content in gardenlet's shape: a kubelet unit and its config file, so that
// webhooks see foreign entries they must keep.
json OriginalOscSpec(const json& pool, const DesiredOptions& o) {
  const std::string image = StringAt(pool, "/machine/image/name"_json_pointer);
  json spec = {
      {"type", image.empty() ? "gardenlinux" : image},
      {"purpose", "reconcile"},
      {"units", json::array({{{"name", "kubelet.service"},
                              {"command", "start"},
                              {"enable", true},
                              {"content", "[Unit]\nDescription=kubelet daemon\n"}}})},
      {"files", json::array({{{"path", "/var/lib/kubelet/config/kubelet"},
                              {"permissions", 0600},
                              {"content",
                               {{"inline",
                                 {{"encoding", "b64"},
                                  {"data", Base64Encode("kind: KubeletConfiguration\n")}}}}}}})}};
  const std::string cri = StringAt(pool, "/cri/name"_json_pointer);
  if (cri.empty() || cri == "containerd") {
    spec["criConfig"] = {{"name", "containerd"},
                         {"cgroupDriver", "systemd"},
                         {"containerd", {{"sandboxImage", o.pause_image}}}};
  }
  return spec;
}

json Osc(const std::string& name, const std::string& ns, const std::string& pool_name, json spec,
         const DesiredOptions& o) {
  json meta = ExtensionMeta(name, ns, o);
  meta["labels"] = {{"worker.gardener.cloud/pool", pool_name}};
  return {{"apiVersion", kExtensionsApi},
          {"kind", "OperatingSystemConfig"},
          {"metadata", std::move(meta)},
          {"spec", std::move(spec)}};
}

}  // namespace

std::string OscKey(const json& shoot, const json& pool) {
  const std::string version = StringAt(shoot, "/spec/kubernetes/version"_json_pointer);
  const std::string minor = version.substr(0, version.rfind('.'));
  const std::string input = minor + "|" + StringAt(pool, "/machine/type"_json_pointer) + "|" +
                            StringAt(pool, "/machine/image/name"_json_pointer) + "|" +
                            StringAt(pool, "/machine/image/version"_json_pointer) + "|" +
                            StringAt(pool, "/cri/name"_json_pointer);
  return "gardener-node-agent-" + pool.value("name", "") + "-" + Sha256Hex(input).substr(0, 16);
}

DesiredObjects DesiredFor(const json& shoot, const json& cloud_profile, const DesiredOptions& o) {
  const std::string& ns = o.technical_id;
  DesiredObjects out;

  json labels = {
      {"gardener.cloud/role", "shoot"},
      {"shoot.gardener.cloud/provider", StringAt(shoot, "/spec/provider/type"_json_pointer)}};
  for (const json& ext : ArrayAt(shoot, "/spec/extensions"_json_pointer)) {
    if (ext.is_object() && ext.value("type", "") != "" && !ext.value("disabled", false)) {
      out.extensions.push_back({{"apiVersion", kExtensionsApi},
                                {"kind", "Extension"},
                                {"metadata", ExtensionMeta(ext["type"].get<std::string>(), ns, o)},
                                {"spec", {{"type", ext["type"]}}}});
      if (ext.contains("providerConfig")) {
        out.extensions.back()["spec"]["providerConfig"] = ext["providerConfig"];
      }
      labels["extensions.gardener.cloud/" + ext["type"].get<std::string>()] = "true";
    }
  }
  out.ns = {{"apiVersion", "v1"},
            {"kind", "Namespace"},
            {"metadata",
             {{"name", ns},
              {"labels", labels},
              {"annotations",
               {{"shoot.gardener.cloud/uid", StringAt(shoot, "/metadata/uid"_json_pointer)}}}}}};
  out.cluster = {{"apiVersion", kExtensionsApi},
                 {"kind", "Cluster"},
                 {"metadata", {{"name", ns}}},
                 {"spec",
                  {{"shoot", Embedded(shoot, "Shoot")},
                   {"cloudProfile", Embedded(cloud_profile, "CloudProfile")},
                   {"seed",
                    {{"apiVersion", "core.gardener.cloud/v1beta1"},
                     {"kind", "Seed"},
                     {"metadata", {{"name", o.seed_name}}}}}}}};

  for (const json& pool : ArrayAt(shoot, "/spec/provider/workers"_json_pointer)) {
    if (!pool.is_object() || !pool.contains("name") || !pool["name"].is_string()) {
      continue;
    }
    const std::string pool_name = pool["name"];
    for (const json& runtime : ArrayAt(pool, "/cri/containerRuntimes"_json_pointer)) {
      if (!runtime.is_object() || runtime.value("type", "").empty()) {
        continue;
      }
      const std::string type = runtime["type"];
      json spec = {{"type", type},
                   {"binaryPath", kBinaryPath},
                   {"workerPool",
                    {{"name", pool_name},
                     {"selector",
                      {{"matchLabels",
                        {{"worker.gardener.cloud/pool", pool_name},
                         {"worker.garden.sapcloud.io/group", pool_name}}}}}}}};
      if (runtime.contains("providerConfig")) {
        spec["providerConfig"] = runtime["providerConfig"];
      }
      out.container_runtimes.push_back({{"apiVersion", kExtensionsApi},
                                        {"kind", "ContainerRuntime"},
                                        {"metadata", ExtensionMeta(type + "-" + pool_name, ns, o)},
                                        {"spec", std::move(spec)}});
    }
    const std::string key = OscKey(shoot, pool);
    json init_spec = {{"type", StringAt(pool, "/machine/image/name"_json_pointer)},
                      {"purpose", "provision"},
                      {"units", json::array()},
                      {"files", json::array()}};
    out.oscs.push_back(Osc(key + "-init", ns, pool_name, std::move(init_spec), o));
    out.oscs.push_back(Osc(key + "-original", ns, pool_name, OriginalOscSpec(pool, o), o));
  }
  return out;
}

}  // namespace gpuext::landscape::internal
