// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/byte_range.h"

#include <charconv>
#include <optional>

namespace gpuext::nodeagent::cache {

namespace {

std::optional<std::int64_t> ByteRangeNumber(std::string_view text) {
  if (text.empty() || text.size() > 18) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

RangeAnswer ResolveByteRange(std::string_view header, std::int64_t size) {
  using Kind = RangeAnswer::Kind;
  if (header.empty()) {
    return {Kind::kWhole, 0, size - 1};
  }
  const RangeAnswer unsatisfiable{Kind::kUnsatisfiable, 0, -1};
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) {
    return unsatisfiable;
  }
  std::string_view spec = header.substr(kUnit.size());
  while (!spec.empty() && spec.front() == ' ') {
    spec.remove_prefix(1);
  }
  while (!spec.empty() && spec.back() == ' ') {
    spec.remove_suffix(1);
  }
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos || size <= 0) {
    return unsatisfiable;
  }
  const std::string_view a = spec.substr(0, dash);
  const std::string_view b = spec.substr(dash + 1);
  if (a.empty()) {  // suffix: the last n bytes
    const auto n = ByteRangeNumber(b);
    if (!n || *n == 0) {
      return unsatisfiable;
    }
    return {Kind::kPartial, *n >= size ? 0 : size - *n, size - 1};
  }
  const auto first = ByteRangeNumber(a);
  if (!first || *first >= size) {
    return unsatisfiable;
  }
  if (b.empty()) {
    return {Kind::kPartial, *first, size - 1};
  }
  const auto last = ByteRangeNumber(b);
  if (!last || *last < *first) {
    return unsatisfiable;
  }
  return {Kind::kPartial, *first, *last >= size ? size - 1 : *last};
}

}  // namespace gpuext::nodeagent::cache
