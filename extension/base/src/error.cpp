// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/error.h"

namespace gpuext {

std::string_view GardenerErrorCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kConfigurationProblem:
      return "ERR_CONFIGURATION_PROBLEM";
    case ErrorCode::kRetryableConfigurationProblem:
      return "ERR_RETRYABLE_CONFIGURATION_PROBLEM";
    case ErrorCode::kRetryableInfraDependencies:
      return "ERR_RETRYABLE_INFRA_DEPENDENCIES";
    case ErrorCode::kInfraUnauthorized:
      return "ERR_INFRA_UNAUTHORIZED";
    case ErrorCode::kInfraRateLimits:
      return "ERR_INFRA_RATE_LIMITS_EXCEEDED";
    default:
      return {};
  }
}

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInternal:
      return "Internal";
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kConflict:
      return "Conflict";
    case ErrorCode::kTimeout:
      return "Timeout";
    case ErrorCode::kNotReady:
      return "NotReady";
    case ErrorCode::kConfigurationProblem:
      return "ConfigurationProblem";
    case ErrorCode::kRetryableConfigurationProblem:
      return "RetryableConfigurationProblem";
    case ErrorCode::kRetryableInfraDependencies:
      return "RetryableInfraDependencies";
    case ErrorCode::kInfraUnauthorized:
      return "InfraUnauthorized";
    case ErrorCode::kInfraRateLimits:
      return "InfraRateLimits";
  }
  return "Unknown";
}

namespace {

void AppendChain(const std::exception& e, std::string& out) {
  if (!out.empty()) {
    out += ": ";
  }
  out += e.what();
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception& inner) {
    AppendChain(inner, out);
  } catch (...) {
    out += ": unknown error";
  }
}

}  // namespace

std::string DescribeException(const std::exception& e) {
  std::string out;
  AppendChain(e, out);
  return out;
}

std::string DescribeException(const std::exception_ptr& e) {
  if (!e) {
    return "no error";
  }
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return DescribeException(ex);
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace gpuext
