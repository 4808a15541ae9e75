// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "sprig_text.h"

namespace gpuext::helm::internal {

char32_t DecodeRune(std::string_view s, size_t i, size_t& width) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  width = 1;
  if (c < 0x80) {
    return c;
  }
  size_t n = 0;
  char32_t r = 0;
  char32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    r = c & 0x1F;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    r = c & 0x0F;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    r = c & 0x07;
    min = 0x10000;
  } else {
    return 0xFFFD;
  }
  if (i + n > s.size()) {
    return 0xFFFD;
  }
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      return 0xFFFD;
    }
    r = (r << 6) | (b(i + k) & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
    return 0xFFFD;
  }
  width = n;
  return r;
}

void AppendRune(std::string& out, char32_t r) {
  // utf8.AppendRune: surrogates and values past U+10FFFF encode as U+FFFD.
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
    r = 0xFFFD;
  }
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

bool IsSpaceRune(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

bool IsUpperRune(char32_t r) {
  return (r >= 'A' && r <= 'Z') || (r >= 0xC0 && r <= 0xDE && r != 0xD7);
}

bool IsLowerRune(char32_t r) {
  return (r >= 'a' && r <= 'z') || (r >= 0xDF && r <= 0xFF && r != 0xF7) || r == 0xB5 ||
         r == 0xAA || r == 0xBA;
}

bool IsLetterRune(char32_t r) {
  if (r < 0x80) {
    return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z');
  }
  // Beyond Latin-1 we treat every non-space, non-punctuation rune as a letter: scripts with
  // letters dominate there, and it keeps word splitting (title, initials) sensible.
  return IsUpperRune(r) || IsLowerRune(r) || r >= 0x100;
}

bool IsDigitRune(char32_t r) { return r >= '0' && r <= '9'; }

char32_t ToUpperRune(char32_t r) {
  if (r >= 'a' && r <= 'z') {
    return r - 32;
  }
  if (r >= 0xE0 && r <= 0xFE && r != 0xF7) {
    return r - 32;
  }
  if (r == 0xFF) {
    return 0x178;
  }
  if (r == 0xB5) {
    return 0x39C;
  }
  return r;
}

char32_t ToLowerRune(char32_t r) {
  if (r >= 'A' && r <= 'Z') {
    return r + 32;
  }
  if (r >= 0xC0 && r <= 0xDE && r != 0xD7) {
    return r + 32;
  }
  return r;
}

std::string MapRunes(std::string_view s, char32_t (*f)(char32_t)) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    char32_t r = DecodeRune(s, i, w);
    if (r == 0xFFFD && w == 1 && static_cast<unsigned char>(s[i]) >= 0x80) {
      out += s[i];  // keep invalid bytes as they are, like strings.Map on an unchanged rune
    } else {
      AppendRune(out, f(r));
    }
    i += w;
  }
  return out;
}

std::string ReplaceAll(std::string_view s, std::string_view old_s, std::string_view new_s) {
  std::string out;
  if (old_s.empty()) {
    out += new_s;
    for (size_t i = 0; i < s.size();) {
      size_t w = 0;
      (void)DecodeRune(s, i, w);
      out += s.substr(i, w);
      out += new_s;
      i += w;
    }
    return out;
  }
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(old_s, pos);
    if (hit == std::string_view::npos) {
      break;
    }
    out += s.substr(pos, hit - pos);
    out += new_s;
    pos = hit + old_s.size();
  }
  out += s.substr(pos);
  return out;
}

}  // namespace gpuext::helm::internal
