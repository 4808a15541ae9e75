// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Request-level selectors shared by list and watch.

#include <nlohmann/json.hpp>

#include "api_request.h"
#include "gpuext/kube/selector.h"

namespace gpuext::emulator {

struct Selectors {
  kube::LabelSelector labels;
  kube::FieldSelector fields;

  // Parses labelSelector/fieldSelector; a bad selector or an unsupported field is 400.
  static Selectors FromRequest(const ApiRequest& req);

  [[nodiscard]] bool Matches(const nlohmann::json& obj) const;
  [[nodiscard]] bool Empty() const { return labels.Empty() && fields.Empty(); }
};

// The object as served in the requested version.
nlohmann::json Served(const ResourceType& type, const nlohmann::json& obj);

// The autoscaling/v1 Scale of an object with a scale subresource.
nlohmann::json ScaleOf(const ResourceType& type, const nlohmann::json& obj);
// Writes scale.spec.replicas into the object's spec replicas path.
void ApplyScale(const ResourceType& type, nlohmann::json& obj, const nlohmann::json& scale);

}  // namespace gpuext::emulator
