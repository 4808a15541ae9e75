// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Kubernetes resource quantities for sizes in bytes ("50Gi", "40G", "500M", "1.5Ti", "1024",
// "1e9"), held as an exact integer byte count plus the notation they were written in, so that
// printing gives Kubernetes' canonical form (resource.Quantity.String()):
//
//   Quantity q = *Quantity::Parse("1.5Ti");
//   q.bytes();      // 1649267441664
//   q.String();     // "1536Gi"  (largest binary suffix with an integer mantissa)
//
// Only whole byte counts are accepted: "1.5" or "500m" (half a byte) are refused instead of
// being rounded up as Kubernetes does, because a byte size with a fraction is always a typo.
// Value type, safe for concurrent use.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpuext {

class Quantity {
 public:
  // How the quantity was written; decides the canonical suffix family when printing.
  enum class Format {
    kBinarySI,         // Ki, Mi, Gi, Ti, Pi, Ei
    kDecimalSI,        // no suffix, k, M, G, T, P, E (and m, u, n when they still give whole bytes)
    kDecimalExponent,  // 1e9, 5E3
  };

  // Accepts Kubernetes' quantity grammar: optional sign, digits with an optional fraction, then a
  // binary suffix, a decimal suffix or an exponent (e/E plus a signed integer). Returns nullopt
  // when the text does not match, the value is not a whole number of bytes, or it does not fit
  // into int64.
  static std::optional<Quantity> Parse(std::string_view text);

  // A quantity of `bytes` bytes printed with the given suffix family.
  static Quantity FromBytes(int64_t bytes, Format format = Format::kBinarySI);

  [[nodiscard]] int64_t bytes() const { return bytes_; }
  [[nodiscard]] Format format() const { return format_; }

  // Canonical text: binary values use the largest of Ki..Ei that leaves an integer mantissa and
  // fall back to plain digits when the value is not a multiple of 1024 ("1536Mi", "1500");
  // decimal values use the largest of k..E that does ("40G", "1500M"); exponent values print
  // as mantissa + "e" + a multiple of 3 ("1500e3").
  [[nodiscard]] std::string String() const;

  // Quantities compare by their byte value only, like resource.Quantity.Cmp: "1Gi" == "1024Mi".
  friend bool operator==(const Quantity& a, const Quantity& b) { return a.bytes_ == b.bytes_; }
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) {
    return a.bytes_ <=> b.bytes_;
  }

 private:
  Quantity(int64_t bytes, Format format) : bytes_(bytes), format_(format) {}

  int64_t bytes_ = 0;
  Format format_ = Format::kBinarySI;
};

}  // namespace gpuext
