// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Steps 7–9 and the clean-up of the node agent (DESIGN.md §13.3–§13.5): merge the verified
// parts, stage and prepare the tree, unload another driver, load the modules in the configured
// order, make the device nodes, prune old trees and cache entries, and uninstall.
#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <signal.h>

#include "agent_impl.h"
#include "gpuext/files.h"
#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/nodeagent/device_nodes.h"
#include "gpuext/nodeagent/driver_root.h"

namespace gpuext::nodeagent {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kAgentHostFirmwarePath = "/run/nvidia/driver/lib/firmware";
constexpr auto kAgentToolTimeout = std::chrono::minutes(5);
const std::vector<std::string> kAgentToolEnv = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};

// The module files of a tree: kernel module name -> file.
std::map<std::string, fs::path> AgentTreeModules(const fs::path& root, const std::string& release) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  const fs::path dir = root / "lib/modules" / release;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().extension() == ".ko" && it->is_regular_file()) {
      out.emplace(KernelModuleName(it->path().stem().string()), it->path());
    }
  }
  return out;
}

// Whether the pid file names a process that exists (in the agent's pid namespace).
bool AgentDaemonAlive(const fs::path& pid_file) {
  const auto text = ReadFileIfExists(pid_file);
  if (!text) {
    return false;
  }
  try {
    const long pid = std::stol(*text);
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
  } catch (const std::exception&) {
    return false;
  }
}

bool AgentIsLoaded(KernelOps& kernel, const std::string& name) {
  const std::string k = KernelModuleName(name);
  const auto modules = kernel.LoadedModules();
  return std::any_of(modules.begin(), modules.end(),
                     [&](const LoadedModule& m) { return m.name == k; });
}

}  // namespace

std::vector<artifact::FileEntry> Agent::Impl::MergeParts(const AgentFetchedPart& kernel,
                                                         const AgentFetchedPart& userspace,
                                                         const fs::path& merged) {
  fs::remove_all(merged);
  fs::create_directories(merged);
  std::vector<artifact::FileEntry> files;
  std::set<std::string> seen;
  for (const AgentFetchedPart* part : {&kernel, &userspace}) {
    for (const artifact::FileEntry& f : part->files) {
      if (!seen.insert(f.path).second) {
        throw Error(ErrorCode::kConflict,
                    fmt::format("the kernel and the userspace part both hold {}; rebuild the "
                                "artifacts (the builder puts each file in one part)",
                                f.path));
      }
      const fs::path to = merged / f.path;
      fs::create_directories(to.parent_path());
      if (!f.link_target.empty()) {
        fs::create_symlink(f.link_target, to);
      } else {
        // Same filesystem (scratch): a hard link costs nothing. StageDriverTree re-hashes.
        fs::create_hard_link(part->tree / f.path, to);
      }
      files.push_back(f);
    }
  }
  return files;
}

void Agent::Impl::RunHostTools(const fs::path& tree, const std::string& kernel_release,
                               std::stop_token stop) {
  // modprobe -d needs modules.dep inside the tree; ldconfig -r writes the tree's own cache.
  RunChecked(*env.runner,
             {.argv = {"depmod", "-b", tree.string(), kernel_release},
              .env = kAgentToolEnv,
              .timeout = kAgentToolTimeout},
             stop);
  RunChecked(*env.runner,
             {.argv = {"ldconfig", "-r", tree.string()},
              .env = kAgentToolEnv,
              .timeout = kAgentToolTimeout},
             stop);
}

void Agent::Impl::RemoveNouveau(const NodeFacts& facts, std::stop_token stop) {
  if (!facts.IsLoaded("nouveau")) {
    return;
  }
  try {
    env.kernel->Unload("nouveau", stop);
  } catch (const std::exception& e) {
    throw AgentRefusal(std::string(kReasonNouveauLoaded),
                       std::string("nouveau is loaded and cannot be removed (") + e.what() +
                           "); the pool's OSC blacklists it, so rebooting the node fixes this");
  }
}

