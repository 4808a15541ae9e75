// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's encodings, digests and random strings. Decoding errors are not template errors in
// sprig: b64dec/b32dec return the error text as their result. The random functions are not
// deterministic (docs/helm.md); objects built from them cannot be compared with Helm's output.
#include <array>
#include <string>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "gpuext/base64.h"
#include "sprig_registry.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

std::string Digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
    throw FunctionError("digest failed");
  }
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += fmt::format("{:02x}", out[i]);
  }
  return hex;
}

uint32_t Adler32(std::string_view data) {
  constexpr uint32_t kMod = 65521;
  uint32_t a = 1;
  uint32_t b = 0;
  for (unsigned char c : data) {
    a = (a + c) % kMod;
    b = (b + a) % kMod;
  }
  return (b << 16) | a;
}

// base64.StdEncoding.DecodeString, for its error offsets: sprig returns the error text, so
// "illegal base64 data at input byte N" must name the byte Go names. Newlines are skipped.
bool Base64DecodeGo(std::string_view src, std::string& out, size_t& bad) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z')
      return c - 'A';
    if (c >= 'a' && c <= 'z')
      return c - 'a' + 26;
    if (c >= '0' && c <= '9')
      return c - '0' + 52;
    if (c == '+')
      return 62;
    if (c == '/')
      return 63;
    return -1;
  };
  auto skip_newlines = [&](size_t& si) {
    while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) {
      ++si;
    }
  };
  size_t si = 0;
  while (true) {
    std::array<int, 4> buf{};
    size_t len = 4;
    bool done = false;
    for (size_t j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) {
          return true;
        }
        bad = si - j;  // a quantum cut short: padding was required
        return false;
      }
      char in = src[si++];
      if (int v = value(in); v >= 0) {
        buf[j] = v;
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=' || j < 2) {
        bad = si - 1;
        return false;
      }
      if (j == 2) {
        skip_newlines(si);
        if (si == src.size()) {
          bad = src.size();
          return false;
        }
        if (src[si] != '=') {
          bad = si - 1;
          return false;
        }
        ++si;
      }
      skip_newlines(si);
      if (si < src.size()) {
        bad = si;  // data after the padding
        return false;
      }
      len = j;
      done = true;
      break;
    }
    unsigned val = static_cast<unsigned>(buf[0] << 18 | buf[1] << 12 | buf[2] << 6 | buf[3]);
    for (size_t k = 0; k + 1 < len; ++k) {
      out += static_cast<char>((val >> (16 - 8 * k)) & 0xFF);
    }
    if (done) {
      return true;
    }
  }
}

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string Base32Encode(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); i += 5) {
    uint64_t block = 0;
    size_t n = std::min<size_t>(5, raw.size() - i);
    for (size_t k = 0; k < 5; ++k) {
      block = (block << 8) | (k < n ? static_cast<unsigned char>(raw[i + k]) : 0);
    }
    size_t chars = (n * 8 + 4) / 5;
    for (size_t k = 0; k < 8; ++k) {
      out += k < chars ? kBase32[(block >> (35 - 5 * k)) & 31] : '=';
    }
  }
  return out;
}

