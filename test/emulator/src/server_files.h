// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The emulator's files: --load manifests, --data-dir snapshots, the kubeconfig it writes.

#include <filesystem>
#include <string>

#include "api_server.h"
#include "gpuext/emulator/server.h"

namespace gpuext::emulator {

// Applies every manifest under `path` (CRDs first, then Namespaces, then the rest, each group
// in file order). Throws Error naming the file and the document index.
void LoadObjects(ApiServer& api, const std::filesystem::path& path);

void LoadSnapshotIfPresent(ApiServer& api, const std::filesystem::path& data_dir);
void SaveSnapshotTo(ApiServer& api, const std::filesystem::path& data_dir);

std::string RenderKubeconfig(const std::string& url, const std::string& ca_pem,
                             const TokenUser& user);

}  // namespace gpuext::emulator
