// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "api_status.h"

#include <fmt/format.h>

namespace gpuext::emulator {

nlohmann::json ApiStatus::ToJson() const {
  nlohmann::json status = {
      {"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
      {"status", "Failure"}, {"message", what()},  {"reason", reason_},
      {"code", code_}};
  nlohmann::json details = nlohmann::json::object();
  if (!details_.name.empty()) {
    details["name"] = details_.name;
  }
  if (!details_.group.empty()) {
    details["group"] = details_.group;
  }
  if (!details_.kind.empty()) {
    details["kind"] = details_.kind;
  }
  for (const FieldError& e : details_.causes) {
    std::string message = e.ToString();
    // The cause message is the error without its leading "field: ", as upstream renders it.
    if (message.rfind(e.field + ": ", 0) == 0) {
      message = message.substr(e.field.size() + 2);
    }
    details["causes"].push_back({{"reason", e.Reason()}, {"message", message}, {"field", e.field}});
  }
  if (details_.retry_after_seconds > 0) {
    details["retryAfterSeconds"] = details_.retry_after_seconds;
  }
  if (!details.empty()) {
    status["details"] = details;
  }
  if (reason_.empty()) {
    status.erase("reason");
  }
  return status;
}

std::string QualifiedResource(const std::string& resource, const std::string& group) {
  return group.empty() ? resource : fmt::format("{}.{}", resource, group);
}

ApiStatus NotFound(const std::string& resource, const std::string& group, const std::string& name) {
  return ApiStatus(404, "NotFound",
                   fmt::format("{} \"{}\" not found", QualifiedResource(resource, group), name),
                   {.name = name, .group = group, .kind = resource});
}

ApiStatus AlreadyExists(const std::string& resource, const std::string& group,
                        const std::string& name) {
  return ApiStatus(
      409, "AlreadyExists",
      fmt::format("{} \"{}\" already exists", QualifiedResource(resource, group), name),
      {.name = name, .group = group, .kind = resource});
}

ApiStatus Conflict(const std::string& resource, const std::string& group, const std::string& name,
                   const std::string& why) {
  return ApiStatus(409, "Conflict",
                   fmt::format("Operation cannot be fulfilled on {} \"{}\": {}",
                               QualifiedResource(resource, group), name, why),
                   {.name = name, .group = group, .kind = resource});
}

ApiStatus BadRequest(const std::string& message) { return ApiStatus(400, "BadRequest", message); }
ApiStatus Forbidden(const std::string& message) { return ApiStatus(403, "Forbidden", message); }
ApiStatus MethodNotAllowed(const std::string& message) {
  return ApiStatus(405, "MethodNotAllowed", message);
}
ApiStatus Gone(const std::string& message) { return ApiStatus(410, "Expired", message); }
ApiStatus UnsupportedMediaType(const std::string& message) {
  return ApiStatus(415, "UnsupportedMediaType", message);
}
ApiStatus Unauthorized() { return ApiStatus(401, "Unauthorized", "Unauthorized"); }
ApiStatus TooLarge(const std::string& message) {
  return ApiStatus(413, "RequestEntityTooLarge", message);
}
ApiStatus Internal(const std::string& message) {
  return ApiStatus(500, "InternalError", fmt::format("Internal error occurred: {}", message));
}

ApiStatus Invalid(const std::string& kind, const std::string& group, const std::string& name,
                  const FieldErrorList& errors) {
  const std::string qualified = group.empty() ? kind : fmt::format("{}.{}", kind, group);
  return ApiStatus(
      422, "Invalid",
      fmt::format("{} \"{}\" is invalid: {}", qualified, name, ToAggregateMessage(errors)),
      {.name = name, .group = group, .kind = kind, .causes = errors});
}

}  // namespace gpuext::emulator
