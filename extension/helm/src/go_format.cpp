// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// fmt's %v and strconv's shortest float formatting for JSON values standing for Go data.

#include "gpuext/helm/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "go_format_internal.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

// Formats digits "ddd" whose first digit has weight 10^exp in %e style (all digits kept).
std::string FormatExponent(const std::string& digits, int exp) {
  std::string out(1, digits[0]);
  if (digits.size() > 1) {
    out += '.';
    out.append(digits, 1, std::string::npos);
  }
  out += 'e';
  out += exp < 0 ? '-' : '+';
  int a = std::abs(exp);
  if (a < 10)
    out += '0';
  out += std::to_string(a);
  return out;
}

std::string FormatFixed(const std::string& digits, int exp) {
  // The first digit has weight 10^exp.
  std::string out;
  int dp = exp + 1;  // digits before the decimal point
  if (dp <= 0) {
    out = "0.";
    out.append(static_cast<size_t>(-dp), '0');
    out += digits;
    return out;
  }
  if (static_cast<size_t>(dp) >= digits.size()) {
    out = digits;
    out.append(static_cast<size_t>(dp) - digits.size(), '0');
    return out;
  }
  out = digits.substr(0, static_cast<size_t>(dp));
  out += '.';
  out.append(digits, static_cast<size_t>(dp), std::string::npos);
  return out;
}

}  // namespace

namespace internal {

bool ShortestDigits(double f, std::string& digits, int& exp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), std::abs(f), std::chars_format::scientific);
  std::string s(buf, res.ptr);
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  exp = std::atoi(s.c_str() + e + 1);
  digits.clear();
  for (char c : mant) {
    if (c != '.')
      digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0')
    digits.pop_back();
  return std::signbit(f);
}

}  // namespace internal

std::string FormatGoFloat(double f) {
  if (std::isnan(f))
    return "NaN";
  if (std::isinf(f))
    return f > 0 ? "+Inf" : "-Inf";
  std::string digits;
  int exp = 0;
  bool neg = internal::ShortestDigits(f, digits, exp);
  if (f == 0) {
    return neg ? "-0" : "0";
  }
  // strconv 'g' with the shortest precision decides with an effective precision of 6:
  // exponent form when exp < -4 || exp >= 6, so 1234567 prints as 1.234567e+06.
  std::string body =
      (exp < -4 || exp >= 6) ? FormatExponent(digits, exp) : FormatFixed(digits, exp);
  return neg ? "-" + body : body;
}

std::string GoTypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "<nil>";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::number_integer:
      return "int";
    case json::value_t::number_unsigned:
      return "int";
    case json::value_t::number_float:
      return "float64";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "[]interface {}";
    case json::value_t::object:
      return "map[string]interface {}";
    case json::value_t::binary:
      return "[]uint8";
    default:
      return "<nil>";
  }
}

std::string FormatGoValue(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "<nil>";
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case json::value_t::number_float:
      return FormatGoFloat(v.get<double>());
    case json::value_t::string:
      return v.get_ref<const std::string&>();
    case json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v) {
        if (!first)
          out += ' ';
        first = false;
        out += FormatGoValue(e);
      }
      return out + "]";
    }
    case json::value_t::object: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first)
          out += ' ';
        first = false;
        out += k;
        out += ':';
        out += FormatGoValue(e);
      }
      return out + "]";
    }
    case json::value_t::binary: {
      std::string out = "[";
      bool first = true;
      for (auto b : v.get_binary()) {
        if (!first)
          out += ' ';
        first = false;
        out += std::to_string(static_cast<unsigned>(b));
      }
      return out + "]";
    }
    default:
      return "<nil>";
  }
}

std::string GoSprint(std::span<const json> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    // fmt.Sprint adds a space between operands when neither is a string.
    if (i > 0 && !args[i].is_string() && !args[i - 1].is_string())
      out += ' ';
    out += FormatGoValue(args[i]);
  }
  return out;
}

std::string GoSprintln(std::span<const json> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0)
      out += ' ';
    out += FormatGoValue(args[i]);
  }
  return out + "\n";
}

}  // namespace gpuext::helm
