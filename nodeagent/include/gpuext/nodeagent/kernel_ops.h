// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// KernelOps: everything the node agent asks of the running kernel (DESIGN.md §13.2), behind one
// interface so every step runs in a temporary directory under test.
//
//   RealKernelOps       uname(2), `modprobe [-d root]` through a CommandRunner, mknod(2), and
//                       proc/modules, proc/devices read under HostPaths.
//   SimulatedKernelOps  (--kernel-backend=simulated) keeps the same files inside a host tree so
//                       the rest of the agent cannot tell; it checks a module's vermagic before
//                       "loading" it exactly as the kernel would refuse it. SIMULATED: no
//                       module is ever loaded into a real kernel.
//
//   RealKernelOps kernel(host, runner);
//   kernel.LoadModule(host.DriverRoot(), "nvidia", {"NVreg_CoherentGPUMemoryMode=driver"}, stop);
//   const std::optional<unsigned> uvm = kernel.DeviceMajor("nvidia-uvm");

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/logger.h"
#include "gpuext/nodeagent/command_runner.h"
#include "gpuext/nodeagent/host.h"

namespace gpuext::nodeagent {

// One line of /proc/modules: "nvidia_uvm 1441792 0 - Live 0xffffffffc1234000 (POE)".
struct LoadedModule {
  std::string name;  // as the kernel spells it: '_' never '-'
  uint64_t size = 0;
  int refcount = 0;
  std::vector<std::string> used_by;  // modules that depend on this one
  std::string state;                 // "Live", "Loading", "Unloading"
  friend bool operator==(const LoadedModule&, const LoadedModule&) = default;
};

// Parses /proc/modules text. Malformed lines are skipped (the file is the kernel's, and one odd
// line must not hide the others).
[[nodiscard]] std::vector<LoadedModule> ParseProcModules(std::string_view text);
// The inverse, in the kernel's format (address 0; SimulatedKernelOps writes it).
[[nodiscard]] std::string FormatProcModules(const std::vector<LoadedModule>& modules);
// The major of character device `name` in /proc/devices text, nullopt when not registered.
[[nodiscard]] std::optional<unsigned> ParseCharDeviceMajor(std::string_view text,
                                                           std::string_view name);
// "nvidia-uvm" -> "nvidia_uvm": modprobe accepts both, the kernel lists '_'.
[[nodiscard]] std::string KernelModuleName(std::string_view name);

// Implementations are safe for concurrent use only where stated; the installer calls them from
// its one RPC thread.
class KernelOps {
 public:
  virtual ~KernelOps() = default;

  // uname -r, e.g. "6.12.72-cloud-amd64".
  [[nodiscard]] virtual std::string Release() = 0;
  // uname -m, e.g. "x86_64" or "aarch64".
  [[nodiscard]] virtual std::string Machine() = 0;
  // proc/modules, parsed. An absent file is an empty list. Throws gpuext::Error when unreadable.
  [[nodiscard]] virtual std::vector<LoadedModule> LoadedModules() = 0;
  // Loads `name` ("nvidia", "nvidia-uvm") with `params` ("key=value"). With a non-empty
  // `module_root` the module and its dependencies come only from
  // <module_root>/lib/modules/<release>/ (`modprobe -d`, §13.3 step 8); empty means the host's
  // own modules. Loading a module that is loaded is a no-op, as with modprobe. Throws
  // gpuext::Error when the kernel refuses (vermagic, symbols, signature) or `stop` fires.
  virtual void LoadModule(const std::filesystem::path& module_root, std::string_view name,
                          const std::vector<std::string>& params, std::stop_token stop) = 0;
  // Unloads `name`; not loaded is a no-op. Throws gpuext::Error when it is in use.
  virtual void Unload(std::string_view name, std::stop_token stop) = 0;
  // The character-device major of `name` from proc/devices ("nvidia-uvm"), nullopt when the
  // driver has not registered it.
  [[nodiscard]] virtual std::optional<unsigned> DeviceMajor(std::string_view name) = 0;
  // Makes `path` a character device major:minor with exactly `mode` (umask ignored). An existing
  // node with the same numbers is kept (its mode is set); anything else at `path` is replaced.
  virtual void Mknod(const std::filesystem::path& path, unsigned major, unsigned minor,
                     unsigned mode) = 0;
  // Writes `value` into an existing sysfs attribute (never creates one on a real host).
  virtual void WriteSysfs(const std::filesystem::path& path, std::string_view value) = 0;
};

// The real kernel. Release and Machine come from uname(2) of the process (a container sees the
// host's kernel); proc files are read under `host`. Safe for concurrent use.
class RealKernelOps final : public KernelOps {
 public:
  struct Options {
    std::string modprobe = "modprobe";  // looked up in PATH of the command's env
    std::vector<std::string> env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
    std::chrono::milliseconds timeout = std::chrono::minutes(2);
  };

