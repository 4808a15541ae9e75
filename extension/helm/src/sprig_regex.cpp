// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's regex functions on RE2, whose syntax is Go's regexp syntax. The iteration rules
// (empty matches, replacement templates, Split) follow Go's regexp package, which differs from
// RE2's own GlobalReplace in where empty matches may occur.
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "sprig_registry.h"
#include "sprig_text.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

// Go's regexp/syntax wording for RE2's error codes.
std::string GoErrorCode(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case RE2::ErrorBadCharClass:
      return "invalid character class";
    case RE2::ErrorBadCharRange:
      return "invalid character class range";
    case RE2::ErrorMissingBracket:
      return "missing closing ]";
    case RE2::ErrorMissingParen:
      return "missing closing )";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    default:
      return "invalid regexp";
  }
}

// A compiled pattern, or nullptr with Go's error text ("error parsing regexp: missing closing
// ): `(`") in error. The must* functions return that text as their error; the plain ones use
// regexp.MustCompile, whose panic adds "regexp: Compile(`<pattern>`): " in front.
std::unique_ptr<RE2> TryCompile(const std::string& pattern, std::string& error) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    error =
        "error parsing regexp: " + GoErrorCode(re->error_code()) + ": `" + re->error_arg() + "`";
    return nullptr;
  }
  return re;
}

std::unique_ptr<RE2> Compile(const std::string& pattern, bool must) {
  std::string error;
  auto re = TryCompile(pattern, error);
  if (re == nullptr) {
    throw FunctionError(must ? error : "regexp: Compile(`" + pattern + "`): " + error);
  }
  return re;
}

// One match at or after pos: byte offsets of the whole match and every group (-1 if unset).
bool MatchAt(const RE2& re, std::string_view s, size_t pos, std::vector<int64_t>& loc) {
  int groups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups));
  if (!re.Match(re2::StringPiece(s.data(), s.size()), pos, s.size(), RE2::UNANCHORED, sub.data(),
                groups)) {
    return false;
  }
  loc.assign(static_cast<size_t>(groups) * 2, -1);
  for (size_t g = 0; g < sub.size(); ++g) {
    if (sub[g].data() != nullptr) {
      loc[2 * g] = sub[g].data() - s.data();
      loc[2 * g + 1] = loc[2 * g] + static_cast<int64_t>(sub[g].size());
    }
  }
  return true;
}

size_t RuneWidthAt(std::string_view s, size_t pos) {
  if (pos >= s.size()) {
    return 1;
  }
  size_t w = 0;
  (void)DecodeRune(s, pos, w);
  return w;
}

// regexp.FindAllStringSubmatchIndex(s, n): an empty match right after the previous match is
// skipped; n < 0 means all.
std::vector<std::vector<int64_t>> FindAll(const RE2& re, std::string_view s, int64_t n) {
  std::vector<std::vector<int64_t>> out;
  if (n < 0) {
    n = static_cast<int64_t>(s.size()) + 1;
  }
  size_t pos = 0;
  int64_t prev_end = -1;
  std::vector<int64_t> loc;
  while (static_cast<int64_t>(out.size()) < n && pos <= s.size()) {
    if (!MatchAt(re, s, pos, loc)) {
      break;
    }
    bool accept = true;
    if (loc[1] == static_cast<int64_t>(pos)) {
      if (loc[0] == prev_end) {
        accept = false;
      }
      pos += RuneWidthAt(s, pos);
    } else {
      pos = static_cast<size_t>(loc[1]);
    }
    prev_end = loc[1];
    if (accept) {
      out.push_back(loc);
    }
  }
  return out;
}

// Regexp.Expand's template: $1, ${1}, $name, ${name}, $$; a malformed reference is literal.
void Expand(const RE2& re, std::string_view tmpl, std::string_view s,
            const std::vector<int64_t>& loc, std::string& out) {
  const auto& names = re.CapturingGroupNames();  // group index -> name
  auto group_text = [&](int64_t g) {
    if (g >= 0 && static_cast<size_t>(2 * g + 1) < loc.size() && loc[2 * g] >= 0) {
      out += s.substr(static_cast<size_t>(loc[2 * g]),
                      static_cast<size_t>(loc[2 * g + 1] - loc[2 * g]));
    }
  };
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t dollar = tmpl.find('$', i);
    if (dollar == std::string_view::npos) {
      break;
    }
    out += tmpl.substr(i, dollar - i);
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out += '$';
      ++i;
      continue;
    }
    bool brace = i < tmpl.size() && tmpl[i] == '{';
    size_t j = brace ? i + 1 : i;
    size_t name_begin = j;
    while (j < tmpl.size()) {
      size_t w = 0;
      char32_t r = DecodeRune(tmpl, j, w);
      if (!(r == '_' || IsLetterRune(r) || IsDigitRune(r))) {
        break;
      }
      j += w;
    }
    std::string_view name = tmpl.substr(name_begin, j - name_begin);
    if (name.empty() || (brace && (j >= tmpl.size() || tmpl[j] != '}'))) {
      out += '$';  // malformed: keep the dollar, go on after it
      continue;
    }
    i = brace ? j + 1 : j;
    int64_t num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (num >= 0) {
      group_text(num);
      continue;
    }
    for (const auto& [index, group_name] : names) {
      if (group_name == name) {
        group_text(index);
        break;
      }
    }
  }
  out += tmpl.substr(i);
}

