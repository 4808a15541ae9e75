// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The node agent over a SIMULATED host: a HostTree per node, SimulatedKernelOps reading the
// modules' real ELF .modinfo, a FilesystemBlobStore as the remote source holding signed
// artifacts whose .ko files are real ELF objects compiled by gcc, a recording reporter and a
// FakeClock. Only the kernel is simulated; detection, fetch, verification, staging and the
// driver-root switch are the real code.

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "../artifact/artifact_test_util.h"
#include "gpuext/gpuruntime/api/agent_config.h"
#include "gpuext/nodeagent/agent.h"
#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/kernel_ops.h"
#include "gpuext/nodeagent/node_reporter.h"
#include "gpuext/nodeagent/testing/fake_command_runner.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/host_tree.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::agenttest {

namespace fs = std::filesystem;

inline constexpr const char* kAgentRelease = "6.12.72-cloud-amd64";
inline constexpr const char* kAgentVersion = "580.95.05";
inline constexpr const char* kAgentTree = "580.95.05-6.12.72-cloud-amd64-open";

// Records what the agent reported. Safe for concurrent use.
class RecordingReporter final : public NodeReporter {
 public:
  struct RecordedEvent {
    EventKind kind = EventKind::kNormal;
    std::string reason = {};
    std::string message = {};
  };
  void Report(const DriverReport& report) override {
    std::lock_guard lock(mu_);
    reports_.push_back(report);
  }
  void Event(EventKind kind, std::string_view reason, std::string_view message) override {
    std::lock_guard lock(mu_);
    events_.push_back({kind, std::string(reason), std::string(message)});
  }
  std::vector<DriverReport> reports() const {
    std::lock_guard lock(mu_);
    return reports_;
  }
  std::vector<RecordedEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  DriverReport last() const {
    std::lock_guard lock(mu_);
    return reports_.empty() ? DriverReport{} : reports_.back();
  }

 private:
  mutable std::mutex mu_;  // guards reports_ and events_
  std::vector<DriverReport> reports_;
  std::vector<RecordedEvent> events_;
};

// Counts reads through to a store, so tests can prove "no fetch". Safe for concurrent use.
class CountingBlobStore final : public artifact::BlobStore {
 public:
  explicit CountingBlobStore(artifact::BlobStore& inner) : inner_(inner) {}
  int reads() const { return reads_.load(); }
  int blob_reads() const { return blob_reads_.load(); }

  bool BlobExists(std::string_view d) override { return inner_.BlobExists(d); }
  std::optional<std::int64_t> BlobSize(std::string_view d) override { return inner_.BlobSize(d); }
  bool GetBlob(std::string_view d, const fs::path& dest) override {
    ++reads_;
    ++blob_reads_;
    return inner_.GetBlob(d, dest);
  }
  void PutBlob(std::string_view d, const fs::path& src) override { inner_.PutBlob(d, src); }
  std::vector<std::string> ListBlobs() override { return inner_.ListBlobs(); }
  void DeleteBlob(std::string_view d) override { inner_.DeleteBlob(d); }
  std::optional<std::string> GetManifest(const artifact::ArtifactKey& k) override {
    ++reads_;
    return inner_.GetManifest(k);
  }
  bool ManifestExists(const artifact::ArtifactKey& k) override { return inner_.ManifestExists(k); }
  void PutManifest(const artifact::ArtifactManifest& m) override { inner_.PutManifest(m); }
  std::vector<artifact::ArtifactKey> ListManifests(std::string_view p) override {
    return inner_.ListManifests(p);
  }
  void DeleteManifest(const artifact::ArtifactKey& k) override { inner_.DeleteManifest(k); }

 private:
  artifact::BlobStore& inner_;
  std::atomic<int> reads_{0};
  std::atomic<int> blob_reads_{0};
};

// The .modinfo of a real ELF module, as SimulatedKernelOps wants it (first value per key).
inline std::map<std::string, std::string> ReadElfModinfo(const fs::path& file) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : artifact::ReadModInfo(file).entries) {
    out.emplace(k, v);
  }
  return out;
}

// What one artifact part is made of before packing: path -> content, plus symlinks.
struct PartTree {
  std::map<std::string, std::string> files = {};
  std::map<std::string, std::string> symlinks = {};  // path -> target
};

