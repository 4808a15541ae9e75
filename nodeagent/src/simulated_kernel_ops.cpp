// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// SimulatedKernelOps: the SIMULATED kernel backend. It keeps proc/modules, proc/devices,
// sys/module/<m>/ and proc/driver/nvidia/ in the host tree the way a kernel would after the same
// calls, so everything above KernelOps runs unchanged in CI. No module reaches a real kernel.
#include <algorithm>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/gpuruntime/pci.h"
#include "gpuext/nodeagent/kernel_ops.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDependencyDepth = 16;
constexpr unsigned kNvidiaMajor = 195;  // fixed by the NVIDIA driver (§13.3 step 9)

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  WriteFileAtomically(path, text, 0644);
}

std::string Trim(std::string text) {
  const size_t end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  return text;
}

// <root>/lib/modules/<release>/**/<name>.ko, '-' and '_' equivalent as in modprobe.
std::optional<fs::path> FindModule(const fs::path& root, const std::string& release,
                                   const std::string& name) {
  const fs::path dir = root / "lib/modules" / release;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return std::nullopt;
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".ko" && KernelModuleName(p.stem().string()) == name &&
        entry.is_regular_file()) {
      return p;
    }
  }
  return std::nullopt;
}

std::vector<std::string> SplitDepends(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) {
      out.push_back(KernelModuleName(item));
    }
  }
  return out;
}

// Character devices a module registers when loaded (names as the NVIDIA modules use them).
std::vector<std::string> DevicesOf(const std::string& module) {
  if (module == "nvidia") {
    return {"nvidia-frontend", "nvidia-caps"};
  }
  if (module == "nvidia_uvm") {
    return {"nvidia-uvm"};
  }
  return {};
}

LoadedModule* Find(std::vector<LoadedModule>& modules, const std::string& name) {
  const auto it = std::find_if(modules.begin(), modules.end(),
                               [&](const LoadedModule& m) { return m.name == name; });
  return it == modules.end() ? nullptr : &*it;
}

