// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/api_error.h"

namespace gpuext::kube {

ErrorCode ErrorCodeForHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
    case 422:
      return ErrorCode::kInvalidArgument;
    case 401:
    case 403:
      return ErrorCode::kInfraUnauthorized;
    case 404:
    case 410:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 429:
      return ErrorCode::kInfraRateLimits;
    case 504:
      return ErrorCode::kTimeout;
    default:
      return http_status >= 500 ? ErrorCode::kRetryableInfraDependencies : ErrorCode::kInternal;
  }
}

ApiError::ApiError(int http_status, std::string reason, const std::string& message,
                   std::vector<StatusCause> causes)
    : gpuext::Error(ErrorCodeForHttpStatus(http_status), message),
      http_status_(http_status),
      reason_(std::move(reason)),
      causes_(std::move(causes)) {}

namespace {

const ApiError* AsApiError(const std::exception& e) { return dynamic_cast<const ApiError*>(&e); }

}  // namespace

bool IsNotFound(const std::exception& e) {
  const auto* api = AsApiError(e);
  return api != nullptr && api->http_status() == 404;
}

bool IsConflict(const std::exception& e) {
  const auto* api = AsApiError(e);
  return api != nullptr && api->http_status() == 409 && api->reason() != "AlreadyExists";
}

bool IsAlreadyExists(const std::exception& e) {
  const auto* api = AsApiError(e);
  return api != nullptr && api->http_status() == 409 && api->reason() == "AlreadyExists";
}

bool IsGone(const std::exception& e) {
  const auto* api = AsApiError(e);
  return api != nullptr && api->http_status() == 410;
}

bool IsInvalid(const std::exception& e) {
  const auto* api = AsApiError(e);
  return api != nullptr && api->http_status() == 422;
}

bool IsTooManyRequests(const std::exception& e) {
  const auto* api = AsApiError(e);
  return api != nullptr && api->http_status() == 429;
}

}  // namespace gpuext::kube