// regexp.ReplaceAllString / ReplaceAllLiteralString.
std::string RegexReplaceAll(const RE2& re, std::string_view s, std::string_view repl,
                            bool literal) {
  std::string out;
  size_t last_end = 0;
  size_t pos = 0;
  std::vector<int64_t> loc;
  while (pos <= s.size()) {
    if (!MatchAt(re, s, pos, loc)) {
      break;
    }
    auto begin = static_cast<size_t>(loc[0]);
    auto end = static_cast<size_t>(loc[1]);
    out += s.substr(last_end, begin - last_end);
    // No replacement for an empty match right after another match.
    if (end > last_end || begin == 0) {
      if (literal) {
        out += repl;
      } else {
        Expand(re, repl, s, loc, out);
      }
    }
    last_end = end;
    size_t width = RuneWidthAt(s, pos);
    if (pos + width > end) {
      pos += width;
    } else if (pos + 1 > end) {
      ++pos;
    } else {
      pos = end;
    }
  }
  out += s.substr(std::min(last_end, s.size()));
  return out;
}

// regexp.Split(s, n).
json Split(const RE2& re, const std::string& pattern, std::string_view s, int64_t n) {
  json out = json::array();
  if (n == 0) {
    return out;
  }
  if (!pattern.empty() && s.empty()) {
    out.push_back("");
    return out;
  }
  size_t begin = 0;
  size_t end = 0;
  for (const auto& m : FindAll(re, s, n)) {
    if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
      break;
    }
    end = static_cast<size_t>(m[0]);
    if (m[1] != 0) {
      out.push_back(std::string(s.substr(begin, end - begin)));
    }
    begin = static_cast<size_t>(m[1]);
  }
  if (end != s.size()) {
    out.push_back(std::string(s.substr(begin)));
  }
  return out;
}

// regexp.QuoteMeta: backslash before every byte of \.+*?()|[]{}^$
std::string QuoteMeta(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(R"(\.+*?()|[]{}^$)").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

void AddBoth(FunctionTable& t, const std::string& name, size_t nargs,
             json (*body)(const RE2&, const std::string&, Args)) {
  for (bool must : {false, true}) {
    std::string fname = must ? "mustR" + name.substr(1) : name;
    t[fname] = [fname, nargs, body, must](Args args) -> json {
      WantArgs(fname, args, nargs);
      const std::string& pattern = StringArg(args, 0);
      auto re = Compile(pattern, must);
      return body(*re, pattern, args);
    };
  }
}

}  // namespace

void AddRegexFunctions(FunctionTable& t) {
  AddBoth(t, "regexMatch", 2, [](const RE2& re, const std::string&, Args args) -> json {
    std::vector<int64_t> loc;
    return MatchAt(re, StringArg(args, 1), 0, loc);
  });
  // Unlike its siblings, regexMatch uses regexp.MatchString and drops the compile error: a bad
  // pattern simply does not match.
  t["regexMatch"] = [](Args args) -> json {
    WantArgs("regexMatch", args, 2);
    std::string error;
    auto re = TryCompile(StringArg(args, 0), error);
    std::vector<int64_t> loc;
    return re != nullptr && MatchAt(*re, StringArg(args, 1), 0, loc);
  };
  AddBoth(t, "regexFind", 2, [](const RE2& re, const std::string&, Args args) -> json {
    const std::string& s = StringArg(args, 1);
    std::vector<int64_t> loc;
    if (!MatchAt(re, s, 0, loc)) {
      return "";
    }
    return s.substr(static_cast<size_t>(loc[0]), static_cast<size_t>(loc[1] - loc[0]));
  });
  AddBoth(t, "regexFindAll", 3, [](const RE2& re, const std::string&, Args args) -> json {
    const std::string& s = StringArg(args, 1);
    json out = json::array();
    for (const auto& m : FindAll(re, s, IntArg(args, 2))) {
      out.push_back(s.substr(static_cast<size_t>(m[0]), static_cast<size_t>(m[1] - m[0])));
    }
    return out;
  });
  AddBoth(t, "regexReplaceAll", 3, [](const RE2& re, const std::string&, Args args) -> json {
    return RegexReplaceAll(re, StringArg(args, 1), StringArg(args, 2), false);
  });
  AddBoth(t, "regexReplaceAllLiteral", 3, [](const RE2& re, const std::string&, Args args) -> json {
    return RegexReplaceAll(re, StringArg(args, 1), StringArg(args, 2), true);
  });
  AddBoth(t, "regexSplit", 3, [](const RE2& re, const std::string& pattern, Args args) -> json {
    return Split(re, pattern, StringArg(args, 1), IntArg(args, 2));
  });
  t["regexQuoteMeta"] = [](Args args) -> json {
    WantArgs("regexQuoteMeta", args, 1);
    return QuoteMeta(StringArg(args, 0));
  };
}

}  // namespace gpuext::helm::internal
