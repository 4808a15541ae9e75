// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// fmt.Sprintf for JSON values standing for Go data: verbs, flags, width, precision and Go's
// in-band error texts (%!d(string=x), %!s(MISSING), %!(EXTRA ...)).

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "go_format_internal.h"
#include "gpuext/helm/go_format.h"
#include "sprig_text.h"

namespace gpuext::helm {
namespace {

using internal::AppendRune;

using nlohmann::json;

struct Spec {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  int width = -1, prec = -1;
  char verb = 'v';
};

size_t RuneCount(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80)
      ++n;
  }
  return n;
}

// Pads to the width with spaces (or zeros after any sign when zero_ok).
std::string Pad(std::string s, const Spec& spec, bool zero_ok) {
  if (spec.width < 0)
    return s;
  size_t n = RuneCount(s);
  if (n >= static_cast<size_t>(spec.width))
    return s;
  size_t fill = static_cast<size_t>(spec.width) - n;
  if (spec.minus)
    return s + std::string(fill, ' ');
  if (spec.zero && zero_ok) {
    size_t at = (!s.empty() && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) ? 1 : 0;
    if (s.compare(at, 2, "0x") == 0 || s.compare(at, 2, "0X") == 0)
      at += 2;
    s.insert(at, fill, '0');
    return s;
  }
  return std::string(fill, ' ') + s;
}

std::string QuoteRuneBody(uint32_t r, char quote, bool ascii_only) {
  switch (r) {
    case '\a':
      return "\\a";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\v':
      return "\\v";
    case '\\':
      return "\\\\";
    default:
      break;
  }
  if (r == static_cast<uint32_t>(quote))
    return std::string("\\") + quote;
  char buf[16];
  if (r < 0x20 || r == 0x7F) {
    std::snprintf(buf, sizeof(buf), "\\x%02x", r);
    return buf;
  }
  if (r < 0x80 || !ascii_only) {
    std::string out;
    AppendRune(out, r);
    return out;
  }
  if (r < 0x10000) {
    std::snprintf(buf, sizeof(buf), "\\u%04x", r);
  } else {
    std::snprintf(buf, sizeof(buf), "\\U%08x", r);
  }
  return buf;
}

// Decodes one rune at s[i]; returns 0xFFFFFFFF with len 1 for an invalid byte.
uint32_t DecodeRune(const std::string& s, size_t i, size_t& len) {
  auto c = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  len = 1;
  if (c < 0x80)
    return c;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2 && cont(1)) {
    len = 2;
    return ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
  }
  if ((c & 0xF0) == 0xE0 && cont(1) && cont(2)) {
    len = 3;
    return ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
  }
  if ((c & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
    len = 4;
    return ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
  }
  return 0xFFFFFFFF;
}

std::string GoQuote(const std::string& s, bool ascii_only) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    uint32_t r = DecodeRune(s, i, len);
    if (r == 0xFFFFFFFF) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(s[i]));
      out += buf;
    } else {
      out += QuoteRuneBody(r, '"', ascii_only);
    }
    i += len;
  }
  return out + "\"";
}

std::string BadVerb(const json& v, char verb) {
  std::string out = "%!";
  out += verb;
  out += '(';
  if (v.is_null())
    return out + "<nil>)";
  return out + GoTypeName(v) + "=" + FormatGoValue(v) + ")";
}

std::string FormatUnsignedDigits(uint64_t u, int base, bool upper) {
  const char* d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  if (u == 0)
    return "0";
  std::string s;
  while (u > 0) {
    s.insert(s.begin(), d[u % static_cast<uint64_t>(base)]);
    u /= static_cast<uint64_t>(base);
  }
  return s;
}

