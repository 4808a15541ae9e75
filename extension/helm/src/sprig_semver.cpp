// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Masterminds/semver v3 versions and constraints (gpuext/helm/semver.h), and the sprig
// functions semver and semverCompare on top of them.
#include <charconv>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "gpuext/error.h"
#include "gpuext/helm/semver.h"
#include "sprig_registry.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

// Masterminds' version pattern for constraints: x, X and * are wildcards in any position.
constexpr std::string_view kConstraintVersion =
    R"(v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+))"
    R"(?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";
// Longer operators first so an unanchored search prefers ">=" over ">".
constexpr std::string_view kOps = R"(!=|>=|=>|<=|=<|~>|=|>|<|~|\^|)";

const RE2& VersionRe() {
  static const RE2 re(R"(^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
                      R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$)");
  return re;
}

const RE2& RangeRe() {
  static const RE2 re(std::string(R"(\s*()") + std::string(kConstraintVersion) + R"()\s+-\s+()" +
                      std::string(kConstraintVersion) + R"()\s*)");
  return re;
}

const RE2& ValidRe() {
  static const RE2 re(std::string(R"(^(\s*()") + std::string(kOps) + R"()\s*()" +
                      std::string(kConstraintVersion) + R"()\s*\,?)+$)");
  return re;
}

const RE2& FindRe() {
  static const RE2 re(std::string("((") + std::string(kOps) + R"()\s*()" +
                      std::string(kConstraintVersion) + "))");
  return re;
}

const RE2& ConstraintRe() {
  static const RE2 re(std::string(R"(^\s*()") + std::string(kOps) + R"()\s*()" +
                      std::string(kConstraintVersion) + R"()\s*$)");
  return re;
}

[[noreturn]] void Invalid(const std::string& msg) { throw Error(ErrorCode::kInvalidArgument, msg); }

uint64_t ParseNumber(std::string_view digits) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    Invalid("invalid semantic version");
  }
  return v;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Masterminds' comparePrePart: numbers compare numerically and sort before words; a missing
// part sorts first.
int ComparePrePart(const std::string& s, const std::string& o) {
  if (s == o) {
    return 0;
  }
  if (s.empty()) {
    return -1;
  }
  if (o.empty()) {
    return 1;
  }
  bool sn = AllDigits(s);
  bool on = AllDigits(o);
  if (!sn && !on) {
    return s > o ? 1 : -1;
  }
  if (!sn) {
    return 1;
  }
  if (!on) {
    return -1;
  }
  return ParseNumber(s) > ParseNumber(o) ? 1 : -1;
}

std::vector<std::string> SplitDots(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t dot = s.find('.', pos);
    out.push_back(s.substr(pos, dot - pos));
    if (dot == std::string::npos) {
      return out;
    }
    pos = dot + 1;
  }
}

int ComparePrerelease(const std::string& a, const std::string& b) {
  if (a == b) {
    return 0;
  }
  if (a.empty()) {
    return 1;
  }
  if (b.empty()) {
    return -1;
  }
  auto ap = SplitDots(a);
  auto bp = SplitDots(b);
  for (size_t i = 0; i < std::max(ap.size(), bp.size()); ++i) {
    int d = ComparePrePart(i < ap.size() ? ap[i] : "", i < bp.size() ? bp[i] : "");
    if (d != 0) {
      return d;
    }
  }
  return 0;
}

bool IsWildcard(std::string_view s) { return s == "x" || s == "X" || s == "*"; }

struct Constraint {
  std::string op;
  SemVersion con;
  bool dirty = false;
  bool minor_dirty = false;
  bool patch_dirty = false;
};

