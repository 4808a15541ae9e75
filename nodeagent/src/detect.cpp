// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/detect.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

#include "gpuext/error.h"
#include "gpuext/files.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;

std::string TrimCopy(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  const size_t end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

// Reads a small host file; nullopt when absent, and a problem line when unreadable.
std::optional<std::string> ReadHostFile(const fs::path& path, std::vector<std::string>& problems) {
  try {
    return ReadFileIfExists(path);
  } catch (const std::exception& e) {
    problems.push_back(e.what());
    return std::nullopt;
  }
}

std::optional<gpuruntime::PciDevice> ReadDevice(const fs::path& dir,
                                                std::vector<std::string>& problems) {
  gpuruntime::PciDevice device;
  device.address = dir.filename().string();
  uint32_t values[3] = {0, 0, 0};
  const char* names[3] = {"vendor", "device", "class"};
  for (int i = 0; i < 3; ++i) {
    const std::optional<std::string> text = ReadHostFile(dir / names[i], problems);
    const std::optional<uint32_t> value = text ? ParseSysfsHex(*text) : std::nullopt;
    if (!value) {
      problems.push_back("PCI device " + device.address + ": " + names[i] +
                         (text ? " is not hex: \"" + TrimCopy(*text) + "\"" : " is missing"));
      return std::nullopt;
    }
    values[i] = *value;
  }
  device.vendor_id = static_cast<uint16_t>(values[0]);
  device.device_id = static_cast<uint16_t>(values[1]);
  device.class_code = values[2];
  std::error_code ec;
  const fs::path driver = fs::read_symlink(dir / "driver", ec);
  if (!ec) {
    device.driver = driver.filename().string();
  }
  return device;
}

SecureBoot ReadSecureBoot(const HostPaths& host, std::vector<std::string>& problems) {
  std::error_code ec;
  if (!fs::exists(host.EfiDir(), ec)) {
    return SecureBoot::kDisabled;  // booted without UEFI: there is no Secure Boot
  }
  const fs::path vars = host.SecureBootVariable().parent_path();
  if (!fs::is_directory(vars, ec) || fs::is_empty(vars, ec)) {
    problems.push_back("Secure Boot state unknown: " + vars.string() +
                       " is empty (efivarfs not mounted?)");
    return SecureBoot::kUnknown;
  }
  const std::optional<std::string> bytes = ReadHostFile(host.SecureBootVariable(), problems);
  if (!bytes) {
    return SecureBoot::kDisabled;  // UEFI without the variable: Secure Boot not supported
  }
  const SecureBoot state = ParseSecureBootVariable(*bytes);
  if (state == SecureBoot::kUnknown) {
    problems.push_back("Secure Boot state unknown: " + host.SecureBootVariable().string() +
                       " has " + std::to_string(bytes->size()) + " bytes");
  }
  return state;
}

}  // namespace

std::optional<uint32_t> ParseSysfsHex(std::string_view text) {
  std::string t = TrimCopy(text);
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    t.erase(0, 2);
  }
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value, 16);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    return std::nullopt;
  }
  return value;
}

std::string ParseLockdown(std::string_view text) {
  const size_t open = text.find('[');
  const size_t close = text.find(']', open);
  if (open == std::string_view::npos || close == std::string_view::npos) {
    return {};
  }
  return std::string(text.substr(open + 1, close - open - 1));
}

std::string_view ToString(SecureBoot state) {
  switch (state) {
    case SecureBoot::kEnabled:
      return "enabled";
    case SecureBoot::kDisabled:
      return "disabled";
    case SecureBoot::kUnknown:
      break;
  }
  return "unknown";
}

SecureBoot ParseSecureBootVariable(std::string_view bytes) {
  if (bytes.size() < 5) {
    return SecureBoot::kUnknown;  // attributes only, or nothing
  }
  switch (bytes.back()) {
    case 1:
      return SecureBoot::kEnabled;
    case 0:
      return SecureBoot::kDisabled;
    default:
      return SecureBoot::kUnknown;
  }
}

bool IsNvidiaGpu(const gpuruntime::PciDevice& device) {
  const uint16_t cls = device.ClassId();
  return device.vendor_id == gpuruntime::kPciVendorNvidia &&
         (cls == gpuruntime::kPciClassVgaController || cls == gpuruntime::kPciClass3dController);
}

bool IsNvSwitch(const gpuruntime::PciDevice& device) {
  return device.vendor_id == gpuruntime::kPciVendorNvidia &&
         device.ClassId() == gpuruntime::kPciClassBridgeOther;
}

bool NodeFacts::IsLoaded(std::string_view module) const {
  const std::string name = KernelModuleName(module);
  return std::find(loaded_modules.begin(), loaded_modules.end(), name) != loaded_modules.end();
}

bool NodeFacts::RequiresSignedModules() const {
  return secure_boot != SecureBoot::kDisabled || sig_enforce || lockdown == "integrity" ||
         lockdown == "confidentiality";
}

gpuruntime::PciScan ScanPci(const HostPaths& host, std::vector<std::string>& problems) {
  gpuruntime::PciScan scan;
  std::error_code ec;
  fs::directory_iterator it(host.PciDevices(), ec);
  if (ec) {
    problems.push_back("cannot list " + host.PciDevices().string() + ": " + ec.message());
    return scan;
  }
  for (const fs::directory_entry& entry : it) {
    if (std::optional<gpuruntime::PciDevice> device = ReadDevice(entry.path(), problems)) {
      scan.devices.push_back(std::move(*device));
    }
  }
  std::sort(scan.devices.begin(), scan.devices.end(),
            [](const auto& a, const auto& b) { return a.address < b.address; });
  return scan;
}

NodeFacts Detect(const HostPaths& host, KernelOps& kernel) {
  NodeFacts facts;
  facts.pci = ScanPci(host, facts.problems);
  for (const gpuruntime::PciDevice& device : facts.pci.devices) {
    if (IsNvidiaGpu(device)) {
      facts.gpus.push_back(device);
    } else if (IsNvSwitch(device)) {
      facts.nvswitches.push_back(device);
    }
  }
  if (const auto text = ReadHostFile(host.OsRelease(), facts.problems)) {
    facts.os = ParseOsRelease(*text);
  } else {
    facts.problems.push_back(host.OsRelease().string() + " is missing");
  }
  facts.kernel_release = kernel.Release();
  facts.machine = kernel.Machine();
  facts.arch = gpuruntime::ParseArch(facts.machine);
  facts.secure_boot = ReadSecureBoot(host, facts.problems);
  if (const auto text = ReadHostFile(host.Lockdown(), facts.problems)) {
    facts.lockdown = ParseLockdown(*text);
  }
  if (const auto text = ReadHostFile(host.SigEnforce(), facts.problems)) {
    const std::string value = TrimCopy(*text);
    facts.sig_enforce = value == "Y" || value == "1";
  }
  if (const auto text = ReadHostFile(host.ModuleVersion("nvidia"), facts.problems)) {
    if (std::string version = TrimCopy(*text); !version.empty()) {
      facts.loaded_driver = std::move(version);
    }
  }
  for (const LoadedModule& m : kernel.LoadedModules()) {
    facts.loaded_modules.push_back(m.name);
  }
  return facts;
}

}  // namespace gpuext::nodeagent
