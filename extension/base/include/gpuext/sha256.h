// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// SHA-256 (OpenSSL EVP) for checksums of rendered data, artifact digests and Helm's sha256sum.
//
//   Sha256Hex("abc")  // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace gpuext {

// Incremental hashing of large inputs (artifact streams).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  // Finishes the hash; the object must not be updated afterwards.
  [[nodiscard]] std::array<std::uint8_t, 32> Finish();
  [[nodiscard]] std::string FinishHex();

 private:
  void* ctx_;  // EVP_MD_CTX*, kept opaque so OpenSSL headers stay out of every includer
};

[[nodiscard]] std::string Sha256Hex(std::string_view data);

// Lower-case hex of arbitrary bytes.
[[nodiscard]] std::string HexEncode(std::string_view bytes);

struct FileDigest {
  std::int64_t size = 0;
  std::string sha256_hex = {};
};

// Streams the file through sha256 (never holds it in memory, so 300 MB artifacts are fine).
// Throws Error(kInternal) naming the file when it cannot be opened or read.
[[nodiscard]] FileDigest Sha256File(const std::filesystem::path& path);

}  // namespace gpuext
