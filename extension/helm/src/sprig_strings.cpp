// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's string functions. Argument order is sprig's: the string being worked on comes last,
// so pipelines read `.Values.x | trimSuffix "-"`.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "gpuext/helm/go_format.h"
#include "sprig_registry.h"
#include "sprig_text.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

std::vector<char32_t> Runes(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    out.push_back(DecodeRune(s, i, w));
    i += w;
  }
  return out;
}

std::string FromRunes(const std::vector<char32_t>& runes) {
  std::string out;
  for (char32_t r : runes) {
    AppendRune(out, r);
  }
  return out;
}

bool InCutset(char32_t r, std::string_view cutset) {
  for (size_t i = 0; i < cutset.size();) {
    size_t w = 0;
    if (DecodeRune(cutset, i, w) == r) {
      return true;
    }
    i += w;
  }
  return false;
}

// strings.Trim / TrimSpace: both take runes off each end while a predicate holds.
template <typename Pred>
std::string TrimRunes(std::string_view s, Pred drop) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t w = 0;
    if (!drop(DecodeRune(s, begin, w))) {
      break;
    }
    begin += w;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    size_t w = 0;
    char32_t r = DecodeRune(s, start, w);
    if (start + w != end) {  // a broken sequence: step back one byte only
      start = end - 1;
      r = 0xFFFD;
    }
    if (!drop(r)) {
      break;
    }
    end = start;
  }
  return std::string(s.substr(begin, end - begin));
}

// strings.Title's word boundary rule.
bool IsTitleSeparator(char32_t r) {
  if (r < 0x80) {
    bool alnum = (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
    return !alnum && r != '_';
  }
  if (IsLetterRune(r) || IsDigitRune(r)) {
    return false;
  }
  return IsSpaceRune(r);
}

std::string Title(std::string_view s) {
  std::string out;
  char32_t prev = ' ';
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    char32_t r = DecodeRune(s, i, w);
    AppendRune(out, IsTitleSeparator(prev) ? ToUpperRune(r) : r);
    prev = r;
    i += w;
  }
  return out;
}

// goutils.Uncapitalize with whitespace delimiters: lower-case each word's first rune.
std::string Untitle(std::string_view s) {
  std::string out;
  bool at_start = true;
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    char32_t r = DecodeRune(s, i, w);
    if (IsSpaceRune(r)) {
      at_start = true;
      AppendRune(out, r);
    } else {
      AppendRune(out, at_start ? ToLowerRune(r) : r);
      at_start = false;
    }
    i += w;
  }
  return out;
}

std::string SwapCase(std::string_view s) {
  return MapRunes(s, [](char32_t r) {
    if (IsUpperRune(r)) {
      return ToLowerRune(r);
    }
    if (IsLowerRune(r)) {
      return ToUpperRune(r);
    }
    return r;
  });
}

std::string Initials(std::string_view s) {
  std::string out;
  bool gap = true;
  for (size_t i = 0; i < s.size();) {
    size_t w = 0;
    char32_t r = DecodeRune(s, i, w);
    if (IsSpaceRune(r)) {
      gap = true;
    } else if (gap) {
      AppendRune(out, r);
      gap = false;
    }
    i += w;
  }
  return out;
}

bool IsConnector(char32_t r) { return r == '-' || r == '_' || IsSpaceRune(r); }

// huandu/xstrings ToCamelCase: connectors (-, _, space) are dropped and capitalise the next
// rune; runs of connectors keep all but the last; leading connectors stay.
std::string CamelCase(std::string_view s) {
  std::vector<char32_t> runes = Runes(s);
  std::string out;
  size_t i = 0;
  while (i < runes.size() && IsConnector(runes[i])) {
    AppendRune(out, runes[i++]);
  }
  if (i == runes.size()) {
    // xstrings writes the last connector once more here: "__" becomes "___".
    if (!runes.empty()) {
      AppendRune(out, runes.back());
    }
    return out;
  }
  char32_t r0 = ToUpperRune(runes[i++]);
  for (; i < runes.size(); ++i) {
    char32_t r1 = r0;
    r0 = runes[i];
    if (IsConnector(r0) && IsConnector(r1)) {
      AppendRune(out, r1);
      continue;
    }
    if (IsConnector(r1)) {
      r0 = ToUpperRune(r0);
    } else {
      AppendRune(out, r1);
    }
  }
  AppendRune(out, r0);
  return out;
}