Constraint ParseConstraint(const std::string& text) {
  std::string op;
  std::string whole;
  std::string major;
  std::string minor;
  std::string patch;
  std::string pre;  // "-..." including the dash
  if (!RE2::FullMatch(text, ConstraintRe(), &op, &whole, &major, &minor, &patch, &pre)) {
    Invalid("improper constraint: " + text);
  }
  Constraint c;
  c.op = op;
  std::string ver = whole;
  std::string minor_digits = minor.empty() ? "" : minor.substr(1);
  std::string patch_digits = patch.empty() ? "" : patch.substr(1);
  if (IsWildcard(major) || major.empty()) {
    ver = "0.0.0" + pre;
    c.dirty = true;
  } else if (IsWildcard(minor_digits) || minor.empty()) {
    ver = major + ".0.0" + pre;
    c.dirty = true;
    c.minor_dirty = true;
  } else if (IsWildcard(patch_digits) || patch.empty()) {
    ver = major + minor + ".0" + pre;
    c.dirty = true;
    c.patch_dirty = true;
  }
  try {
    c.con = ParseSemVersion(ver);
  } catch (const Error&) {
    Invalid("constraint parser error");
  }
  return c;
}

bool Check(const Constraint& c, const SemVersion& v) {
  const SemVersion& k = c.con;
  // A prerelease version only matches constraints that themselves name a prerelease.
  bool pre_blocked = !v.prerelease.empty() && k.prerelease.empty();
  int cmp = CompareSemVersions(v, k);
  auto tilde = [&] {
    if (pre_blocked || cmp < 0) {
      return false;
    }
    if (k.major == 0 && k.minor == 0 && k.patch == 0 && !c.minor_dirty && !c.patch_dirty) {
      return true;
    }
    if (v.major != k.major) {
      return false;
    }
    return v.minor == k.minor || c.minor_dirty;
  };
  if (c.op.empty() || c.op == "=") {
    if (pre_blocked) {
      return false;
    }
    return c.dirty ? tilde() : cmp == 0;
  }
  if (c.op == "!=") {
    if (c.dirty) {
      if (pre_blocked) {
        return false;
      }
      if (k.major != v.major) {
        return true;
      }
      if (k.minor != v.minor && !c.minor_dirty) {
        return true;
      }
      if (c.minor_dirty) {
        return false;
      }
      if (k.patch != v.patch && !c.patch_dirty) {
        return true;
      }
      if (c.patch_dirty) {
        if (!v.prerelease.empty() || !k.prerelease.empty()) {
          return ComparePrerelease(v.prerelease, k.prerelease) != 0;
        }
        return false;
      }
    }
    return cmp != 0;
  }
  if (pre_blocked) {
    return false;
  }
  if (c.op == ">") {
    if (!c.dirty) {
      return cmp > 0;
    }
    if (v.major != k.major) {
      return v.major > k.major;
    }
    if (c.minor_dirty) {
      return false;
    }
    if (c.patch_dirty) {
      return v.minor > k.minor;
    }
    return cmp > 0;
  }
  if (c.op == "<") {
    return cmp < 0;
  }
  if (c.op == ">=" || c.op == "=>") {
    return cmp >= 0;
  }
  if (c.op == "<=" || c.op == "=<") {
    if (!c.dirty) {
      return cmp <= 0;
    }
    if (v.major > k.major) {
      return false;
    }
    return !(v.major == k.major && v.minor > k.minor && !c.minor_dirty);
  }
  if (c.op == "~" || c.op == "~>") {
    return tilde();
  }
  // "^"
  if (cmp < 0) {
    return false;
  }
  if (k.major > 0 || c.minor_dirty) {
    return v.major == k.major;
  }
  if (v.major > 0) {
    return false;
  }
  if (k.minor > 0 || c.patch_dirty) {
    return v.minor == k.minor;
  }
  if (v.minor > 0) {
    return false;
  }
  return v.patch == k.patch;
}

// Masterminds' rewriteRange: "a - b" becomes ">= a, <= b ".
std::string RewriteRanges(std::string text) {
  re2::StringPiece input(text);
  std::vector<std::pair<std::string, std::string>> rewrites;
  const RE2& re = RangeRe();
  int groups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(static_cast<size_t>(groups));
  size_t pos = 0;
  while (pos <= text.size() &&
         re.Match(input, pos, text.size(), RE2::UNANCHORED, sub.data(), groups)) {
    rewrites.emplace_back(std::string(sub[0]),
                          ">= " + std::string(sub[1]) + ", <= " + std::string(sub[11]) + " ");
    size_t end = static_cast<size_t>(sub[0].data() - text.data()) + sub[0].size();
    pos = end > pos ? end : pos + 1;
  }
  for (const auto& [from, to] : rewrites) {
    if (size_t at = text.find(from); at != std::string::npos) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

}  // namespace

std::string SemVersion::ToString() const {
  std::string out =
      std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) {
    out += "-" + prerelease;
  }
  if (!metadata.empty()) {
    out += "+" + metadata;
  }
  return out;
}