  RealKernelOps(HostPaths host, CommandRunner& runner)
      : RealKernelOps(std::move(host), runner, {}) {}
  RealKernelOps(HostPaths host, CommandRunner& runner, Options options)
      : host_(std::move(host)), runner_(runner), options_(std::move(options)) {}

  [[nodiscard]] std::string Release() override;
  [[nodiscard]] std::string Machine() override;
  [[nodiscard]] std::vector<LoadedModule> LoadedModules() override;
  void LoadModule(const std::filesystem::path& module_root, std::string_view name,
                  const std::vector<std::string>& params, std::stop_token stop) override;
  void Unload(std::string_view name, std::stop_token stop) override;
  [[nodiscard]] std::optional<unsigned> DeviceMajor(std::string_view name) override;
  void Mknod(const std::filesystem::path& path, unsigned major, unsigned minor,
             unsigned mode) override;
  void WriteSysfs(const std::filesystem::path& path, std::string_view value) override;

 private:
  HostPaths host_;
  CommandRunner& runner_;
  Options options_;
};

// The .modinfo fields of a module file ("vermagic", "version", "depends", ...). Injected so
// SimulatedKernelOps needs no ELF reader of its own; production passes the artifact library's
// ELF .modinfo reader, tests a reader of their fake modules.
using ModinfoReader =
    std::function<std::map<std::string, std::string>(const std::filesystem::path& module_file)>;

// SIMULATED kernel for CI and demos (flag --kernel-backend=simulated; DESIGN.md §13.2, §21.4).
// It never touches the real kernel. Loading a module:
//   1. finds <root>/lib/modules/<release>/**/<name>.ko (root = the host root when empty);
//   2. reads its .modinfo through the ModinfoReader and refuses, like the kernel's "Exec format
//      error", unless vermagic starts with the running release followed by a space;
//   3. loads the `depends=` modules first (from the same tree; absent and not loaded: refused);
//   4. appends it to proc/modules, writes sys/module/<m>/version and parameters/<k>, and for
//      nvidia registers 195 nvidia-frontend and nvidia-caps in proc/devices and writes
//      proc/driver/nvidia/gpus/<bdf>/information for every NVIDIA GPU found under
//      sys/bus/pci/devices (Device Minor in address order); nvidia_uvm registers nvidia-uvm.
// Mknod writes a regular file "SIMULATED character device <major>:<minor>" with the mode.
// Every action is logged with "SIMULATED" in the message. Safe for concurrent use (one mutex).
class SimulatedKernelOps final : public KernelOps {
 public:
  struct Options {
    std::string release = "6.12.72-cloud-amd64";  // a Garden Linux 1877 cloud kernel's form
    std::string machine = "x86_64";
    ModinfoReader read_modinfo;  // required
    Logger logger = Logger::Root().WithName("kernel");
  };

  // Throws gpuext::Error(kInvalidArgument) without a ModinfoReader.
  SimulatedKernelOps(HostPaths host, Options options);

  [[nodiscard]] std::string Release() override;
  [[nodiscard]] std::string Machine() override;
  [[nodiscard]] std::vector<LoadedModule> LoadedModules() override;
  void LoadModule(const std::filesystem::path& module_root, std::string_view name,
                  const std::vector<std::string>& params, std::stop_token stop) override;
  void Unload(std::string_view name, std::stop_token stop) override;
  [[nodiscard]] std::optional<unsigned> DeviceMajor(std::string_view name) override;
  void Mknod(const std::filesystem::path& path, unsigned major, unsigned minor,
             unsigned mode) override;
  void WriteSysfs(const std::filesystem::path& path, std::string_view value) override;

 private:
  void LoadLocked(const std::filesystem::path& module_root, const std::string& name,
                  const std::vector<std::string>& params, int depth);
  void RegisterDevices(const std::string& module);
  void UnregisterDevices(const std::string& module);
  void WriteGpuInformation();
  [[nodiscard]] std::vector<LoadedModule> ReadModules() const;
  void WriteModules(const std::vector<LoadedModule>& modules) const;

  HostPaths host_;
  Options options_;
  std::mutex mu_;  // serialises every read-modify-write of the simulated proc and sys files
};

}  // namespace gpuext::nodeagent
