// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/time_format.h"

#include <cctype>
#include <charconv>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace gpuext {

using std::chrono::system_clock;

namespace {

// Parses exactly `width` digits at text[pos]; advances pos.
std::optional<int> Digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  const auto* begin = text.data() + pos;
  const auto [end, ec] = std::from_chars(begin, begin + width, value);
  if (ec != std::errc() || end != begin + width) {
    return std::nullopt;
  }
  pos += width;
  return value;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && std::tolower(static_cast<unsigned char>(text[pos])) == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::string FormatRfc3339(system_clock::time_point t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(system_clock::to_time_t(secs)));
}

std::string FormatRfc3339Micro(system_clock::time_point t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", fmt::gmtime(system_clock::to_time_t(secs)),
                     micros);
}

std::optional<system_clock::time_point> ParseRfc3339(std::string_view text) {
  std::size_t pos = 0;
  const auto year = Digits(text, pos, 4);
  if (!year || !Expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto month = Digits(text, pos, 2);
  if (!month || !Expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto day = Digits(text, pos, 2);
  if (!day || !Expect(text, pos, 't')) {
    return std::nullopt;
  }
  const auto hour = Digits(text, pos, 2);
  if (!hour || !Expect(text, pos, ':')) {
    return std::nullopt;
  }
  const auto minute = Digits(text, pos, 2);
  if (!minute || !Expect(text, pos, ':')) {
    return std::nullopt;
  }
  const auto second = Digits(text, pos, 2);
  if (!second) {
    return std::nullopt;
  }

  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      fraction += std::chrono::nanoseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }

  std::chrono::minutes offset{0};
  if (Expect(text, pos, 'z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    const auto off_h = Digits(text, pos, 2);
    if (!off_h || !Expect(text, pos, ':')) {
      return std::nullopt;
    }
    const auto off_m = Digits(text, pos, 2);
    if (!off_m) {
      return std::nullopt;
    }
    offset = std::chrono::minutes(sign * (*off_h * 60 + *off_m));
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }

  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const auto local = std::chrono::sys_days(date) + std::chrono::hours(*hour) +
                     std::chrono::minutes(*minute) + std::chrono::seconds(*second) + fraction;
  return std::chrono::time_point_cast<system_clock::duration>(local - offset);
}

}  // namespace gpuext
