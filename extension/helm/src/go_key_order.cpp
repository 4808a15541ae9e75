// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "go_key_order.h"

#include <cstdint>

namespace gpuext::helm::internal {
namespace {

bool IsDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

// unicode.IsLetter, exact for ASCII and Latin-1; other scripts above U+00FF count as letters,
// which is what chart keys in practice contain.
bool IsLetter(char32_t c) {
  if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z')) {
    return true;
  }
  if (c < 0xAA) {
    return false;
  }
  if (c <= 0xFF) {
    return c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
  }
  return true;
}

}  // namespace

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80             ? 1
              : (b & 0xE0) == 0xC0 ? 2
              : (b & 0xF0) == 0xE0 ? 3
              : (b & 0xF8) == 0xF0 ? 4
                                   : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t c = len == 1 ? b : (b & (0xFF >> (len + 1)));
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      const auto cb = static_cast<unsigned char>(s[i + k]);
      ok = ok && (cb & 0xC0) == 0x80;
      c = (c << 6) | (cb & 0x3F);
    }
    out.push_back(ok ? c : 0xFFFD);
    i += ok ? len : 1;
  }
  return out;
}

bool GoYamlKeyLess(std::string_view a_text, std::string_view b_text, bool v3) {
  const std::u32string a = DecodeUtf8(a_text);
  const std::u32string b = DecodeUtf8(b_text);
  bool digits = false;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) {
      digits = IsDigit(a[i]);
      continue;
    }
    const bool al = IsLetter(a[i]);
    const bool bl = IsLetter(b[i]);
    if (al && bl) {
      return a[i] < b[i];
    }
    if (al || bl) {
      return v3 && digits ? al : bl;
    }
    int64_t an = 0;
    int64_t bn = 0;
    if (a[i] == U'0' || b[i] == U'0') {
      // A zero inside a longer number ("10" vs "1a") is not a leading zero.
      for (size_t j = i; j-- > 0 && IsDigit(a[j]);) {
        if (a[j] != U'0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i;
    size_t bi = i;
    for (; ai < a.size() && IsDigit(a[ai]); ++ai) {
      an = an * 10 + (a[ai] - U'0');
    }
    for (; bi < b.size() && IsDigit(b[bi]); ++bi) {
      bn = bn * 10 + (b[bi] - U'0');
    }
    if (an != bn) {
      return an < bn;
    }
    if (ai != bi) {
      return ai < bi;
    }
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

}  // namespace gpuext::helm::internal
