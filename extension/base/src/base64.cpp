// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/base64.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Maps a character to its 6-bit value, or -1.
constexpr std::array<int, 256> MakeDecodeTable() {
  std::array<int, 256> table{};
  table.fill(-1);
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  return table;
}
constexpr std::array<int, 256> kDecode = MakeDecodeTable();

[[noreturn]] void Illegal(size_t at) {
  throw Error(ErrorCode::kInvalidArgument, fmt::format("illegal base64 data at input byte {}", at));
}

}  // namespace

std::string Base64Encode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  for (size_t i = 0; i < raw.size(); i += 3) {
    const size_t n = std::min<size_t>(3, raw.size() - i);
    uint32_t v = static_cast<unsigned char>(raw[i]) << 16;
    if (n > 1) {
      v |= static_cast<unsigned char>(raw[i + 1]) << 8;
    }
    if (n > 2) {
      v |= static_cast<unsigned char>(raw[i + 2]);
    }
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += n > 1 ? kAlphabet[(v >> 6) & 63] : '=';
    out += n > 2 ? kAlphabet[v & 63] : '=';
  }
  return out;
}

std::string Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    if (text.size() - i < 4) {
      Illegal(i);  // Go reports a truncated quantum at its start.
    }
    uint32_t v = 0;
    int padding = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      // Padding may only close the last quantum, in its last one or two places.
      if (c == '=' && i + 4 == text.size() && j >= 2 && (j == 3 || text[i + 3] == '=')) {
        ++padding;
        v <<= 6;
        continue;
      }
      const int d = kDecode[static_cast<unsigned char>(c)];
      if (d < 0 || padding > 0) {
        Illegal(i + j);
      }
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out += static_cast<char>((v >> 16) & 0xff);
    if (padding < 2) {
      out += static_cast<char>((v >> 8) & 0xff);
    }
    if (padding < 1) {
      out += static_cast<char>(v & 0xff);
    }
  }
  return out;
}

}  // namespace gpuext
