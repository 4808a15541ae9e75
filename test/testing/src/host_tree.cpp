// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/testing/host_tree.h"

#include <cstdio>
#include <fstream>
#include <utility>

namespace gpuext::testing {

namespace fs = std::filesystem;

namespace {

std::string Hex(uint32_t value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%0*x\n", digits, value);
  return buf;
}

}  // namespace

HostTree::HostTree(fs::path root) : root_(std::move(root)) { fs::create_directories(root_); }

HostTree& HostTree::File(std::string_view relative, std::string_view content) {
  const fs::path path = root_ / fs::path(std::string(relative)).relative_path();
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) {
    throw fs::filesystem_error("cannot write", path, std::make_error_code(std::errc::io_error));
  }
  return *this;
}

HostTree& HostTree::Symlink(std::string_view relative, std::string_view target) {
  const fs::path path = root_ / fs::path(std::string(relative)).relative_path();
  fs::create_directories(path.parent_path());
  fs::remove(path);
  fs::create_symlink(fs::path(std::string(target)), path);
  return *this;
}

HostTree& HostTree::Remove(std::string_view relative) {
  fs::remove_all(root_ / fs::path(std::string(relative)).relative_path());
  return *this;
}

HostTree& HostTree::Pci(const PciFixture& d) {
  // Real sysfs: bus/pci/devices/<bdf> -> ../../../devices/pci0000:00/<bdf>.
  const std::string dir = "sys/devices/pci0000:00/" + d.address;
  File(dir + "/vendor", Hex(d.vendor, 4));
  File(dir + "/device", Hex(d.device, 4));
  File(dir + "/class", Hex(d.class_code, 6));
  if (!d.driver.empty()) {
    File("sys/bus/pci/drivers/" + d.driver + "/.keep", "");
    Symlink(dir + "/driver", "../../../bus/pci/drivers/" + d.driver);
  }
  return Symlink("sys/bus/pci/devices/" + d.address, "../../../devices/pci0000:00/" + d.address);
}

HostTree& HostTree::A100(std::string_view address, std::string_view driver) {
  return Pci({std::string(address), 0x10de, 0x20b0, 0x030200, std::string(driver)});
}
HostTree& HostTree::T4(std::string_view address, std::string_view driver) {
  return Pci({std::string(address), 0x10de, 0x1eb8, 0x030200, std::string(driver)});
}
HostTree& HostTree::H100(std::string_view address, std::string_view driver) {
  return Pci({std::string(address), 0x10de, 0x2330, 0x030200, std::string(driver)});
}
HostTree& HostTree::NvSwitch(std::string_view address) {
  return Pci({std::string(address), 0x10de, 0x1af1, 0x068000, ""});
}
HostTree& HostTree::VirtioNet(std::string_view address) {
  return Pci({std::string(address), 0x1af4, 0x1041, 0x020000, "virtio-pci"});
}
HostTree& HostTree::AspeedVga(std::string_view address) {
  return Pci({std::string(address), 0x1a03, 0x2000, 0x030000, "ast"});
}

HostTree& HostTree::GardenLinux(std::string_view version) {
  const std::string v(version);
  // The shape of Garden Linux's /etc/os-release (ID, quoted names, GARDENLINUX_* fields); the
  // commit id is made up.
  return OsRelease(
      "ID=gardenlinux\n"
      "NAME=\"Garden Linux\"\n"
      "PRETTY_NAME=\"Garden Linux " +
      v +
      "\"\n"
      "IMAGE_VERSION=" +
      v +
      "\n"
      "VARIANT_ID=aws-gardener_prod-amd64\n"
      "HOME_URL=\"https://gardenlinux.io\"\n"
      "VERSION_ID=" +
      v +
      "\n"
      "GARDENLINUX_CNAME=aws-gardener_prod-amd64-" +
      v +
      "\n"
      "GARDENLINUX_FEATURES=log,sap,ssh,_boot,_nopkg,_prod,_slim,base,server,cloud,"
      "aws,gardener\n"
      "GARDENLINUX_VERSION=" +
      v +
      "\n"
      "GARDENLINUX_COMMIT_ID=0123abcd\n");
}

HostTree& HostTree::OsRelease(std::string_view content) { return File("etc/os-release", content); }

HostTree& HostTree::SecureBoot(bool enabled) {
  return SecureBootVariable(std::string("\x06\x00\x00\x00", 4) + (enabled ? '\x01' : '\x00'));
}

HostTree& HostTree::SecureBootVariable(std::string_view bytes) {
  return File("sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", bytes);
}

HostTree& HostTree::EfiWithoutSecureBoot() {
  return File("sys/firmware/efi/efivars/BootCurrent-8be4df61-93ca-11d2-aa0d-00e098032b8c",
              std::string("\x06\x00\x00\x00\x01\x00", 6));
}

HostTree& HostTree::Lockdown(std::string_view content) {
  return File("sys/kernel/security/lockdown", content);
}

HostTree& HostTree::SigEnforce(bool enforced) {
  return File("sys/module/module/parameters/sig_enforce", enforced ? "Y\n" : "N\n");
}

HostTree& HostTree::IdleKernel() {
  File("proc/modules",
       "overlay 204800 2 - Live 0x0000000000000000\n"
       "nf_conntrack 192512 1 - Live 0x0000000000000000\n"
       "virtio_net 73728 0 - Live 0x0000000000000000\n");
  return File("proc/devices",
              "Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n  5 /dev/tty\n 10 misc\n"
              "254 gpiochip\n\nBlock devices:\n  7 loop\n  8 sd\n259 blkext\n");
}

HostTree& HostTree::LoadedNvidia(std::string_view version) {
  File("sys/module/nvidia/version", std::string(version) + "\n");
  return File("proc/modules", "nvidia 61272064 0 - Live 0x0000000000000000 (POE)\n");
}

HostTree& HostTree::FakeKernelModule(std::string_view relative,
                                     const std::map<std::string, std::string>& modinfo) {
  std::string content;
  for (const auto& [key, value] : modinfo) {
    content += key + "=" + value;
    content.push_back('\0');
  }
  return File(relative, content);
}

std::map<std::string, std::string> ReadFakeModinfo(const fs::path& module_file) {
  std::ifstream in(module_file, std::ios::binary);
  if (!in) {
    throw fs::filesystem_error("cannot read", module_file,
                               std::make_error_code(std::errc::no_such_file_or_directory));
  }
  std::map<std::string, std::string> out;
  for (std::string entry; std::getline(in, entry, '\0');) {
    const size_t eq = entry.find('=');
    if (eq != std::string::npos) {
      out[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  }
  return out;
}

}  // namespace gpuext::testing