void Agent::Impl::UnloadOtherDriver(const NodeFacts& facts, std::stop_token stop) {
  if (!facts.loaded_driver || *facts.loaded_driver == config.driver.version) {
    return;
  }
  // TODO(node-agent): §13.5 drain (upgrade slot Lease, cordon, evictions, operand labels,
  // stopping the daemons, which hold the devices open) before this; without it the unload only
  // succeeds on a node where nothing uses the GPU.
  UnloadNvidiaModules("driver " + *facts.loaded_driver, stop);
}

// Unloads every loaded nvidia* module, users before the used (whatever the old configuration
// loaded, nvidia-peermem included). Throws AgentRefusal(DriverInUse) when one stays in use.
void Agent::Impl::UnloadNvidiaModules(const std::string& what, std::stop_token stop) {
  // First check that nothing outside the driver holds it (open devices, foreign modules), so a
  // refused unload leaves the driver whole instead of without nvidia-uvm.
  std::string held;
  for (const LoadedModule& m : env.kernel->LoadedModules()) {
    if (!m.name.starts_with("nvidia")) {
      continue;
    }
    const auto internal =
        std::count_if(m.used_by.begin(), m.used_by.end(),
                      [](const std::string& u) { return u.starts_with("nvidia"); });
    if (m.refcount > internal) {
      held += fmt::format("{}{} (used {} times", held.empty() ? "" : ", ", m.name, m.refcount);
      for (const std::string& u : m.used_by) {
        held += ", by " + u;
      }
      held += ")";
    }
  }
  if (!held.empty()) {
    throw AgentRefusal(std::string(kReasonDriverInUse),
                       fmt::format("{} is loaded and in use: {}; stop the GPU workloads on this "
                                   "node (drain it), then the agent retries",
                                   what, held));
  }
  for (int round = 0; round < 16; ++round) {
    std::vector<LoadedModule> ours;
    for (const LoadedModule& m : env.kernel->LoadedModules()) {
      if (m.name.starts_with("nvidia")) {
        ours.push_back(m);
      }
    }
    if (ours.empty()) {
      return;
    }
    std::string busy;
    bool unloaded = false;
    for (const LoadedModule& m : ours) {
      if (m.refcount > 0) {
        busy += fmt::format("{}{} (used {} times)", busy.empty() ? "" : ", ", m.name, m.refcount);
        continue;
      }
      try {
        env.kernel->Unload(m.name, stop);
        unloaded = true;
      } catch (const std::exception& e) {
        busy += fmt::format("{}{} ({})", busy.empty() ? "" : ", ", m.name, e.what());
      }
    }
    if (!unloaded) {
      throw AgentRefusal(std::string(kReasonDriverInUse),
                         fmt::format("{} is loaded and in use: {}; stop the GPU workloads on this "
                                     "node (drain it), then the agent retries",
                                     what, busy));
    }
  }
}

void Agent::Impl::LoadModules(const std::string& kernel_release, std::stop_token stop) {
  const fs::path root = env.host.DriverRoot();
  const std::map<std::string, fs::path> ours = AgentTreeModules(root, kernel_release);
  for (const std::string& module : config.driver.modules) {
    // Host dependencies (depends= entries that are not ours) come from the host's modules.
    const auto it = ours.find(KernelModuleName(module));
    if (it != ours.end()) {
      const auto depends = artifact::ReadModInfo(it->second).Get("depends").value_or("");
      std::stringstream in(depends);
      for (std::string dep; std::getline(in, dep, ',');) {
        if (!dep.empty() && !ours.contains(KernelModuleName(dep)) &&
            !AgentIsLoaded(*env.kernel, dep)) {
          env.kernel->LoadModule({}, dep, {}, stop);
        }
      }
    }
    const auto params = config.driver.parameters.find(module);
    env.kernel->LoadModule(
        root, module,
        params == config.driver.parameters.end() ? std::vector<std::string>{} : params->second,
        stop);
  }
}