class AgentTest : public ::testing::Test {
 protected:
  AgentTest() {
    fs::create_directories(host_root_);
    tree_.GardenLinux()
        .IdleKernel()
        .H100("0000:18:00.0")
        .H100("0000:2a:00.0")
        .File("sys/module/firmware_class/parameters/path", "");
    config_.pool = "gpu-h100";
    config_.driver.version = kAgentVersion;
    config_.driver.modules = {"nvidia", "nvidia-uvm", "nvidia-modeset"};
    config_.driver.parameters = {{"nvidia", {"NVreg_CoherentGPUMemoryMode=driver"}},
                                 {"nvidia-uvm", {"uvm_disable_hmm=1"}}};
    config_.cache.sources = {{.type = gpuruntime::api::CacheSourceType::kFilesystem,
                              .path = (dir_.path() / "remote").string()}};
    config_.cache.trusted_keys = {
        {.key_id = signer_.KeyId(), .public_key = signer_.PublicKeyBase64()}};
    runner_.Expect({"depmod"}, {}).Expect({"ldconfig"}, {});
    // The daemons daemonize and write their pid files; the test process stands in as alive.
    for (const auto& [binary, pid_file] : std::map<std::string, std::string>{
             {"nvidia-persistenced", "run/nvidia-persistenced/nvidia-persistenced.pid"},
             {"nv-fabricmanager", "run/nvidia-fabricmanager/nv-fabricmanager.pid"}}) {
      runner_.On({(host_root_ / "run/nvidia/driver/bin" / binary).string()},
                 [this, pid_file = pid_file](const Command&, std::stop_token) {
                   artifact::testing::WriteFile(host_root_ / pid_file,
                                                std::to_string(::getpid()) + "\n");
                   return CommandResult{};
                 });
    }
    runner_.Expect({(host_root_ / "run/nvidia/driver/bin/nvidia-smi").string(), "-L"},
                   {.stdout_text = "GPU 0: SIMULATED NVIDIA H100 80GB HBM3\n"});
  }

  // A real ELF module (compiled once per process and vermagic/version/depends).
  static std::string ModuleBytes(const std::string& name, const std::string& vermagic,
                                 const std::string& version, const std::string& depends) {
    static gpuext::testing::TempDir* build = new gpuext::testing::TempDir();
    static std::map<std::string, std::string>* compiled = new std::map<std::string, std::string>();
    const std::string id = name + "|" + vermagic + "|" + version + "|" + depends;
    if (auto it = compiled->find(id); it != compiled->end()) {
      return it->second;
    }
    const auto object =
        artifact::testing::CompileModule(build->path() / Sha256Hex(id).substr(0, 16), name + ".ko",
                                         {{"version", version},
                                          {"license", "Dual MIT/GPL"},
                                          {"depends", depends},
                                          {"name", KernelModuleName(name)},
                                          {"vermagic", vermagic}});
    return compiled->emplace(id, artifact::testing::ReadFile(object)).first->second;
  }

  static PartTree KernelPartTree(const std::string& version = kAgentVersion,
                                 const std::string& release = kAgentRelease,
                                 const std::string& vermagic_release = kAgentRelease) {
    const std::string vermagic = vermagic_release + " SMP preempt mod_unload modversions ";
    const std::string dir = "lib/modules/" + release + "/kernel/drivers/video/";
    PartTree t;
    t.files[dir + "nvidia.ko"] = ModuleBytes("nvidia", vermagic, version, "");
    t.files[dir + "nvidia-uvm.ko"] = ModuleBytes("nvidia-uvm", vermagic, version, "nvidia");
    t.files[dir + "nvidia-modeset.ko"] = ModuleBytes("nvidia-modeset", vermagic, version, "nvidia");
    return t;
  }

  static PartTree UserspacePartTree(const std::string& version = kAgentVersion) {
    PartTree t;
    t.files["bin/nvidia-smi"] = "#!/bin/sh\necho SIMULATED nvidia-smi " + version + "\n";
    t.files["usr/lib/x86_64-linux-gnu/libnvidia-ml.so." + version] = "SIMULATED libnvidia-ml";
    t.symlinks["usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"] = "libnvidia-ml.so." + version;
    t.files["lib/firmware/nvidia/" + version + "/gsp_ga10x.bin"] = "SIMULATED GSP firmware";
    t.files["etc/ld.so.conf"] = "/usr/lib/x86_64-linux-gnu\n";
    return t;
  }

