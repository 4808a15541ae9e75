// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The single "Range: bytes=..." of blob downloads (DESIGN.md §14.3, RFC 9110 §14.1.2).
//
//   RangeAnswer a = ResolveByteRange("bytes=100-", 1000);   // kPartial, first 100, last 999

#include <cstdint>
#include <string_view>

namespace gpuext::nodeagent::cache {

struct RangeAnswer {
  enum class Kind {
    kWhole,          // no Range header: 200 with everything
    kPartial,        // 206 with [first, last]
    kUnsatisfiable,  // 416 with "Content-Range: bytes */size"
  };
  Kind kind = Kind::kWhole;
  std::int64_t first = 0;
  std::int64_t last = -1;  // inclusive
};

// `header` is the Range header's value ("" when absent); `size` the object's size. Forms:
// "bytes=a-b", "bytes=a-", "bytes=-n". More than one range, other units, malformed text, a
// start at or past the end, and an empty object are unsatisfiable. A last byte past the end is
// clamped, as RFC 9110 says.
[[nodiscard]] RangeAnswer ResolveByteRange(std::string_view header, std::int64_t size);

}  // namespace gpuext::nodeagent::cache