// Reads one sysfs hex attribute of a PCI device ("0x10de\n"); 0 when unreadable.
unsigned long ReadHex(const fs::path& path) {
  const std::string text = Trim(ReadFileIfExists(path).value_or(""));
  try {
    return std::stoul(text, nullptr, 16);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

SimulatedKernelOps::SimulatedKernelOps(HostPaths host, Options options)
    : host_(std::move(host)), options_(std::move(options)) {
  if (!options_.read_modinfo) {
    throw Error(ErrorCode::kInvalidArgument, "SimulatedKernelOps needs a ModinfoReader");
  }
  options_.logger.Info("SIMULATED kernel backend: no module is loaded into the real kernel",
                       {{"release", options_.release}, {"hostRoot", host_.root.string()}});
}

std::string SimulatedKernelOps::Release() { return options_.release; }
std::string SimulatedKernelOps::Machine() { return options_.machine; }

std::vector<LoadedModule> SimulatedKernelOps::LoadedModules() {
  std::lock_guard lock(mu_);
  return ReadModules();
}

std::vector<LoadedModule> SimulatedKernelOps::ReadModules() const {
  return ParseProcModules(ReadFileIfExists(host_.ProcModules()).value_or(""));
}

void SimulatedKernelOps::WriteModules(const std::vector<LoadedModule>& modules) const {
  WriteText(host_.ProcModules(), FormatProcModules(modules));
}

void SimulatedKernelOps::LoadModule(const fs::path& module_root, std::string_view name,
                                    const std::vector<std::string>& params, std::stop_token stop) {
  if (stop.stop_requested()) {
    throw Error(ErrorCode::kTimeout, "SIMULATED modprobe " + std::string(name) + ": stopped");
  }
  std::lock_guard lock(mu_);
  LoadLocked(module_root.empty() ? host_.root : module_root, KernelModuleName(name), params, 0);
}

void SimulatedKernelOps::LoadLocked(const fs::path& root, const std::string& name,
                                    const std::vector<std::string>& params, int depth) {
  if (depth > kMaxDependencyDepth) {
    throw Error(ErrorCode::kInvalidArgument, "SIMULATED modprobe " + name + ": dependency loop");
  }
  std::vector<LoadedModule> modules = ReadModules();
  if (Find(modules, name) != nullptr) {
    return;  // modprobe of a loaded module succeeds and changes nothing
  }
  const std::optional<fs::path> file = FindModule(root, options_.release, name);
  if (!file) {
    throw Error(ErrorCode::kNotFound, "SIMULATED modprobe: module " + name + " not found in " +
                                          (root / "lib/modules" / options_.release).string());
  }
  std::map<std::string, std::string> info = options_.read_modinfo(*file);
  const std::string& vermagic = info["vermagic"];
  if (vermagic.rfind(options_.release + " ", 0) != 0) {
    throw Error(ErrorCode::kConfigurationProblem,
                "SIMULATED modprobe " + name + ": Exec format error: module vermagic \"" +
                    vermagic + "\" does not match the running kernel " + options_.release);
  }
  for (const std::string& dep : SplitDepends(info["depends"])) {
    if (Find(modules, dep) == nullptr && !FindModule(root, options_.release, dep)) {
      throw Error(ErrorCode::kNotFound, "SIMULATED modprobe " + name + ": depends on " + dep +
                                            ", which is neither loaded nor in " + root.string());
    }
    LoadLocked(root, dep, {}, depth + 1);
  }
  modules = ReadModules();  // the dependencies changed it
  for (const std::string& dep : SplitDepends(info["depends"])) {
    LoadedModule* m = Find(modules, dep);
    m->refcount++;
    m->used_by.push_back(name);
  }
  modules.push_back({name, fs::file_size(*file), 0, {}, "Live"});
  WriteModules(modules);
  const fs::path sys = host_.Resolve("sys/module") / name;
  if (!info["version"].empty()) {
    WriteText(sys / "version", info["version"] + "\n");
  }
  for (const std::string& param : params) {
    const size_t eq = param.find('=');
    WriteText(sys / "parameters" / param.substr(0, eq),
              (eq == std::string::npos ? "Y" : param.substr(eq + 1)) + "\n");
  }
  RegisterDevices(name);
  if (name == "nvidia") {
    WriteGpuInformation();
  }
  options_.logger.Info("SIMULATED module loaded", {{"module", name},
                                                   {"file", file->string()},
                                                   {"vermagic", vermagic},
                                                   {"version", info["version"]}});
}

void SimulatedKernelOps::Unload(std::string_view name_in, std::stop_token /*stop*/) {
  std::lock_guard lock(mu_);
  const std::string name = KernelModuleName(name_in);
  std::vector<LoadedModule> modules = ReadModules();
  const LoadedModule* target = Find(modules, name);
  if (target == nullptr) {
    return;
  }
  if (target->refcount > 0) {
    std::string users;
    for (const std::string& u : target->used_by) {
      users += (users.empty() ? "" : ",") + u;
    }
    throw Error(ErrorCode::kConflict, "SIMULATED modprobe -r " + name +
                                          ": Module is in use (refcount " +
                                          std::to_string(target->refcount) + ", by " + users + ")");
  }
  std::erase_if(modules, [&](const LoadedModule& m) { return m.name == name; });
  for (LoadedModule& m : modules) {
    if (std::erase(m.used_by, name) > 0) {
      m.refcount--;
    }
  }
  WriteModules(modules);
  fs::remove_all(host_.Resolve("sys/module") / name);
  UnregisterDevices(name);
  if (name == "nvidia") {
    fs::remove_all(host_.Resolve("proc/driver/nvidia"));
  }
  options_.logger.Info("SIMULATED module unloaded", {{"module", name}});
}

std::optional<unsigned> SimulatedKernelOps::DeviceMajor(std::string_view name) {
  std::lock_guard lock(mu_);
  return ParseCharDeviceMajor(ReadFileIfExists(host_.ProcDevices()).value_or(""), name);
}

// proc/devices keeps its two sections; registered character devices go at the end of the first.
void SimulatedKernelOps::RegisterDevices(const std::string& module) {
  const std::vector<std::string> names = DevicesOf(module);
  if (names.empty()) {
    return;
  }
  std::string text = ReadFileIfExists(host_.ProcDevices())
                         .value_or("Character devices:\n  1 mem\n\nBlock devices:\n  7 loop\n");
  std::set<unsigned> used;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    unsigned major = 0;
    if (fields >> major) {
      used.insert(major);
    }
  }
  std::string added;
  unsigned next_dynamic = 511;  // the kernel hands dynamic majors out from 511 downwards
  for (const std::string& dev : names) {
    if (ParseCharDeviceMajor(text, dev)) {
      continue;
    }
    unsigned major = kNvidiaMajor;
    if (dev != "nvidia-frontend") {
      while (used.count(next_dynamic) != 0) {
        --next_dynamic;
      }
      major = next_dynamic;
    }
    used.insert(major);
    added += std::to_string(major) + " " + dev + "\n";
  }
  // Insert at the end of the character section: before the blank line that precedes
  // "Block devices:", or at the end of the text when there is no block section.
  size_t at = text.find("\nBlock devices:");
  if (at == std::string::npos) {
    at = text.size();
  } else {
    ++at;  // the start of the "Block devices:" line
    if (at >= 2 && text[at - 2] == '\n') {
      --at;  // before the blank line
    }
  }
  text.insert(at, added);
  WriteText(host_.ProcDevices(), text);
}

void SimulatedKernelOps::UnregisterDevices(const std::string& module) {
  const std::vector<std::string> names = DevicesOf(module);
  const std::optional<std::string> text = ReadFileIfExists(host_.ProcDevices());
  if (names.empty() || !text) {
    return;
  }
  std::string out;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    unsigned major = 0;
    std::string dev;
    const bool is_ours =
        (fields >> major >> dev) && std::find(names.begin(), names.end(), dev) != names.end();
    if (!is_ours) {
      out += line + "\n";
    }
  }
  WriteText(host_.ProcDevices(), out);
}