  // Packs `tree`, signs a manifest for `key` with `signer` (after `edit`) and publishes both
  // into `store`. Returns the manifest.
  artifact::ArtifactManifest Publish(
      artifact::BlobStore& store, const artifact::ArtifactKey& key, const PartTree& tree,
      const artifact::SigningKey* signer = nullptr,
      const std::function<void(artifact::ArtifactManifest&)>& edit = {}) {
    const fs::path src = dir_.path() / "pack" / std::to_string(++packs_);
    for (const auto& [path, content] : tree.files) {
      artifact::testing::WriteFile(src / path, content,
                                   path.starts_with("bin/") ? fs::perms(0755) : fs::perms(0644));
    }
    for (const auto& [path, target] : tree.symlinks) {
      fs::create_directories((src / path).parent_path());
      fs::create_symlink(target, src / path);
    }
    const fs::path blob = dir_.path() / "pack" / (std::to_string(packs_) + ".tar.zst");
    const auto packed =
        artifact::PackDirectory(src, artifact::ListTree(src), blob, {.zstd_level = 3});
    artifact::ArtifactManifest m;
    m.key = key;
    m.created = "2026-08-21T10:00:00Z";
    m.builder.recipe = "SIMULATED";
    if (key.part == artifact::ArtifactPart::kKernel) {
      m.vermagic = std::string(key.kernel_release) + " SMP preempt mod_unload modversions ";
    }
    m.blobs = {{.digest = packed.digest, .size = packed.size}};
    m.files = packed.files;
    if (edit) {
      edit(m);
    }
    artifact::SignManifest(m, signer != nullptr ? *signer : signer_);
    store.PutBlob(packed.digest, blob);
    store.PutManifest(m);
    return m;
  }

  static artifact::ArtifactKey KernelKey(const std::string& version = kAgentVersion) {
    return artifact::KernelKey(version, kAgentRelease, gpuruntime::ModuleType::kOpen,
                               gpuruntime::Arch::kAmd64);
  }
  static artifact::ArtifactKey UserKey(const std::string& version = kAgentVersion) {
    return artifact::UserspaceKey(version, gpuruntime::Arch::kAmd64);
  }

  // Both parts of a good driver in the remote store.
  void PublishGoodDriver(const std::string& version = kAgentVersion) {
    Publish(remote_, KernelKey(version), KernelPartTree(version));
    Publish(remote_, UserKey(version), UserspacePartTree(version));
  }

  std::unique_ptr<Agent> MakeAgent(AgentOptions options = {}, bool with_remote = true) {
    AgentEnv env{.host = host_,
                 .kernel = &kernel_,
                 .runner = &runner_,
                 .clock = &clock_,
                 .reporter = reporter_override_ != nullptr ? reporter_override_ : &reporter_};
    if (with_remote) {
      env.sources = {{.name = "filesystem " + remote_.root().string(), .store = &counting_}};
    }
    options.scratch_dir = dir_.path() / "scratch";
    options.simulated = false;  // reasons without the suffix keep the assertions readable
    return std::make_unique<Agent>(config_, std::move(env), std::move(options));
  }

  [[nodiscard]] std::string HostFile(const std::string& rel) const {
    return artifact::testing::ReadFile(host_root_ / rel);
  }
  [[nodiscard]] std::vector<std::string> LoadedNames() {
    std::vector<std::string> out;
    for (const auto& m : kernel_.LoadedModules()) {
      out.push_back(m.name);
    }
    return out;
  }
  // What a reboot clears: everything the kernel and tmpfs /run held.
  void Reboot() {
    tree_.IdleKernel()
        .Remove("sys/module/nvidia")
        .Remove("sys/module/nvidia_uvm")
        .Remove("sys/module/nvidia_modeset")
        .Remove("proc/driver")
        .Remove("run")
        .Remove("dev")
        .File("sys/module/firmware_class/parameters/path", "");
  }

  gpuext::testing::TempDir dir_;
  fs::path host_root_ = dir_.path() / "host";
  gpuext::testing::HostTree tree_{host_root_};
  HostPaths host_{host_root_};
  gpuext::testing::FakeClock clock_;
  artifact::SigningKey signer_ = artifact::SigningKey::Generate();
  artifact::FilesystemBlobStore remote_{dir_.path() / "remote", clock_};
  CountingBlobStore counting_{remote_};
  SimulatedKernelOps kernel_{host_, {.release = kAgentRelease, .read_modinfo = ReadElfModinfo}};
  testing::FakeCommandRunner runner_;
  RecordingReporter reporter_;
  NodeReporter* reporter_override_ = nullptr;  // used instead of reporter_ when set
  gpuruntime::api::AgentConfiguration config_;
  int packs_ = 0;
};

}  // namespace gpuext::nodeagent::agenttest
