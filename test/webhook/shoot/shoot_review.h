// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// An admission.k8s.io/v1 AdmissionReview for a Shoot in garden-dev, as gardener-apiserver sends
// it to the Shoot webhook (shared by the handler and fuzz tests).

#include <string>

#include <nlohmann/json.hpp>

namespace gpuext::webhook::testing {

inline nlohmann::json ShootReview(const std::string& operation, const nlohmann::json& object,
                                  const nlohmann::json& old_object, const std::string& username) {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "u-1"},
            {"kind", {{"group", "core.gardener.cloud"}, {"version", "v1beta1"}, {"kind", "Shoot"}}},
            {"resource",
             {{"group", "core.gardener.cloud"}, {"version", "v1beta1"}, {"resource", "shoots"}}},
            {"name", "gpu"},
            {"namespace", "garden-dev"},
            {"operation", operation},
            {"userInfo", {{"username", username}}},
            {"object", object},
            {"oldObject", old_object}}}};
}

}  // namespace gpuext::webhook::testing