std::string FormatInteger(bool neg, uint64_t mag, const Spec& spec) {
  int base = 10;
  bool upper = false;
  std::string prefix;
  switch (spec.verb) {
    case 'd':
    case 'v':
      base = 10;
      break;
    case 'b':
      base = 2;
      if (spec.sharp)
        prefix = "0b";
      break;
    case 'o':
      base = 8;
      if (spec.sharp)
        prefix = "0";
      break;
    case 'O':
      base = 8;
      prefix = "0o";
      break;
    case 'x':
      base = 16;
      if (spec.sharp)
        prefix = "0x";
      break;
    case 'X':
      base = 16;
      upper = true;
      if (spec.sharp)
        prefix = "0X";
      break;
    default:
      break;
  }
  std::string digits = FormatUnsignedDigits(mag, base, upper);
  if (spec.prec >= 0) {
    if (spec.prec == 0 && mag == 0)
      digits.clear();
    while (digits.size() < static_cast<size_t>(spec.prec))
      digits.insert(digits.begin(), '0');
  }
  if (prefix == "0" && !digits.empty() && digits[0] == '0')
    prefix.clear();
  std::string sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  std::string s = sign + prefix + digits;
  // Go ignores the 0 flag when a precision is given for integers.
  Spec pad = spec;
  if (spec.prec >= 0)
    pad.zero = false;
  if (pad.zero && pad.width >= 0 && !pad.minus) {
    size_t n = RuneCount(s);
    if (n < static_cast<size_t>(pad.width))
      s.insert(sign.size() + prefix.size(), static_cast<size_t>(pad.width) - n, '0');
    return s;
  }
  return Pad(s, pad, false);
}

std::string FormatFloat(double f, const Spec& spec) {
  char verb = spec.verb;
  std::string s;
  if (std::isnan(f) || std::isinf(f)) {
    s = std::isnan(f) ? "NaN" : (f > 0 ? "+Inf" : "-Inf");
    if (std::isinf(f) && f > 0 && !spec.plus)
      s = spec.space ? " Inf" : "+Inf";
    if (std::isnan(f) && (spec.plus || spec.space))
      s = (spec.plus ? "+" : " ") + s;
    if (std::isinf(f) && f > 0 && !spec.plus && !spec.space)
      s = "+Inf";
    Spec pad = spec;
    pad.zero = false;
    return Pad(s, pad, false);
  }
  if ((verb == 'v' || verb == 'g' || verb == 'G') && spec.prec < 0) {
    s = FormatGoFloat(f);
    if (verb == 'G') {
      for (auto& c : s) {
        if (c == 'e')
          c = 'E';
      }
    }
  } else {
    char fmt[16];
    char cv = verb == 'v' ? 'g' : verb;
    if (cv == 'F')
      cv = 'f';
    int prec = spec.prec >= 0 ? spec.prec : 6;
    std::snprintf(fmt, sizeof(fmt), "%%%s.*%c", spec.sharp ? "#" : "", cv);
    char buf[512];
    std::snprintf(buf, sizeof(buf), fmt, prec, f);
    s = buf;
  }
  if (s[0] != '-') {
    if (spec.plus) {
      s = "+" + s;
    } else if (spec.space) {
      s = " " + s;
    }
  }
  return Pad(s, spec, true);
}

std::string FormatString(const std::string& str, const Spec& spec) {
  switch (spec.verb) {
    case 'v':
    case 's': {
      std::string s = str;
      if (spec.prec >= 0) {
        size_t i = 0, runes = 0;
        while (i < s.size() && runes < static_cast<size_t>(spec.prec)) {
          size_t len = 0;
          DecodeRune(s, i, len);
          i += len;
          ++runes;
        }
        s.resize(i);
      }
      return Pad(s, spec, true);
    }
    case 'q': {
      if (spec.sharp && str.find('`') == std::string::npos) {
        bool ok = true;
        for (unsigned char c : str) {
          if ((c < 0x20 && c != '\t') || c == 0x7F)
            ok = false;
        }
        if (ok)
          return Pad("`" + str + "`", spec, false);
      }
      return Pad(GoQuote(str, spec.plus), spec, false);
    }
    case 'x':
    case 'X': {
      std::string s;
      const char* d = spec.verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
      size_t n = str.size();
      if (spec.prec >= 0 && static_cast<size_t>(spec.prec) < n)
        n = static_cast<size_t>(spec.prec);
      for (size_t i = 0; i < n; ++i) {
        if (spec.space && i > 0)
          s += ' ';
        if (spec.sharp && (spec.space || i == 0))
          s += spec.verb == 'x' ? "0x" : "0X";
        auto c = static_cast<unsigned char>(str[i]);
        s += d[c >> 4];
        s += d[c & 0xF];
      }
      return Pad(s, spec, false);
    }
    default:
      return BadVerb(json(str), spec.verb);
  }
}

