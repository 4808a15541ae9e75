// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// HostTree: writes a fake host (sysfs, procfs, os-release, efivars) into a directory, so the
// node agent's detection and the SIMULATED kernel run against it through HostPaths{root}.
//
//   TempDir dir;
//   HostTree(dir.path()).GardenLinux().A100("0000:3b:00.0").NvSwitch("0000:0a:00.0")
//       .SecureBoot(true).Lockdown("[none] integrity confidentiality");
//   NodeFacts facts = Detect(HostPaths{dir.path()}, kernel);
//
// There is no GPU on the machines this project is built on, so no tree here is captured from a
// real node. The values are the public ones: PCI vendor and device ids from the PCI ID
// Repository (pci-ids.ucw.cz: 10de:20b0 "GA100 [A100 SXM4 40GB]", 10de:1eb8 "TU104GL [Tesla
// T4]", 10de:2330 "GH100 [H100 SXM5 80GB]", 10de:1af1 "GA100 [A100 NVSwitch]"), class codes
// from the PCI Code and ID Assignment specification (0x0302 3D controller, 0x0680 other bridge),
// and the sysfs/procfs/efivar formats from the kernel's documentation (ABI/testing/sysfs-bus-pci,
// proc(5), efivarfs). The tree mirrors sysfs's shape: bus/pci/devices/<bdf> are symlinks into
// devices/pci0000:00/, and `driver` is a symlink into bus/pci/drivers/.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace gpuext::testing {

// One PCI function as sysfs shows it.
struct PciFixture {
  std::string address;  // "0000:3b:00.0"
  uint16_t vendor = 0;
  uint16_t device = 0;
  uint32_t class_code = 0;  // 24 bits, e.g. 0x030200
  std::string driver = {};  // bound driver's name; empty = unbound
};

// Builder over an existing directory (usually a TempDir). Every method writes at once and
// returns *this. Throws std::filesystem::filesystem_error on I/O failure. Confined to one thread.
class HostTree {
 public:
  explicit HostTree(std::filesystem::path root);

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }

  // A file at `relative` (parents created), replacing what is there.
  HostTree& File(std::string_view relative, std::string_view content);
  // A symlink at `relative` pointing at `target` (as given; relative targets stay relative).
  HostTree& Symlink(std::string_view relative, std::string_view target);
  // Removes `relative` and everything under it.
  HostTree& Remove(std::string_view relative);

  // --- PCI (sys/bus/pci/devices) ---
  HostTree& Pci(const PciFixture& device);
  // NVIDIA A100 SXM4 40GB, 10de:20b0, class 0x030200 (3D controller).
  HostTree& A100(std::string_view address = "0000:3b:00.0", std::string_view driver = "");
  // NVIDIA Tesla T4, 10de:1eb8, class 0x030200.
  HostTree& T4(std::string_view address = "0000:00:1e.0", std::string_view driver = "");
  // NVIDIA H100 SXM5 80GB, 10de:2330, class 0x030200.
  HostTree& H100(std::string_view address = "0000:18:00.0", std::string_view driver = "");
  // NVIDIA NVSwitch (A100 HGX generation), 10de:1af1, class 0x068000 (bridge, other).
  HostTree& NvSwitch(std::string_view address = "0000:07:00.0");
  // A virtio network device, 1af4:1041, class 0x020000, bound to virtio-pci: not a GPU.
  HostTree& VirtioNet(std::string_view address = "0000:00:03.0");
  // An ASPEED BMC graphics controller, 1a03:2000, class 0x030000 (VGA) bound to ast: a display
  // device of another vendor, which must not count as a GPU.
  HostTree& AspeedVga(std::string_view address = "0000:02:00.0");

  // --- OS ---
  // etc/os-release in Garden Linux's shape (ID=gardenlinux, VERSION_ID and GARDENLINUX_VERSION
  // = `version`, quoted NAME/PRETTY_NAME, GARDENLINUX_* build fields).
  HostTree& GardenLinux(std::string_view version = "1877.5");
  HostTree& OsRelease(std::string_view content);

  // --- Security state ---
  // sys/firmware/efi/efivars/SecureBoot-<guid>: 4 attribute bytes (0x06 0x00 0x00 0x00:
  // boot-service and runtime access), then 1 or 0.
  HostTree& SecureBoot(bool enabled);
  // The variable's raw bytes, for malformed cases.
  HostTree& SecureBootVariable(std::string_view bytes);
  // sys/firmware/efi/efivars/ with an unrelated variable but no SecureBoot one.
  HostTree& EfiWithoutSecureBoot();
  HostTree& Lockdown(std::string_view content);  // "[none] integrity confidentiality\n"
  HostTree& SigEnforce(bool enforced);           // "Y\n" / "N\n"

  // --- Kernel state ---
  // proc/modules and proc/devices of an idle node (a few common modules, standard devices).
  HostTree& IdleKernel();
  // The nvidia module loaded at `version`: sys/module/nvidia/version, a proc/modules line.
  HostTree& LoadedNvidia(std::string_view version);
  // A SIMULATED kernel module file at `relative`: not ELF, only what a .modinfo section holds
  // ("key=value" strings, each NUL-terminated), read back by ReadFakeModinfo. For
  // SimulatedKernelOps, whose ModinfoReader tests set to ReadFakeModinfo.
  HostTree& FakeKernelModule(std::string_view relative,
                             const std::map<std::string, std::string>& modinfo);

 private:
  std::filesystem::path root_;
};

// The modinfo of a file written by HostTree::FakeKernelModule. Throws
// std::filesystem::filesystem_error when it cannot be read.
[[nodiscard]] std::map<std::string, std::string> ReadFakeModinfo(
    const std::filesystem::path& module_file);

}  // namespace gpuext::testing