// huandu/xstrings ToSnakeCase/ToKebabCase: every connector (-, _, space) becomes one
// connector ("  a" -> "__a"); a connector is also added at a lower->upper change, before the
// last capital of a capital run followed by a lower-case letter ("HTTPServer" -> http_server),
// and before digits followed by a lower-case letter ("HTTP2xx" -> http_2xx); other digits stay
// with the word before them ("Bld4Floor" -> bld4_floor). Other punctuation is kept as is.
std::string CasedWords(std::string_view s, char connector) {
  std::vector<char32_t> runes = Runes(s);
  std::string out;
  for (size_t i = 0; i < runes.size(); ++i) {
    char32_t r = runes[i];
    if (IsConnector(r)) {
      out += connector;
      continue;
    }
    char32_t prev = i > 0 ? runes[i - 1] : 0;
    char32_t next = i + 1 < runes.size() ? runes[i + 1] : 0;
    bool boundary = false;
    if (i > 0 && !IsConnector(prev)) {
      if (IsUpperRune(r) && (IsLowerRune(prev) || IsDigitRune(prev))) {
        boundary = true;
      } else if (IsUpperRune(r) && IsUpperRune(prev) && IsLowerRune(next)) {
        boundary = true;
      } else if (IsDigitRune(r) && !IsDigitRune(prev)) {
        size_t j = i;
        while (j < runes.size() && IsDigitRune(runes[j])) {
          ++j;
        }
        boundary = j < runes.size() && IsLowerRune(runes[j]);
      }
    }
    if (boundary) {
      out += connector;
    }
    AppendRune(out, ToLowerRune(r));
  }
  return out;
}

// goutils.WrapCustom: break at the last space that keeps a line within width; a word longer
// than width is cut (wrap_long) or left whole up to the next space.
std::string WrapCustom(std::string_view s, int64_t width, std::string_view newline,
                       bool wrap_long) {
  if (s.empty()) {
    return "";
  }
  if (newline.empty()) {
    newline = "\n";
  }
  size_t w = width < 1 ? 1 : static_cast<size_t>(width);
  size_t offset = 0;
  std::string out;
  while (s.size() - offset > w) {
    if (s[offset] == ' ') {
      ++offset;
      continue;
    }
    std::string_view window = s.substr(offset, w + 1);
    size_t space = window.rfind(' ');
    if (space != std::string_view::npos) {
      out += s.substr(offset, space);
      out += newline;
      offset += space + 1;
    } else if (wrap_long) {
      out += s.substr(offset, w);
      out += newline;
      offset += w;
    } else {
      size_t next = s.find(' ', offset + w);
      if (next == std::string_view::npos) {
        out += s.substr(offset);
        offset = s.size();
      } else {
        out += s.substr(offset, next - offset);
        out += newline;
        offset = next + 1;
      }
    }
  }
  out += s.substr(offset);
  return out;
}

// goutils.AbbreviateFull.
std::string AbbreviateFull(std::string_view s, int64_t offset, int64_t width) {
  int64_t len = static_cast<int64_t>(s.size());
  if (s.empty() || len <= width) {
    return std::string(s);
  }
  offset = std::min(offset, len);
  if (len - offset < width - 3) {
    offset = len - (width - 3);
  }
  if (offset <= 4) {
    return std::string(s.substr(0, static_cast<size_t>(width - 3))) + "...";
  }
  if (width < 7) {
    return std::string(s);  // goutils reports an error here; sprig returns "" then
  }
  if (offset + width - 3 < len) {
    return "..." + AbbreviateFull(s.substr(static_cast<size_t>(offset)), 0, width - 3);
  }
  return "..." + std::string(s.substr(static_cast<size_t>(len - (width - 3))));
}

[[noreturn]] void SliceOutOfRange(std::string detail) {
  throw FunctionError("runtime error: slice bounds out of range " + detail);
}

std::string Substr(int64_t start, int64_t end, const std::string& s) {
  auto len = static_cast<int64_t>(s.size());
  if (start < 0) {
    if (end < 0 || end > len) {
      SliceOutOfRange(end < 0 ? fmt::format("[:{}]", end)
                              : fmt::format("[:{}] with length {}", end, len));
    }
    return s.substr(0, static_cast<size_t>(end));
  }
  if (end < 0 || end > len) {
    if (start > len) {
      SliceOutOfRange(fmt::format("[{}:{}]", start, len));
    }
    return s.substr(static_cast<size_t>(start));
  }
  if (start > end) {
    SliceOutOfRange(fmt::format("[{}:{}]", start, end));
  }
  return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
}

std::string Trunc(int64_t c, const std::string& s) {
  auto len = static_cast<int64_t>(s.size());
  if (c < 0 && len + c > 0) {
    return s.substr(static_cast<size_t>(len + c));
  }
  if (c >= 0 && len > c) {
    return s.substr(0, static_cast<size_t>(c));
  }
  return s;
}

