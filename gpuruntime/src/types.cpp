// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/types.h"

#include <charconv>

namespace gpuext::gpuruntime {
namespace {

// Parses a run of 1..max_digits ASCII digits at the front of `text`; advances `text` past it.
std::optional<int> TakeNumber(std::string_view& text, size_t max_digits) {
  size_t n = 0;
  while (n < text.size() && text[n] >= '0' && text[n] <= '9')
    ++n;
  if (n == 0 || n > max_digits)
    return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + n, value);
  text.remove_prefix(n);
  return value;
}

}  // namespace

std::optional<DriverVersion> DriverVersion::Parse(std::string_view text) {
  DriverVersion version;
  version.text_ = std::string(text);
  std::string_view rest = text;
  std::string_view branch_digits = rest.substr(0, 3);
  auto branch = TakeNumber(rest, 3);
  if (!branch || branch_digits.size() != 3 || text.size() < 3 || rest.size() != text.size() - 3) {
    return std::nullopt;
  }
  version.branch_ = *branch;
  if (rest.empty())
    return version;
  if (rest.front() != '.')
    return std::nullopt;
  rest.remove_prefix(1);
  version.minor_ = TakeNumber(rest, 3);
  if (!version.minor_)
    return std::nullopt;
  if (rest.empty())
    return version;
  if (rest.front() != '.')
    return std::nullopt;
  rest.remove_prefix(1);
  version.patch_ = TakeNumber(rest, 3);
  if (!version.patch_ || !rest.empty())
    return std::nullopt;
  return version;
}

std::strong_ordering operator<=>(const DriverVersion& a, const DriverVersion& b) {
  if (auto c = a.branch_ <=> b.branch_; c != 0)
    return c;
  // A branch alone (nullopt) sorts before any of its versions; optional's ordering does that.
  if (auto c = a.minor_ <=> b.minor_; c != 0)
    return c;
  if (auto c = a.patch_ <=> b.patch_; c != 0)
    return c;
  // "580.95.5" and "580.95.05" compare equal numerically; order by text to stay consistent
  // with operator==.
  return a.text_ <=> b.text_;
}

std::string_view ToString(ModuleType type) {
  return type == ModuleType::kOpen ? "open" : "proprietary";
}

std::string_view ToString(ModuleTypePref pref) {
  switch (pref) {
    case ModuleTypePref::kAuto:
      return "auto";
    case ModuleTypePref::kOpen:
      return "open";
    case ModuleTypePref::kProprietary:
      return "proprietary";
  }
  return "auto";
}

std::optional<ModuleType> ParseModuleType(std::string_view text) {
  if (text == "open")
    return ModuleType::kOpen;
  if (text == "proprietary")
    return ModuleType::kProprietary;
  return std::nullopt;
}

std::optional<ModuleTypePref> ParseModuleTypePref(std::string_view text) {
  if (text == "auto")
    return ModuleTypePref::kAuto;
  if (text == "open")
    return ModuleTypePref::kOpen;
  if (text == "proprietary")
    return ModuleTypePref::kProprietary;
  return std::nullopt;
}

std::string_view ToString(Arch arch) { return arch == Arch::kAmd64 ? "amd64" : "arm64"; }

std::optional<Arch> ParseArch(std::string_view text) {
  if (text == "amd64" || text == "x86_64")
    return Arch::kAmd64;
  if (text == "arm64" || text == "aarch64")
    return Arch::kArm64;
  return std::nullopt;
}

std::string_view UnameMachine(Arch arch) { return arch == Arch::kAmd64 ? "x86_64" : "aarch64"; }

std::string_view MultiarchTriplet(Arch arch) {
  return arch == Arch::kAmd64 ? "x86_64-linux-gnu" : "aarch64-linux-gnu";
}

std::string_view ToString(CdiMode mode) {
  switch (mode) {
    case CdiMode::kNone:
      return "none";
    case CdiMode::kEnableInConfig:
      return "enableInConfig";
    case CdiMode::kBuiltin:
      return "builtin";
  }
  return "none";
}

std::optional<CdiMode> ParseCdiMode(std::string_view text) {
  if (text == "none")
    return CdiMode::kNone;
  if (text == "enableInConfig")
    return CdiMode::kEnableInConfig;
  if (text == "builtin")
    return CdiMode::kBuiltin;
  return std::nullopt;
}

}  // namespace gpuext::gpuruntime