std::string FormatOne(const json& v, const Spec& spec);

std::string FormatComposite(const json& v, const Spec& spec) {
  std::string out;
  if (v.is_array()) {
    out = "[";
    bool first = true;
    for (const auto& e : v) {
      if (!first)
        out += ' ';
      first = false;
      out += FormatOne(e, spec);
    }
    return out + "]";
  }
  out = "map[";
  bool first = true;
  for (const auto& [k, e] : v.items()) {
    if (!first)
      out += ' ';
    first = false;
    out += FormatOne(json(k), spec);
    out += ':';
    out += FormatOne(e, spec);
  }
  return out + "]";
}

// %#v: Go syntax. Inside a container a nil element is a typed nil, at the top fmt prints
// <nil>; map keys in sorted order, as fmt sorts them.
std::string FormatGoSyntax(const json& v, bool nested) {
  switch (v.type()) {
    case json::value_t::null:
      return nested ? "interface {}(nil)" : "<nil>";
    case json::value_t::string:
      return GoQuote(v.get_ref<const std::string&>(), false);
    case json::value_t::array: {
      std::string out = "[]interface {}{";
      for (size_t i = 0; i < v.size(); ++i)
        out += (i > 0 ? ", " : "") + FormatGoSyntax(v[i], true);
      return out + "}";
    }
    case json::value_t::object: {
      std::string out = "map[string]interface {}{";
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        out += (first ? "" : ", ") + GoQuote(k, false) + ":" + FormatGoSyntax(e, true);
        first = false;
      }
      return out + "}";
    }
    default: {
      Spec plain;
      plain.verb = 'v';
      return FormatOne(v, plain);
    }
  }
}

std::string FormatOne(const json& v, const Spec& spec) {
  if (spec.verb == 'T')
    return Pad(GoTypeName(v), spec, false);
  if (spec.verb == 'v' && spec.sharp)
    return Pad(FormatGoSyntax(v, false), spec, false);
  switch (v.type()) {
    case json::value_t::null:
      if (spec.verb == 'v')
        return Pad("<nil>", spec, false);
      return BadVerb(v, spec.verb);
    case json::value_t::boolean:
      if (spec.verb == 'v' || spec.verb == 't')
        return Pad(v.get<bool>() ? "true" : "false", spec, false);
      return BadVerb(v, spec.verb);
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      bool neg = v.is_number_integer() && v.get<int64_t>() < 0;
      uint64_t mag = v.is_number_unsigned() ? v.get<uint64_t>()
                     : neg                  ? static_cast<uint64_t>(-(v.get<int64_t>() + 1)) + 1
                                            : static_cast<uint64_t>(v.get<int64_t>());
      switch (spec.verb) {
        case 'v':
        case 'd':
        case 'b':
        case 'o':
        case 'O':
        case 'x':
        case 'X':
          return FormatInteger(neg, mag, spec);
        case 'c': {
          std::string s;
          AppendRune(s, neg ? 0xFFFD : static_cast<uint32_t>(mag > 0x10FFFF ? 0xFFFD : mag));
          return Pad(s, spec, false);
        }
        case 'q': {
          uint32_t r = neg || mag > 0x10FFFF ? 0xFFFD : static_cast<uint32_t>(mag);
          return Pad("'" + QuoteRuneBody(r, '\'', spec.plus) + "'", spec, false);
        }
        case 'U': {
          char buf[32];
          std::snprintf(buf, sizeof(buf), "U+%04llX", static_cast<unsigned long long>(mag));
          std::string s = buf;
          if (spec.sharp && mag <= 0x10FFFF) {
            s += " '";
            AppendRune(s, static_cast<uint32_t>(mag));
            s += "'";
          }
          return Pad(s, spec, false);
        }
        default:
          return BadVerb(v, spec.verb);
      }
    }
    case json::value_t::number_float:
      switch (spec.verb) {
        case 'v':
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
          return FormatFloat(v.get<double>(), spec);
        default:
          return BadVerb(v, spec.verb);
      }
    case json::value_t::string:
      return FormatString(v.get_ref<const std::string&>(), spec);
    case json::value_t::array:
    case json::value_t::object:
      return Pad(FormatComposite(v, spec), spec, false);
    default:
      return BadVerb(v, spec.verb);
  }
}