// strings.SplitN(s, sep, n); n < 0 means all.
std::vector<std::string> SplitN(const std::string& s, const std::string& sep, int64_t n) {
  std::vector<std::string> out;
  if (n == 0) {
    return out;
  }
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
        out.push_back(s.substr(i));
        return out;
      }
      size_t w = 0;
      (void)DecodeRune(s, i, w);
      out.push_back(s.substr(i, w));
      i += w;
    }
    return out;
  }
  size_t pos = 0;
  while (n < 0 || static_cast<int64_t>(out.size()) < n - 1) {
    size_t hit = s.find(sep, pos);
    if (hit == std::string::npos) {
      break;
    }
    out.push_back(s.substr(pos, hit - pos));
    pos = hit + sep.size();
  }
  out.push_back(s.substr(pos));
  return out;
}

json SplitMap(const std::vector<std::string>& parts) {
  json out = json::object();
  for (size_t i = 0; i < parts.size(); ++i) {
    out["_" + std::to_string(i)] = parts[i];
  }
  return out;
}

std::string Indent(int64_t spaces, const std::string& s) {
  std::string pad(static_cast<size_t>(std::max<int64_t>(spaces, 0)), ' ');
  return pad + ReplaceAll(s, "\n", "\n" + pad);
}

// A function of two string arguments (a, b) as sprig orders them.
template <typename F>
Function Binary(std::string name, F f) {
  return [name, f](Args args) -> json {
    WantArgs(name, args, 2);
    return f(StringArg(args, 0), StringArg(args, 1));
  };
}

}  // namespace