void Agent::Impl::MakeDeviceNodes() {
  const auto& m = config.driver.modules;
  const auto has = [&](std::string_view name) {
    return std::find(m.begin(), m.end(), name) != m.end();
  };
  CreateDeviceNodes(env.host, *env.kernel,
                    PlanDeviceNodes(env.host, *env.kernel,
                                    {.modeset = has("nvidia-modeset"), .uvm = has("nvidia-uvm")}));
}

// The environment of the driver's own binaries: its libraries come from the tree.
std::vector<std::string> Agent::Impl::DriverToolEnv() {
  const std::string libs =
      (env.host.DriverRoot() / "usr/lib" /
       std::string(gpuruntime::MultiarchTriplet(
           gpuruntime::ParseArch(env.kernel->Machine()).value_or(gpuruntime::Arch::kAmd64))))
          .string();
  std::vector<std::string> out = kAgentToolEnv;
  out.push_back("LD_LIBRARY_PATH=" + libs);
  return out;
}

void Agent::Impl::ProbeDriver(std::stop_token stop) {
  RunChecked(*env.runner,
             {.argv = {(env.host.DriverRoot() / "bin/nvidia-smi").string(), "-L"},
              .env = DriverToolEnv(),
              .timeout = std::chrono::minutes(1)},
             stop);
}

void Agent::Impl::StartDaemons(const NodeFacts& facts, std::stop_token stop) {
  using gpuruntime::api::FabricManagerMode;
  const fs::path root = env.host.DriverRoot();
  struct Daemon {
    std::vector<std::string> argv;
    std::string pid_file;  // host path the daemon writes its pid to
  };
  std::vector<Daemon> daemons;
  if (config.persistenced) {
    daemons.push_back({{(root / "bin/nvidia-persistenced").string(), "--persistence-mode"},
                       "run/nvidia-persistenced/nvidia-persistenced.pid"});
  }
  if (config.fabric_manager == FabricManagerMode::kEnabled ||
      (config.fabric_manager == FabricManagerMode::kAuto && facts.HasNvSwitch())) {
    // Unverified: the config file's place in the tree and the pid file's name
    // (docs/node-agent.md, "Unverified").
    daemons.push_back({{(root / "bin/nv-fabricmanager").string(), "-c",
                        (root / "share/nvidia/nvswitch/fabricmanager.cfg").string()},
                       "run/nvidia-fabricmanager/nv-fabricmanager.pid"});
  }
  for (const Daemon& d : daemons) {
    if (AgentDaemonAlive(env.host.Resolve(d.pid_file))) {
      continue;
    }
    // Both daemonize (fork, setsid) and return, so the command ends while the daemon runs on.
    RunChecked(*env.runner,
               {.argv = d.argv, .env = DriverToolEnv(), .timeout = std::chrono::minutes(2)}, stop);
  }
}

void Agent::Impl::Prune(const std::string& active, const std::optional<std::string>& previous) {
  std::set<std::string> keep = {active};
  if (previous && !previous->empty()) {
    keep.insert(*previous);
  }
  PruneDriverTrees(env.host, keep);
  local_cache.Prune(keep);
}

AgentOutcome Agent::Impl::Uninstall(const NodeFacts& facts, std::stop_token stop) {
  Progress(Phase::kInstalling, "uninstalling the driver");
  // TODO(node-agent): the §13.5 drain comes first once it exists.
  UnloadNvidiaModules("the NVIDIA driver", stop);
  (void)facts;
  std::error_code ec;
  if (fs::is_symlink(env.host.DriverRoot(), ec)) {
    fs::remove(env.host.DriverRoot());
  }
  fs::remove_all(env.host.DriverTrees());
  fs::remove(env.host.StateDir() / "previous-tree", ec);
  const auto firmware = ReadFileIfExists(env.host.FirmwareClassPath());
  if (firmware && firmware->substr(0, firmware->find('\n')) == kAgentHostFirmwarePath) {
    env.kernel->WriteSysfs(env.host.FirmwareClassPath(), "");
  }
  local_cache.Prune({});
  return {.phase = Phase::kUninstalled,
          .reason = std::string(kReasonUninstalled),
          .message = "driver removed from the node"};
}

}  // namespace gpuext::nodeagent
