// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Why a driver build failed (DESIGN.md §14.4, §14.5): the reason goes into the cache's failure
// record and the build status, so it is a fixed word operators can search for.

#include <string>
#include <string_view>

#include "gpuext/error.h"

namespace gpuext::nodeagent {

enum class BuildFailure {
  kNoHeadersForKernel,    // no headers of the key's kernel in the build image
  kUnpinnedSource,        // no source sha256 while pinned sources are required
  kSourceFetchFailed,     // the download failed (HTTP status, connection, file missing)
  kSourceDigestMismatch,  // the downloaded source has another sha256 than pinned
  kBadSource,             // the source does not unpack or lacks the recipe's layout
  kUnknownRecipe,         // the recipe name is not in the recipe table
  kCompileError,          // make failed; the message ends with the log tail
  kNoModulesBuilt,        // make succeeded but nvidia.ko is missing
  kVermagicMismatch,      // a module was built for another kernel (wrong headers)
  kVersionMismatch,       // a module's version is not the key's driver version
  kSigningFailed,         // scripts/sign-file failed or left a module unsigned
};

// "NoHeadersForKernel", "UnpinnedSource", ... (the §14.4 failure reasons).
[[nodiscard]] std::string_view ToString(BuildFailure reason);

// A build failure with its reason. The message says what failed and how to fix it; for
// compile failures it ends with the last lines of the build log, also kept in log_tail().
class BuildError : public Error {
 public:
  BuildError(BuildFailure reason, const std::string& message, std::string log_tail = {});

  [[nodiscard]] BuildFailure reason() const { return reason_; }
  [[nodiscard]] const std::string& log_tail() const { return log_tail_; }

 private:
  BuildFailure reason_;
  std::string log_tail_;
};

}  // namespace gpuext::nodeagent
