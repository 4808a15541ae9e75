// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Machine image versions ("1877.5", "1877.5.0", "1592") and the constraints the component
// configuration writes about them (">= 2150.8", "< 1877", ">= 1592, < 1877"):
//
//   VersionConstraint c = *VersionConstraint::Parse(">= 2150.8");
//   c.Matches(*ImageVersion::Parse("2150.9.0"));   // true
//
// Pure values, safe for concurrent use.

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::gpuruntime::api {

// A dotted numeric version of one to three parts. Missing parts compare as 0, so "1877" ==
// "1877.0" == "1877.0.0".
class ImageVersion {
 public:
  // nullopt unless the text is 1-3 dot-separated decimal numbers (no sign, no suffix).
  static std::optional<ImageVersion> Parse(std::string_view text);

  [[nodiscard]] int major() const { return parts_[0]; }
  [[nodiscard]] int minor() const { return parts_[1]; }
  [[nodiscard]] int patch() const { return parts_[2]; }
  [[nodiscard]] const std::string& String() const { return text_; }  // as written

  friend bool operator==(const ImageVersion& a, const ImageVersion& b) {
    return a.parts_ == b.parts_;
  }
  friend std::strong_ordering operator<=>(const ImageVersion& a, const ImageVersion& b) {
    return a.parts_ <=> b.parts_;
  }

 private:
  std::vector<int> parts_ = {0, 0, 0};  // always three
  std::string text_;
};

// A conjunction of comparisons, separated by commas: "<op> <version>" with op one of
// >=, >, <=, <, =, ==, != (spaces optional). Value type.
class VersionConstraint {
 public:
  // nullopt when any comparison is malformed or the text is empty.
  static std::optional<VersionConstraint> Parse(std::string_view text);

  [[nodiscard]] bool Matches(const ImageVersion& version) const;
  [[nodiscard]] const std::string& String() const { return text_; }  // as written

  friend bool operator==(const VersionConstraint& a, const VersionConstraint& b) {
    return a.text_ == b.text_;
  }

 private:
  struct Comparison {
    std::string op;
    ImageVersion version;
  };
  std::vector<Comparison> comparisons_;
  std::string text_;
};

}  // namespace gpuext::gpuruntime::api
