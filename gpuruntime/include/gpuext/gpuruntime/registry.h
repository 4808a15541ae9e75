// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Picking a vendor (DESIGN.md §16): by the ContainerRuntime type of a worker pool, with
// NullVendor for anything unknown, and a decorator that turns a vendor that throws into
// NullVendor answers plus a reason for a condition, instead of a crash loop.
//
//   const GpuVendor& vendor = VendorFor(runtime_type);        // never throws
//   if (vendor.Name() == "none") log.Info("no GPU vendor for runtime", "type", runtime_type);
//
//   FallbackVendor safe(VendorFor("nvidia"));
//   auto files = safe.NodeFiles(version);
//   if (auto failure = safe.failure()) SetCondition(..., *failure);

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/null_vendor.h"
#include "gpuext/gpuruntime/vendor.h"

namespace gpuext::gpuruntime {

// The vendor for a ContainerRuntime type: "nvidia" → NvidiaVendor; anything else → a
// NullVendor (the caller logs; a pure library does not). The returned objects live for the
// whole program.
const GpuVendor& VendorFor(std::string_view runtime_type);

// Every vendor whose devices we label (NvidiaVendor, AmdVendor, IntelVendor), for the NFD rules.
std::vector<const GpuVendor*> LabelledVendors();

// Wraps a vendor: every call goes to `inner` until one throws anything other than an argument
// error (gpuext::Error kInvalidArgument, which is the caller's fault and passes through); from
// then on every call answers as NullVendor does, and failure() says why. Safe for concurrent use
// when `inner` is; `inner` must outlive this object.
class FallbackVendor final : public GpuVendor {
 public:
  explicit FallbackVendor(const GpuVendor& inner) : inner_(inner) {}

  // "<vendor>: <what failed>: <exception text>" once a call has failed; nullopt before.
  [[nodiscard]] std::optional<std::string> failure() const;

  [[nodiscard]] std::string_view Name() const override;
  [[nodiscard]] uint16_t PciVendorId() const override;
  [[nodiscard]] std::vector<Device> Detect(const PciScan& scan) const override;
  [[nodiscard]] bool NeedsKernelModuleBuild() const override;
  [[nodiscard]] ModuleTypeDecision ChooseModuleType(const std::vector<Device>& devices,
                                                    const DriverVersion& version,
                                                    ModuleTypePref pref) const override;
  [[nodiscard]] RuntimeIntegration Runtime() const override;
  [[nodiscard]] std::vector<ContainerdPatch> ContainerdPatches(
      const ContainerdDialect& dialect, CgroupDriver cgroup_driver) const override;
  [[nodiscard]] std::vector<ContainerdPatch> ContainerdRemovalPatches(
      const ContainerdDialect& dialect) const override;
  [[nodiscard]] std::vector<OscFile> NodeFiles(const DriverVersion& version) const override;
  [[nodiscard]] std::vector<std::string> NodeFilePaths() const override;
  [[nodiscard]] ModuleParams ModuleParameters(const DriverVersion& version) const override;
  [[nodiscard]] std::vector<PciMatch> NfdMatchers() const override;
  [[nodiscard]] std::vector<UserspaceFile> UserspaceFileList(const DriverVersion& version,
                                                             Arch arch) const override;

 private:
  // Runs `call` on the inner vendor unless it already failed; on failure records it and runs
  // `fallback` on the null vendor.
  template <typename Call, typename Fallback>
  auto Guard(std::string_view what, Call call, Fallback fallback) const -> decltype(fallback());

  const GpuVendor& inner_;
  NullVendor null_;
  mutable std::mutex mu_;  // guards failure_
  mutable std::optional<std::string> failure_;
};

}  // namespace gpuext::gpuruntime
