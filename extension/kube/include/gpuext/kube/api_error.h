// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ApiError: a failed request as the API server described it (HTTP status + metav1.Status).
//
//   try { client.Update(kLeases, lease); }
//   catch (const kube::ApiError& e) { if (!kube::IsConflict(e)) throw; ... }

#include <string>
#include <utility>
#include <vector>

#include "gpuext/error.h"

namespace gpuext::kube {

struct StatusCause {
  std::string reason;  // "FieldValueInvalid"
  std::string message;
  std::string field;  // "spec.replicas"
};

class ApiError : public gpuext::Error {
 public:
  ApiError(int http_status, std::string reason, const std::string& message,
           std::vector<StatusCause> causes = {});

  [[nodiscard]] int http_status() const { return http_status_; }
  // metav1.Status.reason: "NotFound", "Conflict", "AlreadyExists", "Invalid", "Expired", ...
  [[nodiscard]] const std::string& reason() const { return reason_; }
  [[nodiscard]] const std::vector<StatusCause>& causes() const { return causes_; }

 private:
  int http_status_;
  std::string reason_;
  std::vector<StatusCause> causes_;
};

// The ErrorCode an HTTP status maps to (404 → kNotFound, 409 → kConflict, 422/400 →
// kInvalidArgument, 401/403 → kInfraUnauthorized, 429 → kInfraRateLimits, 5xx/504 → kTimeout or
// kInternal).
[[nodiscard]] ErrorCode ErrorCodeForHttpStatus(int http_status);

[[nodiscard]] bool IsNotFound(const std::exception& e);
[[nodiscard]] bool IsConflict(const std::exception& e);       // 409 reason Conflict
[[nodiscard]] bool IsAlreadyExists(const std::exception& e);  // 409 reason AlreadyExists
[[nodiscard]] bool IsGone(const std::exception& e);           // 410 (Expired / Gone)
[[nodiscard]] bool IsInvalid(const std::exception& e);        // 422 reason Invalid
[[nodiscard]] bool IsTooManyRequests(const std::exception& e);

}  // namespace gpuext::kube