// Reads a decimal number at format[i]; returns -1 when there is none.
int ReadNumber(std::string_view format, size_t& i) {
  if (i >= format.size() || format[i] < '0' || format[i] > '9')
    return -1;
  int n = 0;
  while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
    n = n * 10 + (format[i] - '0');
    if (n > 1000000)
      n = 1000000;
    ++i;
  }
  return n;
}

}  // namespace

std::string GoSprintf(std::string_view format, std::span<const json> args) {
  std::string out;
  size_t argi = 0;
  bool reordered = false;
  for (size_t i = 0; i < format.size();) {
    if (format[i] != '%') {
      size_t j = format.find('%', i);
      if (j == std::string_view::npos)
        j = format.size();
      out.append(format.substr(i, j - i));
      i = j;
      continue;
    }
    ++i;
    Spec spec;
    for (; i < format.size(); ++i) {
      char c = format[i];
      if (c == '-') {
        spec.minus = true;
        spec.zero = false;
      } else if (c == '+') {
        spec.plus = true;
      } else if (c == '#') {
        spec.sharp = true;
      } else if (c == ' ') {
        spec.space = true;
      } else if (c == '0') {
        spec.zero = !spec.minus;
      } else {
        break;
      }
    }
    bool bad_width = false, bad_prec = false, bad_index = false;
    // An explicit argument index [n] (1-based) chooses the next operand.
    auto arg_index = [&]() {
      if (i >= format.size() || format[i] != '[')
        return;
      reordered = true;
      size_t close = format.find(']', i);
      if (close == std::string_view::npos) {
        bad_index = true;
        i = format.size();
        return;
      }
      size_t j = i + 1;
      int n = ReadNumber(format, j);
      if (j != close || n < 1 || static_cast<size_t>(n) > args.size()) {
        bad_index = true;
      } else {
        argi = static_cast<size_t>(n - 1);
      }
      i = close + 1;
    };
    arg_index();
    if (i < format.size() && format[i] == '*') {
      ++i;
      if (argi < args.size() && args[argi].is_number_integer()) {
        auto w = args[argi].get<int64_t>();
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
          w = -w;
        }
        spec.width = static_cast<int>(w);
      } else {
        bad_width = true;
      }
      ++argi;
    } else {
      spec.width = ReadNumber(format, i);
    }
    if (i < format.size() && format[i] == '.') {
      ++i;
      arg_index();
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (argi < args.size() && args[argi].is_number_integer() &&
            args[argi].get<int64_t>() >= 0) {
          spec.prec = static_cast<int>(args[argi].get<int64_t>());
        } else {
          bad_prec = true;
        }
        ++argi;
      } else {
        spec.prec = ReadNumber(format, i);
        if (spec.prec < 0)
          spec.prec = 0;
      }
    }
    arg_index();
    if (bad_width)
      out += "%!(BADWIDTH)";
    if (bad_prec)
      out += "%!(BADPREC)";
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    size_t len = 0;
    std::string fs(format);
    uint32_t verb = DecodeRune(fs, i, len);
    i += len;
    if (verb == '%') {
      out += '%';
      continue;
    }
    std::string verb_text = fs.substr(i - len, len);
    if (bad_index) {
      out += "%!" + verb_text + "(BADINDEX)";
      continue;
    }
    if (argi >= args.size()) {
      out += "%!" + verb_text + "(MISSING)";
      continue;
    }
    const json& arg = args[argi++];
    if (verb > 0x7F) {
      out += "%!" + verb_text + "(" +
             (arg.is_null() ? "<nil>" : GoTypeName(arg) + "=" + FormatGoValue(arg)) + ")";
      continue;
    }
    spec.verb = static_cast<char>(verb);
    out += FormatOne(arg, spec);
  }
  if (!reordered && argi < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = argi; k < args.size(); ++k) {
      if (k > argi)
        out += ", ";
      out += args[k].is_null() ? "<nil>" : GoTypeName(args[k]) + "=" + FormatGoValue(args[k]);
    }
    out += ")";
  }
  return out;
}

}  // namespace gpuext::helm
