// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Ages as kubectl shows them (apimachinery's duration.HumanDuration rules).
#include <fmt/format.h>

#include "gpuext/time_format.h"
#include "table_columns.h"

namespace gpuext::emulator {

std::string HumanDuration(std::chrono::seconds d) {
  const long long seconds = d.count();
  // Up to two seconds in the future count as now (clock skew), as upstream.
  if (seconds < -1) {
    return "<invalid>";
  }
  if (seconds < 0) {
    return "0s";
  }
  if (seconds < 120) {
    return fmt::format("{}s", seconds);
  }
  const long long minutes = seconds / 60;
  if (minutes < 10) {
    const long long s = seconds % 60;
    return s == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, s);
  }
  if (minutes < 180) {
    return fmt::format("{}m", minutes);
  }
  const long long hours = seconds / 3600;
  if (hours < 8) {
    const long long m = minutes % 60;
    return m == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, m);
  }
  if (hours < 48) {
    return fmt::format("{}h", hours);
  }
  if (hours < 24 * 8) {
    const long long h = hours % 24;
    return h == 0 ? fmt::format("{}d", hours / 24) : fmt::format("{}d{}h", hours / 24, h);
  }
  if (hours < 24 * 365 * 2) {
    return fmt::format("{}d", hours / 24);
  }
  if (hours < 24 * 365 * 8) {
    const long long dy = (hours / 24) % 365;
    return dy == 0 ? fmt::format("{}y", hours / 24 / 365)
                   : fmt::format("{}y{}d", hours / 24 / 365, dy);
  }
  return fmt::format("{}y", hours / 24 / 365);
}

std::string HumanAge(const nlohmann::json& rfc3339, Clock::time_point now) {
  if (!rfc3339.is_string()) {
    return "<unknown>";
  }
  const auto t = ParseRfc3339(rfc3339.get<std::string>());
  if (!t) {
    return "<unknown>";
  }
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
}

nlohmann::json Column(const std::string& name, const std::string& type,
                      const std::string& description, int priority, const std::string& format) {
  return {{"name", name},
          {"type", type},
          {"format", format},
          {"description", description},
          {"priority", priority}};
}

}  // namespace gpuext::emulator
