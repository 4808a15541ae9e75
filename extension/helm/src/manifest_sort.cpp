// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "manifest_sort.h"

#include <algorithm>

#include <re2/re2.h>

#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

// Helm's InstallOrder (pkg/release/util/kind_sorter.go).
constexpr const char* kInstallOrder[] = {"PriorityClass",
                                         "Namespace",
                                         "NetworkPolicy",
                                         "ResourceQuota",
                                         "LimitRange",
                                         "PodSecurityPolicy",
                                         "PodDisruptionBudget",
                                         "ServiceAccount",
                                         "Secret",
                                         "SecretList",
                                         "ConfigMap",
                                         "StorageClass",
                                         "PersistentVolume",
                                         "PersistentVolumeClaim",
                                         "CustomResourceDefinition",
                                         "ClusterRole",
                                         "ClusterRoleList",
                                         "ClusterRoleBinding",
                                         "ClusterRoleBindingList",
                                         "Role",
                                         "RoleList",
                                         "RoleBinding",
                                         "RoleBindingList",
                                         "Service",
                                         "DaemonSet",
                                         "Pod",
                                         "ReplicationController",
                                         "ReplicaSet",
                                         "Deployment",
                                         "HorizontalPodAutoscaler",
                                         "StatefulSet",
                                         "Job",
                                         "CronJob",
                                         "IngressClass",
                                         "Ingress",
                                         "APIService",
                                         "MutatingWebhookConfiguration",
                                         "ValidatingWebhookConfiguration"};

int Rank(const std::string& kind) {
  for (size_t i = 0; i < std::size(kInstallOrder); ++i) {
    if (kind == kInstallOrder[i]) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string TrimSpace(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string_view::npos) {
    return "";
  }
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1));
}

// releaseutil.SplitManifests: `(?:^|\s*\n)---\s*` separates documents.
std::vector<std::string> Split(const std::string& text) {
  static const RE2 kSep(R"(((?:^|\s*\n)---\s*))");
  std::string body = TrimSpace(text);
  std::vector<std::string> docs;
  re2::StringPiece rest(body);
  re2::StringPiece match;
  while (RE2::PartialMatch(rest, kSep, &match) && !match.empty()) {
    const size_t at = match.data() - rest.data();
    docs.emplace_back(rest.substr(0, at));
    rest.remove_prefix(at + match.size());
  }
  docs.emplace_back(rest);
  std::vector<std::string> out;
  for (const std::string& d : docs) {
    if (!d.empty()) {
      out.push_back(TrimSpace(d));
    }
  }
  return out;
}

struct Entry {
  Manifest manifest;
  std::string kind;
  bool hook = false;
};

void StableSortByKind(std::vector<Entry>* entries) {
  std::stable_sort(entries->begin(), entries->end(), [](const Entry& a, const Entry& b) {
    const int ra = Rank(a.kind);
    const int rb = Rank(b.kind);
    if (ra < 0 && rb < 0) {
      return a.kind < b.kind;
    }
    if (ra < 0) {
      return false;
    }
    if (rb < 0) {
      return true;
    }
    return ra < rb;
  });
}

}  // namespace

std::vector<Manifest> SortManifests(const std::map<std::string, std::string>& files) {
  std::vector<Entry> generic;
  std::vector<Entry> hooks;
  for (const auto& [path, text] : files) {
    const std::string base = path.substr(path.rfind('/') + 1);
    if (base.starts_with("_") || TrimSpace(text).empty()) {
      continue;
    }
    for (const std::string& doc : Split(text)) {
      json head;
      try {
        head = UnmarshalYaml(doc);
      } catch (const Error& e) {
        throw Error(ErrorCode::kConfigurationProblem,
                    "YAML parse error on " + path + ": " + e.what());
      }
      Entry e{.manifest = {.source_path = path, .text = doc}};
      if (head.is_object()) {
        e.kind = head.value("kind", json("")).is_string() ? head.value("kind", "") : "";
        const json annotations =
            head.value("metadata", json::object()).value("annotations", json());
        e.hook = annotations.is_object() && annotations.contains("helm.sh/hook");
      }
      (e.hook ? hooks : generic).push_back(std::move(e));
    }
  }
  StableSortByKind(&generic);
  StableSortByKind(&hooks);
  std::vector<Manifest> out;
  for (auto* list : {&generic, &hooks}) {
    for (Entry& e : *list) {
      out.push_back(std::move(e.manifest));
    }
  }
  return out;
}

}  // namespace gpuext::helm::internal
