// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "go_float.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace gpuext::helm::internal {
namespace {

// The shortest round-trip decimal digits of |value| and the position of the decimal point
// (Go's decimalSlice: value = 0.d1d2... * 10^point).
struct Digits {
  std::string digits;
  int point = 0;
};

Digits ShortestDigits(double value) {
  char buf[64];
  const auto result =
      std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::scientific);
  const std::string_view text(buf, result.ptr - buf);
  const size_t e = text.find('e');
  Digits d;
  for (char c : text.substr(0, e)) {
    if (c != '.') {
      d.digits.push_back(c);
    }
  }
  while (d.digits.size() > 1 && d.digits.back() == '0') {
    d.digits.pop_back();
  }
  d.point = std::atoi(std::string(text.substr(e + 1)).c_str()) + 1;
  if (d.digits == "0") {
    d.point = 1;
  }
  return d;
}

std::string ExponentForm(const Digits& d, bool negative, int min_exp_digits) {
  std::string out = negative ? "-" : "";
  out += d.digits[0];
  if (d.digits.size() > 1) {
    out += '.';
    out += d.digits.substr(1);
  }
  const int exp = d.digits == "0" ? 0 : d.point - 1;
  out += exp < 0 ? "e-" : "e+";
  std::string exp_text = std::to_string(std::abs(exp));
  while (static_cast<int>(exp_text.size()) < min_exp_digits) {
    exp_text.insert(exp_text.begin(), '0');
  }
  return out + exp_text;
}

std::string FixedForm(const Digits& d, bool negative) {
  std::string out = negative ? "-" : "";
  const int nd = static_cast<int>(d.digits.size());
  if (d.point <= 0) {
    out += "0." + std::string(-d.point, '0') + d.digits;
    return out;
  }
  if (d.point >= nd) {
    return out + d.digits + std::string(d.point - nd, '0');
  }
  return out + d.digits.substr(0, d.point) + "." + d.digits.substr(d.point);
}

}  // namespace

std::string GoFormatFloatG(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  const Digits d = ShortestDigits(value);
  const int exp = d.point - 1;
  // Go uses precision 6 for the %e/%f decision when printing the shortest form.
  if (d.digits != "0" && (exp < -4 || exp >= 6)) {
    return ExponentForm(d, std::signbit(value), 2);
  }
  return FixedForm(d, std::signbit(value));
}

std::string GoJsonFloat(double value) {
  const double abs = std::fabs(value);
  const Digits d = ShortestDigits(value);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    return ExponentForm(d, std::signbit(value), 1);
  }
  return FixedForm(d, std::signbit(value));
}

}  // namespace gpuext::helm::internal
