// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/api/version_constraint.h"

#include <array>
#include <charconv>

namespace gpuext::gpuruntime::api {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<ImageVersion> ImageVersion::Parse(std::string_view text) {
  ImageVersion out;
  out.text_ = std::string(text);
  size_t part = 0;
  while (true) {
    if (part == 3 || text.empty() || text.front() < '0' || text.front() > '9') {
      return std::nullopt;
    }
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc()) {
      return std::nullopt;
    }
    out.parts_[part++] = value;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    if (text.empty()) {
      return out;
    }
    if (text.front() != '.') {
      return std::nullopt;
    }
    text.remove_prefix(1);
  }
}

std::optional<VersionConstraint> VersionConstraint::Parse(std::string_view text) {
  VersionConstraint out;
  out.text_ = std::string(text);
  std::string_view rest = text;
  while (true) {
    const size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    static constexpr std::array<std::string_view, 7> kOps = {">=", "<=", "==", "!=", ">", "<", "="};
    std::string op;
    for (std::string_view candidate : kOps) {
      if (item.starts_with(candidate)) {
        op = std::string(candidate);
        break;
      }
    }
    if (op.empty()) {
      return std::nullopt;
    }
    const std::optional<ImageVersion> version = ImageVersion::Parse(Trim(item.substr(op.size())));
    if (!version) {
      return std::nullopt;
    }
    out.comparisons_.push_back({op == "==" ? "=" : op, *version});
    if (comma == std::string_view::npos) {
      return out;
    }
    rest.remove_prefix(comma + 1);
  }
}

bool VersionConstraint::Matches(const ImageVersion& version) const {
  for (const Comparison& c : comparisons_) {
    const auto order = version <=> c.version;
    const bool ok = (c.op == ">=" && order >= 0) || (c.op == ">" && order > 0) ||
                    (c.op == "<=" && order <= 0) || (c.op == "<" && order < 0) ||
                    (c.op == "=" && order == 0) || (c.op == "!=" && order != 0);
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace gpuext::gpuruntime::api
