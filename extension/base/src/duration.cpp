// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/duration.h"

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace gpuext {
namespace {

constexpr uint64_t kMaxDurationMagnitude = uint64_t{1} << 63;  // |INT64_MIN|

// Unit names and their length in nanoseconds. "µs" comes in two spellings (micro sign and Greek
// mu), as Go accepts both.
constexpr std::array<std::pair<std::string_view, uint64_t>, 8> kUnits = {{
    {"ns", 1},
    {"us", 1'000},
    {"\u00b5s", 1'000},
    {"\u03bcs", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

bool IsDecimalDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<uint64_t> UnitNanos(std::string_view name) {
  for (const auto& [unit, nanos] : kUnits) {
    if (unit == name) {
      return nanos;
    }
  }
  return std::nullopt;
}

// Parses one "<number><unit>" component at the front of `text`, consuming it. Returns its length
// in nanoseconds, or nullopt when malformed or too large.
std::optional<uint64_t> ParseComponent(std::string_view& text) {
  size_t i = 0;
  uint64_t whole = 0;
  bool overflow = false;
  for (; i < text.size() && IsDecimalDigit(text[i]); ++i) {
    if (whole > (kMaxDurationMagnitude - 9) / 10) {
      overflow = true;
    }
    whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  const bool had_whole = i > 0;
  uint64_t frac = 0;
  long double scale = 1;
  bool had_frac = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && IsDecimalDigit(text[i]); ++i) {
      had_frac = true;
      // Digits beyond what a uint64 holds cannot change a nanosecond result; drop them as Go does.
      if (frac <= (std::numeric_limits<uint64_t>::max() - 9) / 10) {
        frac = frac * 10 + static_cast<uint64_t>(text[i] - '0');
        scale *= 10;
      }
    }
  }
  if (overflow || (!had_whole && !had_frac)) {
    return std::nullopt;
  }
  size_t unit_end = i;
  while (unit_end < text.size() && text[unit_end] != '.' && !IsDecimalDigit(text[unit_end])) {
    ++unit_end;
  }
  const std::optional<uint64_t> unit = UnitNanos(text.substr(i, unit_end - i));
  if (!unit) {
    return std::nullopt;
  }
  text.remove_prefix(unit_end);
  if (whole > kMaxDurationMagnitude / *unit) {
    return std::nullopt;
  }
  uint64_t total = whole * *unit;
  if (frac > 0) {
    total += static_cast<uint64_t>(static_cast<long double>(frac) * (*unit / scale));
    if (total > kMaxDurationMagnitude) {
      return std::nullopt;
    }
  }
  return total;
}

// Writes the `precision` fraction digits of v (without trailing zeros, with a leading '.') in
// front of `out` and returns v with those digits removed, as Go's fmtFrac does.
uint64_t PrependFraction(std::string& out, uint64_t v, int precision) {
  std::string digits;
  bool printed = false;
  for (int i = 0; i < precision; ++i) {
    const uint64_t digit = v % 10;
    printed = printed || digit != 0;
    if (printed) {
      digits.insert(digits.begin(), static_cast<char>('0' + digit));
    }
    v /= 10;
  }
  if (printed) {
    out.insert(0, "." + digits);
  }
  return v;
}

}  // namespace

std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") {
    return std::chrono::nanoseconds(0);
  }
  if (text.empty()) {
    return std::nullopt;
  }
  uint64_t total = 0;
  while (!text.empty()) {
    const std::optional<uint64_t> part = ParseComponent(text);
    if (!part || *part > kMaxDurationMagnitude - total) {
      return std::nullopt;
    }
    total += *part;
  }
  if (negative) {
    return std::chrono::nanoseconds(static_cast<int64_t>(0 - total));
  }
  if (total == kMaxDurationMagnitude) {
    return std::nullopt;
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string FormatDuration(std::chrono::nanoseconds duration) {
  const int64_t count = duration.count();
  if (count == 0) {
    return "0s";
  }
  uint64_t u = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  std::string out;
  if (u < 1'000'000'000) {
    // Sub-second durations use the smallest unit that keeps a non-zero whole part.
    int precision = 0;
    std::string unit;
    if (u < 1'000) {
      unit = "ns";
    } else if (u < 1'000'000) {
      precision = 3;
      unit = "\u00b5s";
    } else {
      precision = 6;
      unit = "ms";
    }
    out = unit;
    u = PrependFraction(out, u, precision);
    out.insert(0, std::to_string(u));
  } else {
    out = "s";
    u = PrependFraction(out, u, 9);
    out.insert(0, std::to_string(u % 60));
    u /= 60;
    if (u > 0) {
      out.insert(0, std::to_string(u % 60) + "m");
      u /= 60;
      if (u > 0) {
        out.insert(0, std::to_string(u) + "h");
      }
    }
  }
  if (count < 0) {
    out.insert(0, "-");
  }
  return out;
}

}  // namespace gpuext
