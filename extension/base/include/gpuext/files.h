// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// File helpers with the guarantees the brief asks for: a reader never sees a half-written file.
//
//   WriteFileAtomically(cert_dir / "tls.crt", pem, 0644);   // temp file + fsync + rename

#include <filesystem>
#include <optional>
#include <string>

namespace gpuext {

// Writes `content` to a temporary file in the same directory (mode `mode`), fsyncs it and renames
// it over `path`. Throws gpuext::Error(kInternal) naming the path on failure; the old file is
// left untouched then.
void WriteFileAtomically(const std::filesystem::path& path, const std::string& content, int mode);

// The whole file, or nullopt when it does not exist. Throws gpuext::Error naming the path on
// other read failures.
[[nodiscard]] std::optional<std::string> ReadFileIfExists(const std::filesystem::path& path);

}  // namespace gpuext
