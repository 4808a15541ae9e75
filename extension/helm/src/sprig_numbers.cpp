// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's integer and float math. Integer functions convert every operand with cast.ToInt64
// (2.7 -> 2, "8" -> 8, "x" -> 0) and wrap around on overflow like Go's int64; the results are
// Go int64 values, which print and compare like ints.
#include <cmath>
#include <random>
#include <string>

#include "gpuext/helm/go_format.h"
#include "sprig_registry.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

int64_t Wrap(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

[[noreturn]] void DivideByZero() { throw FunctionError("runtime error: integer divide by zero"); }

// sprig's round: round half away from... not quite: the fraction is compared with roundOn
// (default .5) after scaling, so negative halves round down (round -2.5 0 == -3).
double Round(double value, double places, double round_on) {
  double pow = std::pow(10.0, places);
  double digit = pow * value;
  double whole = 0;
  double frac = std::modf(digit, &whole);
  double rounded = frac >= round_on ? std::ceil(digit) : std::floor(digit);
  return rounded / pow;
}

// strconv.ParseInt(s, base, 64) without base prefixes or underscores; false on any error.
bool ParseIntBase(const std::string& s, int base, int64_t& out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    ++i;
  }
  if (i == s.size()) {
    return false;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] >= '0' + base) {
      return false;
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(s[i] - '0');
    if (v > static_cast<uint64_t>(INT64_MAX) + (neg ? 1 : 0)) {
      return false;
    }
  }
  out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

}  // namespace

void AddNumberFunctions(FunctionTable& t) {
  t["add"] = [](Args args) -> json {
    uint64_t sum = 0;
    for (const json& a : args) {
      sum += U(CastToInt64(a));
    }
    return Wrap(sum);
  };
  t["add1"] = [](Args args) -> json {
    WantArgs("add1", args, 1);
    return Wrap(U(CastToInt64(args[0])) + 1);
  };
  t["sub"] = [](Args args) -> json {
    WantArgs("sub", args, 2);
    return Wrap(U(CastToInt64(args[0])) - U(CastToInt64(args[1])));
  };
  t["mul"] = [](Args args) -> json {
    WantAtLeast("mul", args, 1);
    uint64_t product = U(CastToInt64(args[0]));
    for (size_t i = 1; i < args.size(); ++i) {
      product *= U(CastToInt64(args[i]));
    }
    return Wrap(product);
  };
  t["div"] = [](Args args) -> json {
    WantArgs("div", args, 2);
    int64_t a = CastToInt64(args[0]);
    int64_t b = CastToInt64(args[1]);
    if (b == 0) {
      DivideByZero();
    }
    return (a == INT64_MIN && b == -1) ? a : a / b;
  };
  t["mod"] = [](Args args) -> json {
    WantArgs("mod", args, 2);
    int64_t a = CastToInt64(args[0]);
    int64_t b = CastToInt64(args[1]);
    if (b == 0) {
      DivideByZero();
    }
    return b == -1 ? 0 : a % b;
  };
  Function max = [](Args args) -> json {
    WantAtLeast("max", args, 1);
    int64_t best = CastToInt64(args[0]);
    for (size_t i = 1; i < args.size(); ++i) {
      best = std::max(best, CastToInt64(args[i]));
    }
    return best;
  };
  t["max"] = max;
  t["biggest"] = max;
  t["min"] = [](Args args) -> json {
    WantAtLeast("min", args, 1);
    int64_t best = CastToInt64(args[0]);
    for (size_t i = 1; i < args.size(); ++i) {
      best = std::min(best, CastToInt64(args[i]));
    }
    return best;
  };
  // maxf/minf: math.Max/Min over cast.ToFloat64 operands.
  t["maxf"] = [](Args args) -> json {
    WantAtLeast("maxf", args, 1);
    double best = CastToFloat64(args[0]);
    for (size_t i = 1; i < args.size(); ++i) {
      best = std::fmax(best, CastToFloat64(args[i]));
    }
    return best;
  };
  t["minf"] = [](Args args) -> json {
    WantAtLeast("minf", args, 1);
    double best = CastToFloat64(args[0]);
    for (size_t i = 1; i < args.size(); ++i) {
      best = std::fmin(best, CastToFloat64(args[i]));
    }
    return best;
  };
  t["floor"] = [](Args args) -> json {
    WantArgs("floor", args, 1);
    return std::floor(CastToFloat64(args[0]));
  };
  t["ceil"] = [](Args args) -> json {
    WantArgs("ceil", args, 1);
    return std::ceil(CastToFloat64(args[0]));
  };
  t["round"] = [](Args args) -> json {
    WantAtLeast("round", args, 2);
    if (args.size() > 3) {
      WantArgs("round", args, 3);
    }
    double round_on = 0.5;
    if (args.size() == 3) {
      if (!args[2].is_number()) {
        throw FunctionError("wrong type for value; expected float64; got " + GoTypeName(args[2]));
      }
      round_on = args[2].get<double>();
    }
    return Round(CastToFloat64(args[0]), static_cast<double>(IntArg(args, 1)), round_on);
  };
  Function to_int = [](Args args) -> json {
    WantArgs("int", args, 1);
    return CastToInt64(args[0]);
  };
  t["int"] = to_int;
  t["int64"] = to_int;
  t["float64"] = [](Args args) -> json {
    WantArgs("float64", args, 1);
    return CastToFloat64(args[0]);
  };
  t["atoi"] = [](Args args) -> json {
    WantArgs("atoi", args, 1);
    int64_t v = 0;
    return ParseIntBase(StringArg(args, 0), 10, v) ? v : 0;
  };
  t["toDecimal"] = [](Args args) -> json {
    WantArgs("toDecimal", args, 1);
    int64_t v = 0;
    return ParseIntBase(FormatGoValue(args[0]), 8, v) ? v : 0;
  };
  // randInt: not deterministic (docs/helm.md).
  t["randInt"] = [](Args args) -> json {
    WantArgs("randInt", args, 2);
    int64_t lo = IntArg(args, 0);
    int64_t hi = IntArg(args, 1);
    if (hi - lo <= 0) {
      throw FunctionError("invalid argument to Intn");
    }
    std::mt19937_64 gen(std::random_device{}());
    return lo + static_cast<int64_t>(gen() % static_cast<uint64_t>(hi - lo));
  };
}

}  // namespace gpuext::helm::internal
