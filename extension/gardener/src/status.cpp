// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/status.h"

#include <algorithm>

#include "gpuext/gardener/constants.h"
#include "gpuext/time_format.h"

namespace gpuext::gardener {

using nlohmann::json;
using std::chrono::system_clock;

namespace {

std::optional<system_clock::time_point> TimestampAnnotation(const json& obj) {
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) {
    return std::nullopt;
  }
  const auto annotations = meta->find("annotations");
  if (annotations == meta->end() || !annotations->is_object()) {
    return std::nullopt;
  }
  const auto value = annotations->find(std::string(kTimestampAnnotation));
  if (value == annotations->end() || !value->is_string()) {
    return std::nullopt;
  }
  return ParseRfc3339(value->get<std::string>());
}

json Generation(const json& obj) {
  const auto meta = obj.find("metadata");
  if (meta != obj.end() && meta->is_object() && meta->contains("generation")) {
    return (*meta)["generation"];
  }
  return 0;
}

json LastOperation(OperationType type, const char* state, int progress,
                   const std::string& description, const std::string& time) {
  return {{"type", OperationTypeName(type)},
          {"state", state},
          {"progress", progress},
          {"lastUpdateTime", time},
          {"description", description}};
}

}  // namespace

std::string StatusUpdateTime(const json& obj, system_clock::time_point now) {
  auto when = std::chrono::floor<std::chrono::seconds>(now);
  if (const auto stamp = TimestampAnnotation(obj)) {
    when = std::max(when, std::chrono::floor<std::chrono::seconds>(*stamp));
  }
  return FormatRfc3339(when);
}

json ProcessingStatusPatch(const json& obj, OperationType type, const std::string& description,
                           system_clock::time_point now) {
  return {{"status",
           {{"lastOperation",
             LastOperation(type, "Processing", 1, description, StatusUpdateTime(obj, now))}}}};
}

json SucceededStatusPatch(const json& obj, OperationType type, const std::string& description,
                          system_clock::time_point now) {
  return {{"status",
           {{"lastOperation",
             LastOperation(type, "Succeeded", 100, description, StatusUpdateTime(obj, now))},
            {"lastError", nullptr},
            {"observedGeneration", Generation(obj)}}}};
}

json ErrorStatusPatch(const json& obj, OperationType type, const std::string& description,
                      ErrorCode code, system_clock::time_point now) {
  const std::string time = StatusUpdateTime(obj, now);
  json last_error = {{"description", description}, {"lastUpdateTime", time}};
  if (const auto gardener_code = GardenerErrorCode(code); !gardener_code.empty()) {
    last_error["codes"] = json::array({gardener_code});
  }
  return {{"status",
           {{"lastOperation", LastOperation(type, "Error", 50, description, time)},
            {"lastError", std::move(last_error)},
            {"observedGeneration", Generation(obj)}}}};
}

std::string OperationVerb(OperationType type) {
  switch (type) {
    case OperationType::kCreate:
      return "creating";
    case OperationType::kReconcile:
      return "reconciling";
    case OperationType::kDelete:
      return "deleting";
    case OperationType::kMigrate:
      return "migrating";
    case OperationType::kRestore:
      return "restoring";
  }
  return "reconciling";
}

}  // namespace gpuext::gardener
