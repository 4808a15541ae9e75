// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The project's one error model (STYLE.md §6): exceptions for failures, values for answers.
//
//   throw gpuext::Error(ErrorCode::kConfigurationProblem, "providerConfig.driver.version: ...");
//
// A layer that adds meaning wraps with std::throw_with_nested; a boundary prints the whole
// chain with DescribeException() as "outer: inner: cause", the way Go's %w reads.

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gpuext {

// Canonical error codes. Those with a Gardener twin map onto lastError.codes
// (GardenerErrorCode); the internal ones map to none.
enum class ErrorCode {
  kInternal,
  kInvalidArgument,
  kNotFound,
  kConflict,
  kTimeout,
  kNotReady,
  kConfigurationProblem,
  kRetryableConfigurationProblem,
  kRetryableInfraDependencies,
  kInfraUnauthorized,
  kInfraRateLimits,
};

// Returns "ERR_CONFIGURATION_PROBLEM" etc., or an empty view for codes without a twin.
[[nodiscard]] std::string_view GardenerErrorCode(ErrorCode code);

// Returns a stable, human-readable name of the code ("ConfigurationProblem").
[[nodiscard]] std::string_view ErrorCodeName(ErrorCode code);

// The root of every exception the project throws. Thread-compatible value type.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  [[nodiscard]] ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Renders an exception and all exceptions nested in it as "outer: inner: cause".
// Unknown exception types render as "unknown error".
[[nodiscard]] std::string DescribeException(const std::exception& e);

// The same for an exception_ptr (for catch (...) boundaries).
[[nodiscard]] std::string DescribeException(const std::exception_ptr& e);

}  // namespace gpuext
