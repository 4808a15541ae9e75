// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder_error.h"

#include <utility>

namespace gpuext::nodeagent {

namespace {

// The Gardener-facing code of each reason: what an operator must change versus what may pass.
ErrorCode BuildFailureCode(BuildFailure reason) {
  switch (reason) {
    case BuildFailure::kSourceFetchFailed:
      return ErrorCode::kRetryableInfraDependencies;
    case BuildFailure::kNoHeadersForKernel:
    case BuildFailure::kUnpinnedSource:
    case BuildFailure::kSourceDigestMismatch:
    case BuildFailure::kBadSource:
    case BuildFailure::kUnknownRecipe:
    case BuildFailure::kVersionMismatch:
    case BuildFailure::kSigningFailed:
      return ErrorCode::kConfigurationProblem;
    case BuildFailure::kCompileError:
    case BuildFailure::kNoModulesBuilt:
    case BuildFailure::kVermagicMismatch:
      return ErrorCode::kInternal;
  }
  return ErrorCode::kInternal;
}

}  // namespace

std::string_view ToString(BuildFailure reason) {
  switch (reason) {
    case BuildFailure::kNoHeadersForKernel:
      return "NoHeadersForKernel";
    case BuildFailure::kUnpinnedSource:
      return "UnpinnedSource";
    case BuildFailure::kSourceFetchFailed:
      return "SourceFetchFailed";
    case BuildFailure::kSourceDigestMismatch:
      return "SourceDigestMismatch";
    case BuildFailure::kBadSource:
      return "BadSource";
    case BuildFailure::kUnknownRecipe:
      return "UnknownRecipe";
    case BuildFailure::kCompileError:
      return "CompileError";
    case BuildFailure::kNoModulesBuilt:
      return "NoModulesBuilt";
    case BuildFailure::kVermagicMismatch:
      return "VermagicMismatch";
    case BuildFailure::kVersionMismatch:
      return "VersionMismatch";
    case BuildFailure::kSigningFailed:
      return "SigningFailed";
  }
  return "Unknown";
}

BuildError::BuildError(BuildFailure reason, const std::string& message, std::string log_tail)
    : Error(BuildFailureCode(reason), std::string(ToString(reason)) + ": " + message),
      reason_(reason),
      log_tail_(std::move(log_tail)) {}

}  // namespace gpuext::nodeagent
