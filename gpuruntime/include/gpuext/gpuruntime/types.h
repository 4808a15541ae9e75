// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Vocabulary shared by the seed controllers, the webhooks and the node agent (DESIGN.md §8, §13,
// §16): driver versions, kernel module types, CPU architectures. Pure values, no I/O.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gpuext::gpuruntime {

// An NVIDIA driver version as users write it: a branch "580" or a full version "580.95.05"
// ("NNN.NN" is accepted too). Ordered numerically; a branch sorts before its versions.
class DriverVersion {
 public:
  // Accepts `^\d{3}$` and `^\d{3}\.\d{1,3}(\.\d{1,3})?$` (DESIGN.md §8.3). nullopt otherwise.
  static std::optional<DriverVersion> Parse(std::string_view text);

  [[nodiscard]] int Branch() const { return branch_; }
  [[nodiscard]] bool IsBranchOnly() const { return !minor_.has_value(); }
  [[nodiscard]] std::optional<int> Minor() const { return minor_; }
  [[nodiscard]] std::optional<int> Patch() const { return patch_; }
  // The text it was parsed from, normalised: "580", "580.95", "580.95.05" (leading zeros of the
  // patch part kept, as NVIDIA's file names use them).
  [[nodiscard]] const std::string& String() const { return text_; }

  friend bool operator==(const DriverVersion& a, const DriverVersion& b) {
    return a.text_ == b.text_;
  }
  friend std::strong_ordering operator<=>(const DriverVersion& a, const DriverVersion& b);

 private:
  DriverVersion() = default;
  int branch_ = 0;
  std::optional<int> minor_;
  std::optional<int> patch_;
  std::string text_;
};

// Which kernel module flavour is built and loaded (DESIGN.md §13.3 step 2).
enum class ModuleType { kOpen, kProprietary };
// What the configuration asks for: auto lets the agent choose per node.
enum class ModuleTypePref { kAuto, kOpen, kProprietary };

std::string_view ToString(ModuleType type);      // "open" | "proprietary"
std::string_view ToString(ModuleTypePref pref);  // "auto" | "open" | "proprietary"
std::optional<ModuleType> ParseModuleType(std::string_view text);
std::optional<ModuleTypePref> ParseModuleTypePref(std::string_view text);

// CPU architecture in Kubernetes spelling (kubernetes.io/arch).
enum class Arch { kAmd64, kArm64 };

std::string_view ToString(Arch arch);  // "amd64" | "arm64"
// Accepts the Kubernetes names and the uname machine names: amd64/x86_64, arm64/aarch64.
std::optional<Arch> ParseArch(std::string_view text);
// The uname machine name: "x86_64" | "aarch64" (also NVIDIA's .run file "narch").
std::string_view UnameMachine(Arch arch);
// Debian multiarch library directory part: "x86_64-linux-gnu" | "aarch64-linux-gnu".
std::string_view MultiarchTriplet(Arch arch);

// How a machine image's containerd takes its configuration (DESIGN.md §8.4
// machineImages[].containerd, §12 dialect table). config_version 2 = containerd 1.6/1.7, 3
// = 2.0–2.2, 4 = 2.3.
enum class CdiMode {
  kNone,            // containerd 1.6: no CDI
  kEnableInConfig,  // containerd 1.7: enable_cdi/cdi_spec_dirs must be set in the CRI plugin
  kBuiltin,         // containerd 2.x: on by default
};
struct ContainerdDialect {
  int config_version = 2;
  CdiMode cdi = CdiMode::kEnableInConfig;
  friend bool operator==(const ContainerdDialect&, const ContainerdDialect&) = default;
};
std::string_view ToString(CdiMode mode);  // "none" | "enableInConfig" | "builtin"
std::optional<CdiMode> ParseCdiMode(std::string_view text);

// The node's cgroup driver as Gardener's OSC states it (criConfig.cgroupDriver).
enum class CgroupDriver { kSystemd, kCgroupfs };

}  // namespace gpuext::gpuruntime
