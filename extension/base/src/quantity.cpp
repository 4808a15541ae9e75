// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/quantity.h"

#include <array>
#include <limits>
#include <utility>

namespace gpuext {
namespace {

constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // |INT64_MIN|

constexpr std::array<std::string_view, 7> kBinarySuffixes = {"",   "Ki", "Mi", "Gi",
                                                             "Ti", "Pi", "Ei"};
constexpr std::array<std::string_view, 7> kDecimalSuffixes = {"", "k", "M", "G", "T", "P", "E"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// value * factor, or nullopt when it leaves uint64.
std::optional<uint64_t> Multiply(uint64_t value, uint64_t factor) {
  uint64_t out = 0;
  if (__builtin_mul_overflow(value, factor, &out)) {
    return std::nullopt;
  }
  return out;
}

std::optional<uint64_t> Pow(uint64_t base, int exponent) {
  uint64_t out = 1;
  for (int i = 0; i < exponent; ++i) {
    const auto next = Multiply(out, base);
    if (!next) {
      return std::nullopt;
    }
    out = *next;
  }
  return out;
}

// The digits of "<whole>.<fraction>" as one integer plus the count of fraction digits, with
// trailing fraction zeros dropped so that "1.50Gi" and "1.5Gi" need the same headroom.
struct Mantissa {
  uint64_t digits = 0;
  int fraction_digits = 0;
};

std::optional<Mantissa> ParseMantissa(std::string_view& text) {
  size_t i = 0;
  std::string digits;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    digits += text[i];
  }
  const size_t whole_digits = digits.size();
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      digits += text[i];
    }
  }
  if (digits.empty()) {
    return std::nullopt;
  }
  text.remove_prefix(i);
  int fraction_digits = static_cast<int>(digits.size() - whole_digits);
  while (fraction_digits > 0 && digits.back() == '0') {
    digits.pop_back();
    --fraction_digits;
  }
  Mantissa out{.digits = 0, .fraction_digits = fraction_digits};
  for (char c : digits) {
    const auto next = Multiply(out.digits, 10);
    if (!next || *next > std::numeric_limits<uint64_t>::max() - 9) {
      return std::nullopt;
    }
    out.digits = *next + static_cast<uint64_t>(c - '0');
  }
  return out;
}

// digits * 10^power exactly (power may be negative), or nullopt when not a whole number or too
// large.
std::optional<uint64_t> ScaleDecimal(uint64_t digits, int power) {
  if (power >= 0) {
    const auto factor = Pow(10, power);
    return factor ? Multiply(digits, *factor)
                  : (digits == 0 ? std::optional<uint64_t>(0) : std::nullopt);
  }
  const auto divisor = Pow(10, -power);
  if (!divisor) {
    return digits == 0 ? std::optional<uint64_t>(0) : std::nullopt;
  }
  if (digits % *divisor != 0) {
    return std::nullopt;
  }
  return digits / *divisor;
}

// The byte count a suffix (and optional exponent) turns the mantissa into.
std::optional<std::pair<uint64_t, Quantity::Format>> ApplySuffix(const Mantissa& m,
                                                                 std::string_view suffix) {
  for (size_t k = 1; k < kBinarySuffixes.size(); ++k) {
    if (suffix == kBinarySuffixes[k]) {
      const auto scaled = Multiply(m.digits, uint64_t{1} << (10 * k));
      const auto divisor = Pow(10, m.fraction_digits);
      if (!scaled || !divisor || *scaled % *divisor != 0) {
        return std::nullopt;
      }
      return std::pair{*scaled / *divisor, Quantity::Format::kBinarySI};
    }
  }
  int power = 0;
  Quantity::Format format = Quantity::Format::kDecimalSI;
  if (!suffix.empty() && (suffix.front() == 'e' || suffix.front() == 'E')) {
    std::string_view exponent = suffix.substr(1);
    bool negative = false;
    if (!exponent.empty() && (exponent.front() == '-' || exponent.front() == '+')) {
      negative = exponent.front() == '-';
      exponent.remove_prefix(1);
    }
    if (exponent.empty() || exponent.size() > 3) {
      return std::nullopt;
    }
    for (char c : exponent) {
      if (!IsDigit(c)) {
        return std::nullopt;
      }
      power = power * 10 + (c - '0');
    }
    power = negative ? -power : power;
    format = Quantity::Format::kDecimalExponent;
  } else if (suffix == "m") {
    power = -3;
  } else if (suffix == "u") {
    power = -6;
  } else if (suffix == "n") {
    power = -9;
  } else {
    bool found = false;
    for (size_t k = 0; k < kDecimalSuffixes.size(); ++k) {
      if (suffix == kDecimalSuffixes[k]) {
        power = static_cast<int>(3 * k);
        found = true;
      }
    }
    if (!found) {
      return std::nullopt;
    }
  }
  const auto bytes = ScaleDecimal(m.digits, power - m.fraction_digits);
  if (!bytes) {
    return std::nullopt;
  }
  return std::pair{*bytes, format};
}

std::string ReduceMantissa(int64_t bytes, uint64_t base, int max_steps, int* steps) {
  uint64_t magnitude = bytes < 0 ? 0 - static_cast<uint64_t>(bytes) : static_cast<uint64_t>(bytes);
  *steps = 0;
  while (magnitude != 0 && *steps < max_steps && magnitude % base == 0) {
    magnitude /= base;
    ++*steps;
  }
  return (bytes < 0 ? "-" : "") + std::to_string(magnitude);
}

}  // namespace

std::optional<Quantity> Quantity::Parse(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const std::optional<Mantissa> mantissa = ParseMantissa(text);
  if (!mantissa) {
    return std::nullopt;
  }
  const auto applied = ApplySuffix(*mantissa, text);
  if (!applied) {
    return std::nullopt;
  }
  const auto [magnitude, format] = *applied;
  if (magnitude > kMaxMagnitude || (!negative && magnitude == kMaxMagnitude)) {
    return std::nullopt;
  }
  const int64_t bytes =
      negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return Quantity(bytes, format);
}

Quantity Quantity::FromBytes(int64_t bytes, Format format) { return Quantity(bytes, format); }

std::string Quantity::String() const {
  int steps = 0;
  // Like Kubernetes, binary values below 1024 print as decimal: "512" rather than "0.5Ki".
  const bool small = bytes_ > -1024 && bytes_ < 1024;
  if (format_ == Format::kBinarySI && !small) {
    const std::string mantissa = ReduceMantissa(bytes_, 1024, 6, &steps);
    return mantissa + std::string(kBinarySuffixes[static_cast<size_t>(steps)]);
  }
  const std::string mantissa = ReduceMantissa(bytes_, 1000, 6, &steps);
  if (format_ == Format::kDecimalExponent) {
    return steps == 0 ? mantissa : mantissa + "e" + std::to_string(3 * steps);
  }
  return mantissa + std::string(kDecimalSuffixes[static_cast<size_t>(steps)]);
}

}  // namespace gpuext
