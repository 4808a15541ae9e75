// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/sha256.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "gpuext/error.h"

namespace gpuext {

namespace {

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(Ctx(ctx_), EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(Ctx(ctx_));
    throw Error(ErrorCode::kInternal, "sha256: OpenSSL digest initialisation failed");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

void Sha256::Update(std::string_view data) {
  if (EVP_DigestUpdate(Ctx(ctx_), data.data(), data.size()) != 1) {
    throw Error(ErrorCode::kInternal, "sha256: OpenSSL digest update failed");
  }
}

std::array<std::uint8_t, 32> Sha256::Finish() {
  std::array<std::uint8_t, 32> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(Ctx(ctx_), digest.data(), &length) != 1 || length != digest.size()) {
    throw Error(ErrorCode::kInternal, "sha256: OpenSSL digest finalisation failed");
  }
  return digest;
}

std::string Sha256::FinishHex() {
  const auto digest = Finish();
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string Sha256Hex(std::string_view data) {
  Sha256 hash;
  hash.Update(data);
  return hash.FinishHex();
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

FileDigest Sha256File(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorCode::kInternal, "open " + path.string() + ": " + std::strerror(errno));
  }
  Sha256 hash;
  FileDigest digest;
  std::vector<char> buffer(std::size_t{1} << 20);
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(ErrorCode::kInternal, "read " + path.string() + ": " + std::strerror(err));
    }
    if (n == 0) {
      break;
    }
    hash.Update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    digest.size += n;
  }
  ::close(fd);
  digest.sha256_hex = hash.FinishHex();
  return digest;
}

}  // namespace gpuext
