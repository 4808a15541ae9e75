// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kubernetes `Status` failures as exceptions inside the emulator's request path. A handler
// throws ApiStatus; the HTTP boundary renders it with the code, reason, message and
// details.causes a real kube-apiserver sends.

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"

namespace gpuext::emulator {

struct StatusDetails {
  std::string name = {};
  std::string group = {};
  std::string kind = {};
  std::vector<FieldError> causes = {};
  int retry_after_seconds = 0;
};

class ApiStatus : public std::runtime_error {
 public:
  ApiStatus(int code, std::string reason, const std::string& message, StatusDetails details = {})
      : std::runtime_error(message),
        code_(code),
        reason_(std::move(reason)),
        details_(std::move(details)) {}

  [[nodiscard]] int code() const { return code_; }
  [[nodiscard]] const std::string& reason() const { return reason_; }
  [[nodiscard]] const StatusDetails& details() const { return details_; }
  // The `Status` object as kube-apiserver sends it.
  [[nodiscard]] nlohmann::json ToJson() const;

 private:
  int code_;
  std::string reason_;
  StatusDetails details_;
};

// "configmaps" + "" → "configmaps"; "extensions" + "extensions.gardener.cloud" →
// "extensions.extensions.gardener.cloud" (how kube-apiserver names a GroupResource in messages).
std::string QualifiedResource(const std::string& resource, const std::string& group);

ApiStatus NotFound(const std::string& resource, const std::string& group, const std::string& name);
ApiStatus AlreadyExists(const std::string& resource, const std::string& group,
                        const std::string& name);
ApiStatus Conflict(const std::string& resource, const std::string& group, const std::string& name,
                   const std::string& why);
ApiStatus BadRequest(const std::string& message);
ApiStatus Forbidden(const std::string& message);
ApiStatus MethodNotAllowed(const std::string& message);
ApiStatus Gone(const std::string& message);
ApiStatus UnsupportedMediaType(const std::string& message);
ApiStatus Unauthorized();
ApiStatus TooLarge(const std::string& message);
ApiStatus Internal(const std::string& message);
// 422 Invalid: `<Kind>.<group> "<name>" is invalid: <aggregate of errors>`.
ApiStatus Invalid(const std::string& kind, const std::string& group, const std::string& name,
                  const FieldErrorList& errors);

}  // namespace gpuext::emulator
