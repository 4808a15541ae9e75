// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "watch_filter.h"

#include <algorithm>

#include <fmt/format.h>

#include "api_status.h"
#include "object_meta.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

// ".spec.replicas" → json_pointer "/spec/replicas".
json::json_pointer PointerOf(const std::string& dotted) {
  std::string pointer;
  size_t start = dotted.starts_with('.') ? 1 : 0;
  while (start <= dotted.size()) {
    const size_t dot = dotted.find('.', start);
    pointer +=
        "/" + dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return json::json_pointer(pointer);
}

std::string SpecReplicasPath(const ResourceType& type) {
  return type.crd ? type.spec_replicas_path : ".spec.replicas";
}

}  // namespace

Selectors Selectors::FromRequest(const ApiRequest& req) {
  Selectors s;
  try {
    s.labels = kube::LabelSelector::Parse(req.Param("labelSelector"));
  } catch (const std::exception& e) {
    throw BadRequest(fmt::format("unable to parse requirement: {}", e.what()));
  }
  try {
    s.fields = kube::FieldSelector::Parse(req.Param("fieldSelector"));
  } catch (const std::exception& e) {
    throw BadRequest(fmt::format("invalid field selector: {}", e.what()));
  }
  const auto& allowed = req.type->selectable_fields;
  for (const kube::FieldRequirement& r : s.fields.requirements()) {
    if (r.field != "metadata.name" && r.field != "metadata.namespace" &&
        std::find(allowed.begin(), allowed.end(), r.field) == allowed.end()) {
      throw BadRequest(fmt::format("field label not supported: {}", r.field));
    }
  }
  return s;
}

bool Selectors::Matches(const json& obj) const {
  static const json kNoLabels;
  const auto meta = obj.find("metadata");
  const json& labels_of =
      meta != obj.end() && meta->contains("labels") ? (*meta)["labels"] : kNoLabels;
  return labels.Matches(labels_of) && fields.Matches(obj);
}

json Served(const ResourceType& type, const json& obj) {
  json out = obj;
  out["apiVersion"] = type.ApiVersion();
  out["kind"] = type.kind;
  return out;
}

json ScaleOf(const ResourceType& type, const json& obj) {
  const json::json_pointer spec = PointerOf(SpecReplicasPath(type));
  const json::json_pointer status =
      PointerOf(type.crd ? type.status_replicas_path : ".status.replicas");
  json scale = {{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata",
                 {{"name", Meta(obj, "name")},
                  {"namespace", Meta(obj, "namespace")},
                  {"uid", Meta(obj, "uid")},
                  {"resourceVersion", Meta(obj, "resourceVersion")},
                  {"creationTimestamp", Meta(obj, "creationTimestamp")}}},
                {"spec", {{"replicas", obj.contains(spec) ? obj.at(spec) : json(0)}}},
                {"status", {{"replicas", obj.contains(status) ? obj.at(status) : json(0)}}}};
  if (type.crd && !type.label_selector_path.empty()) {
    const json::json_pointer selector = PointerOf(type.label_selector_path);
    if (obj.contains(selector) && obj.at(selector).is_string()) {
      scale["status"]["selector"] = obj.at(selector);
    }
  }
  return scale;
}

void ApplyScale(const ResourceType& type, json& obj, const json& scale) {
  const auto replicas = scale.find("spec");
  if (replicas == scale.end() || !replicas->contains("replicas") ||
      !(*replicas)["replicas"].is_number_integer()) {
    throw Invalid("Scale", "autoscaling", Meta(obj, "name"),
                  {FieldError::Required("spec.replicas")});
  }
  obj[PointerOf(SpecReplicasPath(type))] = (*replicas)["replicas"];
}

}  // namespace gpuext::emulator