// base32.StdEncoding.DecodeString: 8-character quanta, '=' padding only at the end of the
// last quantum. Returns false and the failing input offset on corrupt input.
bool Base32Decode(std::string_view text, std::string& out, size_t& bad) {
  if (text.size() % 8 != 0) {
    bad = text.size() / 8 * 8;
    for (size_t i = 0; i < bad; ++i) {
      if (kBase32.find(text[i]) == std::string_view::npos) {
        bad = i;
        return false;
      }
    }
    return false;
  }
  for (size_t i = 0; i < text.size(); i += 8) {
    uint64_t block = 0;
    size_t chars = 8;
    for (size_t k = 0; k < 8; ++k) {
      char c = text[i + k];
      if (c == '=') {
        if (i + 8 != text.size() || k < 2) {
          bad = i + k;
          return false;
        }
        for (size_t p = k; p < 8; ++p) {
          if (text[i + p] != '=') {
            bad = i + p;
            return false;
          }
        }
        if (k != 2 && k != 4 && k != 5 && k != 7) {
          bad = i + k;
          return false;
        }
        chars = k;
        break;
      }
      size_t v = kBase32.find(c);
      if (v == std::string_view::npos) {
        bad = i + k;
        return false;
      }
      block |= static_cast<uint64_t>(v) << (35 - 5 * k);
    }
    size_t bytes = chars * 5 / 8;
    for (size_t k = 0; k < bytes; ++k) {
      out += static_cast<char>((block >> (32 - 8 * k)) & 0xFF);
    }
  }
  return true;
}

std::string RandomFrom(std::string_view alphabet, int64_t count) {
  std::string out;
  for (int64_t i = 0; i < count; ++i) {
    // Rejection sampling keeps every character equally likely.
    unsigned char b = 0;
    size_t limit = 256 - 256 % alphabet.size();
    do {
      if (RAND_bytes(&b, 1) != 1) {
        throw FunctionError("random source failed");
      }
    } while (b >= limit);
    out += alphabet[b % alphabet.size()];
  }
  return out;
}

std::string UuidV4() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    throw FunctionError("random source failed");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  std::string hex;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      hex += '-';
    }
    hex += fmt::format("{:02x}", b[i]);
  }
  return hex;
}

template <typename F>
Function Random(std::string name, F alphabet) {
  return [name, alphabet](Args args) -> json {
    WantArgs(name, args, 1);
    int64_t n = IntArg(args, 0);
    return RandomFrom(alphabet, n < 0 ? 0 : n);
  };
}

}  // namespace

void AddEncodingFunctions(FunctionTable& t) {
  t["b64enc"] = Unary("b64enc", [](const std::string& s) { return Base64Encode(s); });
  t["b64dec"] = Unary("b64dec", [](const std::string& s) -> std::string {
    std::string out;
    size_t bad = 0;
    if (!Base64DecodeGo(s, out, bad)) {
      return fmt::format("illegal base64 data at input byte {}", bad);
    }
    return out;
  });
  t["b32enc"] = Unary("b32enc", [](const std::string& s) { return Base32Encode(s); });
  t["b32dec"] = Unary("b32dec", [](const std::string& s) -> std::string {
    std::string out;
    size_t bad = 0;
    if (!Base32Decode(s, out, bad)) {
      return fmt::format("illegal base32 data at input byte {}", bad);
    }
    return out;
  });
  t["sha1sum"] = Unary("sha1sum", [](const std::string& s) { return Digest(EVP_sha1(), s); });
  t["sha256sum"] = Unary("sha256sum", [](const std::string& s) { return Digest(EVP_sha256(), s); });
  t["sha512sum"] = Unary("sha512sum", [](const std::string& s) { return Digest(EVP_sha512(), s); });
  t["adler32sum"] =
      Unary("adler32sum", [](const std::string& s) { return std::to_string(Adler32(s)); });
  t["uuidv4"] = [](Args args) -> json {
    WantArgs("uuidv4", args, 0);
    return UuidV4();
  };
  constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
  constexpr std::string_view kDigits = "0123456789";
  static const std::string alpha = std::string(kUpper) + std::string(kLower);
  static const std::string alnum = alpha + std::string(kDigits);
  static const std::string ascii = [] {
    std::string s;
    for (char c = ' '; c <= '~'; ++c) {
      s += c;
    }
    return s;
  }();
  t["randAlphaNum"] = Random("randAlphaNum", alnum);
  t["randAlpha"] = Random("randAlpha", alpha);
  t["randNumeric"] = Random("randNumeric", std::string(kDigits));
  t["randAscii"] = Random("randAscii", ascii);
}

}  // namespace gpuext::helm::internal