// The information file the real driver writes per GPU; "Device Minor" is what step 9 reads.
void SimulatedKernelOps::WriteGpuInformation() {
  std::error_code ec;
  std::vector<std::string> gpus;
  for (const auto& entry : fs::directory_iterator(host_.PciDevices(), ec)) {
    const unsigned long cls = ReadHex(entry.path() / "class") >> 8;
    if (ReadHex(entry.path() / "vendor") == gpuruntime::kPciVendorNvidia &&
        (cls == gpuruntime::kPciClassVgaController || cls == gpuruntime::kPciClass3dController)) {
      gpus.push_back(entry.path().filename().string());
    }
  }
  std::sort(gpus.begin(), gpus.end());
  for (size_t minor = 0; minor < gpus.size(); ++minor) {
    std::ostringstream info;
    info << "Model: \t\t SIMULATED NVIDIA GPU\n"
         << "IRQ:   \t\t 0\n"
         << "GPU UUID: \t GPU-00000000-0000-0000-0000-" << std::setw(12) << std::setfill('0')
         << minor << "\n"
         << "Bus Type: \t PCIe\n"
         << "Bus Location: \t " << gpus[minor] << "\n"
         << "Device Minor: \t " << minor << "\n"
         << "GPU Excluded:\t No\n";
    WriteText(host_.NvidiaGpuInformation(gpus[minor]), info.str());
  }
}

void SimulatedKernelOps::Mknod(const fs::path& path, unsigned major, unsigned minor,
                               unsigned mode) {
  std::lock_guard lock(mu_);
  WriteText(path, "SIMULATED character device " + std::to_string(major) + ":" +
                      std::to_string(minor) + "\n");
  fs::permissions(path, static_cast<fs::perms>(mode & 07777));
  options_.logger.Info("SIMULATED device node created",
                       {{"path", path.string()}, {"major", major}, {"minor", minor}});
}

void SimulatedKernelOps::WriteSysfs(const fs::path& path, std::string_view value) {
  std::lock_guard lock(mu_);
  WriteText(path, std::string(value));
  options_.logger.Info("SIMULATED sysfs write", {{"path", path.string()}});
}

}  // namespace gpuext::nodeagent
