// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The JSON of lease and failure records (DESIGN.md §14.2, §14.4), shared by every backend so
// that tools and other clusters read a filesystem store and a bucket alike. Private to
// gpuext::nodeagent_artifact.

#include <cstddef>
#include <optional>
#include <string>

#include "gpuext/nodeagent/artifact/fs_store.h"

namespace gpuext::nodeagent::artifact::internal {

[[nodiscard]] std::string LeaseToJsonText(const Lease& lease);
// nullopt for anything that is not a complete lease record (a torn or foreign file).
[[nodiscard]] std::optional<Lease> LeaseFromJsonText(const std::string& text);

[[nodiscard]] std::string FailureToJsonText(const FailureRecord& failure);
[[nodiscard]] std::optional<FailureRecord> FailureFromJsonText(const std::string& text);

// `bytes` random bytes as hex, for lease ids and temporary names.
[[nodiscard]] std::string RandomLeaseHex(std::size_t bytes);

}  // namespace gpuext::nodeagent::artifact::internal