SemVersion ParseSemVersion(std::string_view text) {
  std::string major;
  std::string minor;
  std::string patch;
  std::string pre_group;
  std::string pre;
  std::string pre_last;
  std::string meta_group;
  std::string meta;
  if (!RE2::FullMatch(re2::StringPiece(text.data(), text.size()), VersionRe(), &major, &minor,
                      &patch, &pre_group, &pre, &pre_last, &meta_group, &meta)) {
    Invalid("invalid semantic version");
  }
  SemVersion v;
  v.original = std::string(text);
  v.major = ParseNumber(major);
  v.minor = minor.empty() ? 0 : ParseNumber(minor.substr(1));
  v.patch = patch.empty() ? 0 : ParseNumber(patch.substr(1));
  for (const std::string& part : pre.empty() ? std::vector<std::string>{} : SplitDots(pre)) {
    if (AllDigits(part) && part.size() > 1 && part[0] == '0') {
      Invalid("version segment starts with 0");
    }
  }
  v.prerelease = pre;
  v.metadata = meta;
  return v;
}

int CompareSemVersions(const SemVersion& a, const SemVersion& b) {
  for (auto [x, y] : {std::pair{a.major, b.major}, {a.minor, b.minor}, {a.patch, b.patch}}) {
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return ComparePrerelease(a.prerelease, b.prerelease);
}

bool SemverSatisfies(std::string_view constraint, const SemVersion& version) {
  std::string text = RewriteRanges(std::string(constraint));
  std::vector<std::vector<Constraint>> ors;
  size_t pos = 0;
  while (true) {
    size_t bar = text.find("||", pos);
    std::string part = text.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos);
    if (!RE2::FullMatch(part, ValidRe())) {
      Invalid("improper constraint: " + part);
    }
    std::vector<Constraint> ands;
    re2::StringPiece input(part);
    std::string found;
    while (RE2::FindAndConsume(&input, FindRe(), &found)) {
      ands.push_back(ParseConstraint(found));
    }
    if (ands.empty()) {
      ands.push_back(ParseConstraint(part));
    }
    ors.push_back(std::move(ands));
    if (bar == std::string::npos) {
      break;
    }
    pos = bar + 2;
  }
  for (const auto& ands : ors) {
    bool all = true;
    for (const Constraint& c : ands) {
      if (!Check(c, version)) {
        all = false;
        break;
      }
    }
    if (all) {
      return true;
    }
  }
  return false;
}

namespace internal {

void AddSemverFunctions(FunctionTable& t) {
  // semver returns Masterminds' *Version; templates read its fields, so it is a map of them.
  t["semver"] = [](Args args) -> json {
    WantArgs("semver", args, 1);
    try {
      SemVersion v = ParseSemVersion(StringArg(args, 0));
      return json{{"Major", v.major},           {"Minor", v.minor},       {"Patch", v.patch},
                  {"Prerelease", v.prerelease}, {"Metadata", v.metadata}, {"Original", v.original}};
    } catch (const Error& e) {
      throw FunctionError(e.what());
    }
  };
  t["semverCompare"] = [](Args args) -> json {
    WantArgs("semverCompare", args, 2);
    const std::string& constraint = StringArg(args, 0);
    const std::string& version = StringArg(args, 1);
    try {
      // Masterminds parses the constraint before the version: its error wins.
      (void)SemverSatisfies(constraint, SemVersion{});
      return SemverSatisfies(constraint, ParseSemVersion(version));
    } catch (const Error& e) {
      throw FunctionError(e.what());
    }
  };
}

}  // namespace internal
}  // namespace gpuext::helm
