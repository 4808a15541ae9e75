// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "render_builtins.h"

#include <re2/re2.h>

#include "glob.h"
#include "gpuext/base64.h"
#include "gpuext/helm/go_codec.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

// The API versions `helm template` (v4.1, client-go 1.35) reports without a cluster,
// captured from `{{ .Capabilities.APIVersions | toJson }}`.
constexpr const char* kDefaultApiVersions[] = {
#include "kube_api_versions.inc"
};

std::string Arg(std::span<const json> args, size_t i) {
  return i < args.size() && args[i].is_string() ? args[i].get<std::string>() : "";
}

const json& FileMap(const json& receiver) { return receiver.at("files"); }

}  // namespace

json CapabilitiesObject(const std::string& kube_version, const std::vector<std::string>& extra) {
  std::string v = kube_version;
  if (!v.empty() && v[0] == 'v') {
    v.erase(0, 1);
  }
  std::string numeric;
  std::string major;
  std::string minor;
  RE2::PartialMatch(v, R"(^(([0-9]+)\.([0-9]+)(?:\.[0-9]+)*))", &numeric, &major, &minor);
  json apis = json::array();
  for (const char* a : kDefaultApiVersions) {
    apis.push_back(a);
  }
  for (const std::string& a : extra) {
    apis.push_back(a);
  }
  return {{"KubeVersion",
           {{std::string(kGoTypeKey), "KubeVersion"},
            {"Version", "v" + numeric},
            {"Major", major},
            {"Minor", minor},
            {"GitVersion", "v" + v}}},
          {"APIVersions", {{std::string(kGoTypeKey), "VersionSet"}, {"list", apis}}},
          {"HelmVersion",
           {{"Version", "v4.1.4"},
            {"GitCommit", ""},
            {"GitTreeState", ""},
            {"GoVersion", ""},
            {"KubeClientVersion", "v1.35"}}}};
}

json FilesObject(const std::map<std::string, std::string, std::less<>>& files) {
  json m = json::object();
  for (const auto& [path, bytes] : files) {
    m[path] = bytes;
  }
  return {{std::string(kGoTypeKey), "Files"}, {"files", m}};
}

void AddBuiltinMethods(TemplateSet* set) {
  set->AddMethod("KubeVersion", "String",
                 [](const json& r, std::span<const json>) { return r.at("Version"); });
  set->AddMethod("VersionSet", "Has", [](const json& r, std::span<const json> args) {
    const std::string want = Arg(args, 0);
    for (const json& a : r.at("list")) {
      if (a == want) {
        return json(true);
      }
    }
    return json(false);
  });
  set->AddMethod("Files", "Get", [](const json& r, std::span<const json> args) {
    return json(FileMap(r).value(Arg(args, 0), ""));
  });
  set->AddMethod("Files", "GetBytes", [](const json& r, std::span<const json> args) {
    return json(FileMap(r).value(Arg(args, 0), ""));
  });
  set->AddMethod("Files", "Glob", [](const json& r, std::span<const json> args) {
    json m = json::object();
    for (const auto& [path, bytes] : FileMap(r).items()) {
      if (GlobMatch(Arg(args, 0), path)) {
        m[path] = bytes;
      }
    }
    return json{{std::string(kGoTypeKey), "Files"}, {"files", m}};
  });
  set->AddMethod("Files", "Lines", [](const json& r, std::span<const json> args) {
    std::string s = FileMap(r).value(Arg(args, 0), "");
    json lines = json::array();
    if (s.empty()) {
      return lines;
    }
    if (s.back() == '\n') {
      s.pop_back();
    }
    size_t start = 0;
    for (size_t nl = s.find('\n'); nl != std::string::npos; nl = s.find('\n', start)) {
      lines.push_back(s.substr(start, nl - start));
      start = nl + 1;
    }
    lines.push_back(s.substr(start));
    return lines;
  });
  auto as_map = [](const json& r, bool secret) {
    json m = json::object();
    for (const auto& [path, bytes] : FileMap(r).items()) {
      const std::string base =
          path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
      const std::string& b = bytes.get_ref<const std::string&>();
      m[base] = secret ? Base64Encode(b) : b;
    }
    if (m.empty()) {
      return std::string();
    }
    std::string y = MarshalYaml(m);
    if (!y.empty() && y.back() == '\n') {
      y.pop_back();
    }
    return y;
  };
  set->AddMethod("Files", "AsConfig",
                 [as_map](const json& r, std::span<const json>) { return json(as_map(r, false)); });
  set->AddMethod("Files", "AsSecrets",
                 [as_map](const json& r, std::span<const json>) { return json(as_map(r, true)); });
}

}  // namespace gpuext::helm::internal