void AddStringFunctions(FunctionTable& t) {
  t["quote"] = [](Args args) -> json {
    std::string out;
    for (const json& a : args) {
      if (a.is_null()) {
        continue;
      }
      if (!out.empty()) {
        out += ' ';
      }
      json s = Strval(a);
      out += GoSprintf("%q", std::span<const json>(&s, 1));
    }
    return out;
  };
  t["squote"] = [](Args args) -> json {
    std::string out;
    bool first = true;
    for (const json& a : args) {
      if (a.is_null()) {
        continue;
      }
      if (!first) {
        out += ' ';
      }
      first = false;
      out += "'" + Strval(a) + "'";
    }
    return out;
  };
  t["upper"] = Unary("upper", [](const std::string& s) { return MapRunes(s, ToUpperRune); });
  t["lower"] = Unary("lower", [](const std::string& s) { return MapRunes(s, ToLowerRune); });
  t["title"] = Unary("title", [](const std::string& s) { return Title(s); });
  t["untitle"] = Unary("untitle", [](const std::string& s) { return Untitle(s); });
  t["swapcase"] = Unary("swapcase", [](const std::string& s) { return SwapCase(s); });
  t["initials"] = Unary("initials", [](const std::string& s) { return Initials(s); });
  t["camelcase"] = Unary("camelcase", [](const std::string& s) { return CamelCase(s); });
  t["snakecase"] = Unary("snakecase", [](const std::string& s) { return CasedWords(s, '_'); });
  t["kebabcase"] = Unary("kebabcase", [](const std::string& s) { return CasedWords(s, '-'); });
  t["trim"] = Unary("trim", [](const std::string& s) { return TrimRunes(s, IsSpaceRune); });
  t["nospace"] = Unary("nospace", [](const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
      size_t w = 0;
      if (!IsSpaceRune(DecodeRune(s, i, w))) {
        out += s.substr(i, w);
      }
      i += w;
    }
    return out;
  });
  // shuffle: a random permutation of the runes; not deterministic (docs/helm.md).
  t["shuffle"] = Unary("shuffle", [](const std::string& s) {
    std::vector<char32_t> runes = Runes(s);
    std::shuffle(runes.begin(), runes.end(), std::mt19937_64(std::random_device{}()));
    return FromRunes(runes);
  });
  auto trim_all = Binary("trimAll", [](const std::string& cutset, const std::string& s) {
    return TrimRunes(s, [&](char32_t r) { return InCutset(r, cutset); });
  });
  t["trimAll"] = trim_all;
  t["trimall"] = trim_all;
  t["trimPrefix"] = Binary("trimPrefix", [](const std::string& p, const std::string& s) {
    return s.starts_with(p) ? s.substr(p.size()) : s;
  });
  t["trimSuffix"] = Binary("trimSuffix", [](const std::string& p, const std::string& s) {
    return s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s;
  });
  t["contains"] = [](Args args) -> json {
    WantArgs("contains", args, 2);
    return StringArg(args, 1).find(StringArg(args, 0)) != std::string::npos;
  };
  t["hasPrefix"] = [](Args args) -> json {
    WantArgs("hasPrefix", args, 2);
    return StringArg(args, 1).starts_with(StringArg(args, 0));
  };
  t["hasSuffix"] = [](Args args) -> json {
    WantArgs("hasSuffix", args, 2);
    return StringArg(args, 1).ends_with(StringArg(args, 0));
  };
  t["replace"] = [](Args args) -> json {
    WantArgs("replace", args, 3);
    return ReplaceAll(StringArg(args, 2), StringArg(args, 0), StringArg(args, 1));
  };
  t["repeat"] = [](Args args) -> json {
    WantArgs("repeat", args, 2);
    int64_t n = IntArg(args, 0);
    const std::string& s = StringArg(args, 1);
    if (n < 0) {
      throw FunctionError("strings: negative Repeat count");
    }
    std::string out;
    for (int64_t i = 0; i < n; ++i) {
      out += s;
    }
    return out;
  };
  t["substr"] = [](Args args) -> json {
    WantArgs("substr", args, 3);
    return Substr(IntArg(args, 0), IntArg(args, 1), StringArg(args, 2));
  };
  t["trunc"] = [](Args args) -> json {
    WantArgs("trunc", args, 2);
    return Trunc(IntArg(args, 0), StringArg(args, 1));
  };
  t["indent"] = [](Args args) -> json {
    WantArgs("indent", args, 2);
    return Indent(IntArg(args, 0), StringArg(args, 1));
  };
  t["nindent"] = [](Args args) -> json {
    WantArgs("nindent", args, 2);
    return "\n" + Indent(IntArg(args, 0), StringArg(args, 1));
  };
  t["wrap"] = [](Args args) -> json {
    WantArgs("wrap", args, 2);
    return WrapCustom(StringArg(args, 1), IntArg(args, 0), "\n", false);
  };
  t["wrapWith"] = [](Args args) -> json {
    WantArgs("wrapWith", args, 3);
    return WrapCustom(StringArg(args, 2), IntArg(args, 0), StringArg(args, 1), true);
  };
  t["abbrev"] = [](Args args) -> json {
    WantArgs("abbrev", args, 2);
    int64_t width = IntArg(args, 0);
    const std::string& s = StringArg(args, 1);
    return width < 4 ? s : AbbreviateFull(s, 0, width);
  };
  t["abbrevboth"] = [](Args args) -> json {
    WantArgs("abbrevboth", args, 3);
    int64_t left = IntArg(args, 0);
    int64_t right = IntArg(args, 1);
    const std::string& s = StringArg(args, 2);
    if (right < 4 || (left > 0 && right < 7)) {
      return s;
    }
    return AbbreviateFull(s, left, right);
  };
  t["plural"] = [](Args args) -> json {
    WantArgs("plural", args, 3);
    const std::string& one = StringArg(args, 0);
    const std::string& many = StringArg(args, 1);
    return IntArg(args, 2) == 1 ? one : many;
  };
  t["cat"] = [](Args args) -> json {
    std::string out;
    bool first = true;
    for (const json& a : args) {
      if (a.is_null()) {
        continue;
      }
      if (!first) {
        out += ' ';
      }
      first = false;
      out += FormatGoValue(a);
    }
    return out;
  };
  t["splitList"] = [](Args args) -> json {
    WantArgs("splitList", args, 2);
    return SplitN(StringArg(args, 1), StringArg(args, 0), -1);
  };
  t["split"] = [](Args args) -> json {
    WantArgs("split", args, 2);
    return SplitMap(SplitN(StringArg(args, 1), StringArg(args, 0), -1));
  };
  t["splitn"] = [](Args args) -> json {
    WantArgs("splitn", args, 3);
    return SplitMap(SplitN(StringArg(args, 2), StringArg(args, 0), IntArg(args, 1)));
  };
  t["join"] = [](Args args) -> json {
    WantArgs("join", args, 2);
    const std::string& sep = StringArg(args, 0);
    std::string out;
    bool first = true;
    for (const json& s : StrSlice(args[1])) {
      if (!first) {
        out += sep;
      }
      first = false;
      out += s.get_ref<const std::string&>();
    }
    return out;
  };
  t["sortAlpha"] = [](Args args) -> json {
    WantArgs("sortAlpha", args, 1);
    if (!args[0].is_array()) {
      return json::array({Strval(args[0])});
    }
    std::vector<std::string> items = StrSlice(args[0]).get<std::vector<std::string>>();
    std::sort(items.begin(), items.end());
    return items;
  };
  t["toString"] = [](Args args) -> json {
    WantArgs("toString", args, 1);
    return Strval(args[0]);
  };
  t["toStrings"] = [](Args args) -> json {
    WantArgs("toStrings", args, 1);
    return StrSlice(args[0]);
  };
}

}  // namespace gpuext::helm::internal
