// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// An OscLookup over maps keyed by namespace, plus AdmissionReview helpers for the OSC handler
// tests.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/webhook/osc_admission.h"

namespace gpuext::webhook::testing {

// Confined to one test thread (the maps are filled before the handler runs).
class MapOscLookup final : public OscLookup {
 public:
  std::optional<nlohmann::json> Cluster(std::string_view ns) const override {
    const auto it = clusters.find(std::string(ns));
    return it == clusters.end() ? std::nullopt : std::optional<nlohmann::json>(it->second);
  }
  std::optional<nlohmann::json> Extension(std::string_view ns) const override {
    const auto it = extensions.find(std::string(ns));
    return it == extensions.end() ? std::nullopt : std::optional<nlohmann::json>(it->second);
  }

  std::map<std::string, nlohmann::json> clusters;
  std::map<std::string, nlohmann::json> extensions;
};

inline nlohmann::json OscReview(const std::string& operation, const nlohmann::json& object,
                                const std::string& ns = "shoot--dev--gpu") {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "0c8f2d5e-osc"},
            {"kind",
             {{"group", "extensions.gardener.cloud"},
              {"version", "v1alpha1"},
              {"kind", "OperatingSystemConfig"}}},
            {"resource",
             {{"group", "extensions.gardener.cloud"},
              {"version", "v1alpha1"},
              {"resource", "operatingsystemconfigs"}}},
            {"namespace", ns},
            {"operation", operation},
            {"userInfo", {{"username", "system:serviceaccount:garden:gardenlet"}}},
            {"object", object}}}};
}

// The response's JSON patch applied to `object`; `object` itself when there is no patch.
inline nlohmann::json Patched(const nlohmann::json& object, const nlohmann::json& review) {
  const nlohmann::json& response = review.at("response");
  if (!response.contains("patch")) {
    return object;
  }
  return object.patch(nlohmann::json::parse(Base64Decode(response["patch"].get<std::string>())));
}

}  // namespace gpuext::webhook::testing
