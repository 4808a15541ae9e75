// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's date functions, as far as `helm template` output is deterministic: duration only.
// now/date/ago depend on the wall clock and are not provided (docs/helm.md).
#include <string>

#include "sprig_registry.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

// The fraction of v below 10^prec, as Go's fmtFrac writes it: ".5" for 500ms of a second,
// nothing when it is zero.
std::string Fraction(uint64_t& v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) {
      digits.insert(digits.begin(), static_cast<char>('0' + digit));
    }
    v /= 10;
  }
  return print ? "." + digits : "";
}

// time.Duration.String for a count of nanoseconds.
std::string GoDuration(int64_t d) {
  if (d == 0) {
    return "0s";
  }
  bool neg = d < 0;
  uint64_t u = static_cast<uint64_t>(d);
  if (neg) {
    u = 0 - u;
  }
  std::string out;
  if (u < 1000000000ULL) {
    int prec = 0;
    std::string unit;
    if (u < 1000ULL) {
      unit = "ns";
    } else if (u < 1000000ULL) {
      prec = 3;
      unit = "\xC2\xB5s";  // µs
    } else {
      prec = 6;
      unit = "ms";
    }
    std::string frac = Fraction(u, prec);
    out = std::to_string(u) + frac + unit;
  } else {
    std::string frac = Fraction(u, 9);
    out = std::to_string(u % 60) + frac + "s";
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) {
        out = std::to_string(u) + "h" + out;
      }
    }
  }
  return neg ? "-" + out : out;
}

// strconv.ParseInt(s, 10, 64); 0 on error, as sprig ignores it.
int64_t ParseDecimal(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i == s.size()) {
    return 0;
  }
  uint64_t v = 0;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') {
      return 0;
    }
    v = v * 10 + static_cast<uint64_t>(s[k] - '0');
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) {
      return 0;
    }
  }
  bool neg = s[0] == '-';
  if (!neg && v > static_cast<uint64_t>(INT64_MAX)) {
    return 0;
  }
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

}  // namespace

void AddDateFunctions(FunctionTable& t) {
  // duration SECONDS: sprig reads a string or an int64; Helm's template ints are Go int, which
  // sprig treats as 0. Our values cannot tell int from int64 and take every integer, so
  // `duration 90` gives "1m30s" where Helm prints "0s" (docs/helm.md, known differences).
  t["duration"] = [](Args args) -> json {
    WantArgs("duration", args, 1);
    int64_t n = 0;
    if (args[0].is_string()) {
      n = ParseDecimal(args[0].get_ref<const std::string&>());
    } else if (args[0].is_number_integer()) {
      n = args[0].get<int64_t>();
    }
    return GoDuration(static_cast<int64_t>(static_cast<uint64_t>(n) * 1000000000ULL));
  };
}

}  // namespace gpuext::helm::internal
