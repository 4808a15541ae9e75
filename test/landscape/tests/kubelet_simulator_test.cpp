// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// KubeletSimulator against a real kube-emulator in-process over TLS, running the real
// gpu-node-agent and gpu-driver-cache binaries (built next to this test). Waits poll the shoot
// with a deadline: the processes are real, so their timing is too.
#include "gpuext/landscape/kubelet_simulator.h"

#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/clock.h"
#include "gpuext/emulator/server.h"
#include "gpuext/files.h"
#include "gpuext/gpuruntime/api/agent_config.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/kube/tls.h"
#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/cache/job_launcher.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/process.h"
#include "gpuext/time_format.h"

namespace gpuext::landscape {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

const kube::Resource kKstNodes{"", "v1", "nodes", false};
const kube::Resource kKstNamespaces{"", "v1", "namespaces", false};
const kube::Resource kKstPods{"", "v1", "pods", true};
const kube::Resource kKstConfigMaps{"", "v1", "configmaps", true};
const kube::Resource kKstSecrets{"", "v1", "secrets", true};
const kube::Resource kKstServices{"", "v1", "services", true};
const kube::Resource kKstDaemonSets{"apps", "v1", "daemonsets", true};
const kube::Resource kKstStatefulSets{"apps", "v1", "statefulsets", true};
const kube::Resource kKstJobs{"batch", "v1", "jobs", true};

constexpr const char* kKstAgentUser = "system:serviceaccount:gpu-node-agent:gpu-node-agent";
constexpr const char* kKstAgentToken = "SIMULATED-agent-token";
constexpr const char* kKstDriver = "580.95.05";
constexpr const char* kKstCacheHost = "gpu-driver-cache.gpu-driver-cache.svc";

json KstCondition(const json& node, const std::string& type) {
  const json conditions = node.value("/status/conditions"_json_pointer, json::array());
  for (const json& c : conditions) {
    if (c.value("type", "") == type) {
      return c;
    }
  }
  return json();
}

// The node-agent chart's DaemonSet for one pool, trimmed to what the kubelet reads.
json KstAgentDaemonSet(const std::string& pool) {
  const std::string name = "gpu-node-agent-" + pool;
  return json::parse(R"({
    "apiVersion": "apps/v1", "kind": "DaemonSet",
    "metadata": {"name": ")" +
                     name + R"(", "namespace": "gpu-node-agent"},
    "spec": {
      "selector": {"matchLabels": {"app.kubernetes.io/name": "gpu-node-agent"}},
      "template": {
        "metadata": {"labels": {"app.kubernetes.io/name": "gpu-node-agent"}},
        "spec": {
          "serviceAccountName": "gpu-node-agent",
          "automountServiceAccountToken": false,
          "nodeSelector": {"worker.gardener.cloud/pool": ")" +
                     pool + R"(",
                           "worker.gardener.cloud/cri-name": "containerd"},
          "containers": [{
            "name": "agent", "image": "gpu-node-agent:dev",
            "command": ["gpu-node-agent"],
            "args": ["run", "--config=/etc/gpu-node-agent/config.yaml"],
            "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                    {"name": "POD_NAMESPACE",
                     "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
            "volumeMounts": [
              {"name": "cache-token", "mountPath": "/var/run/secrets/gpu-driver-cache", "readOnly": true},
              {"name": "config", "mountPath": "/etc/gpu-node-agent", "readOnly": true},
              {"name": "host-sys", "mountPath": "/host/sys", "readOnly": true},
              {"name": "scratch", "mountPath": "/scratch"},
              {"name": "state", "mountPath": "/host/var/lib/gpu-node-agent"}]}],
          "volumes": [
            {"name": "cache-token", "projected": {"sources": [{"serviceAccountToken":
                {"path": "token", "audience": "gpu-driver-cache", "expirationSeconds": 3600}}]}},
            {"name": "config", "configMap": {"name": ")" +
                     name + R"("}},
            {"name": "host-sys", "hostPath": {"path": "/sys", "type": "Directory"}},
            {"name": "scratch", "emptyDir": {}},
            {"name": "state", "hostPath": {"path": "/var/lib/gpu-node-agent",
                                           "type": "DirectoryOrCreate"}}]}}}})");
}

json KstConfigMap(const std::string& ns, const std::string& name, const json& data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", data}};
}

json KstSecret(const std::string& ns, const std::string& name,
               const std::map<std::string, std::string>& data) {
  json encoded = json::object();
  for (const auto& [k, v] : data) {
    encoded[k] = Base64Encode(v);
  }
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"type", "Opaque"},
          {"data", encoded}};
}

json KstGpuPod(const std::string& name, int gpus) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec",
           {{"containers",
             {{{"name", "cuda"},
               {"image", "cuda:dev"},
               {"resources", {{"limits", {{"nvidia.com/gpu", std::to_string(gpus)}}}}}}}}}}};
}

class KubeletSimulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(BinDir() / "gpu-node-agent")) << "build target gpu-node-agent";
    ASSERT_TRUE(fs::exists(BinDir() / "gpu-driver-cache")) << "build target gpu-driver-cache";
    emulator_ = std::make_unique<emulator::Server>(
        emulator::ServerOptions{
            .listen = "127.0.0.1:0",
            .tokens = {{.user = "admin", .token = "admin-token", .groups = {"system:masters"}},
                       {.user = kKstAgentUser,
                        .token = kKstAgentToken,
                        .groups = {"system:serviceaccounts"}}}},
        Logger::Root().WithName("shoot"));
    emulator_->Start();
    kubeconfig_ = dir_.path() / "shoot.kubeconfig";
    emulator_->WriteKubeconfig(kubeconfig_);
    shoot_ = std::make_unique<kube::HttpClient>(kube::LoadConfig(kubeconfig_.string()));
    for (const char* ns : {"gpu-node-agent", "gpu-driver-cache", "default"}) {
      if (!shoot_->Get(kKstNamespaces, {"", ns})) {
        shoot_->Create(kKstNamespaces,
                       {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
      }
    }
    kubelet_ = std::make_unique<KubeletSimulator>(
        *shoot_, KubeletSimulatorOptions{.work_dir = dir_.path() / "work",
                                         .bin_dir = BinDir(),
                                         .shoot_kubeconfig = kubeconfig_,
                                         .headers_root = "/",
                                         .poll_interval = 200ms,
                                         .service_account_tokens = {
                                             {"gpu-node-agent/gpu-node-agent", kKstAgentToken}}});
  }

  void TearDown() override {
    kubelet_.reset();  // stops the processes before the API goes away
    shoot_.reset();
    if (emulator_) {
      emulator_->Stop();
    }
  }

  static fs::path BinDir() { return fs::path(GPUEXT_BINARY_DIR) / "bin"; }

  // Syncs until `done` holds; false after `timeout`.
  bool SyncUntil(const std::function<bool()>& done, std::chrono::seconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      kubelet_->SyncOnce();
      if (done()) {
        return true;
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  json Node(const std::string& name) { return shoot_->Get(kKstNodes, {"", name}).value(); }

  // An AgentConfiguration for pool `pool` with the given sources, trusting `key`.
  std::string AgentConfig(const std::string& pool,
                          std::vector<gpuruntime::api::AgentCacheSource> sources,
                          const nodeagent::artifact::SigningKey& key) {
    gpuruntime::api::AgentConfiguration config;
    config.pool = pool;
    config.driver.version = kKstDriver;
    config.driver.module_type = gpuruntime::ModuleTypePref::kOpen;
    config.driver.modules = {"nvidia", "nvidia-uvm"};
    config.cache.sources = std::move(sources);
    config.cache.trusted_keys = {{.key_id = key.KeyId(), .public_key = key.PublicKeyBase64()}};
    return gpuruntime::api::ToJson(config).dump(2);  // JSON is YAML
  }

  void DeployAgent(const std::string& pool, const std::string& config) {
    shoot_->Create(kKstConfigMaps, KstConfigMap("gpu-node-agent", "gpu-node-agent-" + pool,
                                                {{"config.yaml", config}}));
    shoot_->Create(kKstDaemonSets, KstAgentDaemonSet(pool));
  }

  testing::TempDir dir_;
  std::unique_ptr<emulator::Server> emulator_;
  fs::path kubeconfig_;
  std::unique_ptr<kube::HttpClient> shoot_;
  std::unique_ptr<KubeletSimulator> kubelet_;
};

TEST_F(KubeletSimulatorTest, AddNodeWritesTheNodeObjectAndASimulatedHostTree) {
  kubelet_->AddNode(
      {.name = "gpu-1", .pool = "gpu", .kernel_release = "6.1.0-56-amd64", .gpus = 2});
  kubelet_->AddNode(
      {.name = "cpu-1", .pool = "cpu", .kernel_release = "6.1.0-56-amd64", .gpus = 0});

  const json node = Node("gpu-1");
  EXPECT_EQ(node["metadata"]["labels"]["worker.gardener.cloud/pool"], "gpu");
  EXPECT_EQ(node["metadata"]["labels"]["worker.gardener.cloud/cri-name"], "containerd");
  EXPECT_EQ(node["metadata"]["labels"]["kubernetes.io/arch"], "amd64");
  EXPECT_EQ(node["status"]["nodeInfo"]["kernelVersion"], "6.1.0-56-amd64");
  EXPECT_EQ(KstCondition(node, "Ready").value("status", ""), "True");
  EXPECT_FALSE(node["status"]["allocatable"].contains("nvidia.com/gpu"));

  const fs::path root = kubelet_->HostRoot("gpu-1");
  EXPECT_THAT(ReadFileIfExists(root / "etc/os-release").value_or(""),
              HasSubstr("GARDENLINUX_VERSION=1877.3"));
  EXPECT_EQ(ReadFileIfExists(root / "sys/bus/pci/devices/0000:18:00.0/vendor").value_or(""),
            "0x10de\n");
  EXPECT_TRUE(fs::exists(root / "sys/bus/pci/devices/0000:19:00.0/device"));
  EXPECT_FALSE(fs::exists(kubelet_->HostRoot("cpu-1") / "sys/bus/pci/devices/0000:18:00.0"));

  // An OS upgrade: nodeInfo follows, volatile state is gone.
  fs::create_directories(root / "run/nvidia/driver.d/x");
  kubelet_->SetKernel("gpu-1", "6.1.0-57-amd64");
  EXPECT_EQ(Node("gpu-1")["status"]["nodeInfo"]["kernelVersion"], "6.1.0-57-amd64");
  EXPECT_FALSE(fs::exists(root / "run/nvidia"));
  EXPECT_TRUE(fs::exists(root / "sys/bus/pci/devices/0000:18:00.0/vendor"));

  EXPECT_THAT([&] { kubelet_->AddNode({.name = "gpu-1", .pool = "gpu"}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("exists already")));
  kubelet_->RemoveNode("cpu-1");
  EXPECT_FALSE(shoot_->Get(kKstNodes, {"", "cpu-1"}).has_value());
}

TEST_F(KubeletSimulatorTest, AgentRunsOnMatchingNodesOnlyAndStopsWithItsDaemonSet) {
  for (const char* name : {"gpu-1", "gpu-2"}) {
    kubelet_->AddNode({.name = name, .pool = "gpu", .kernel_release = "6.1.0-56-amd64"});
  }
  kubelet_->AddNode(
      {.name = "cpu-1", .pool = "cpu", .kernel_release = "6.1.0-56-amd64", .gpus = 0});
  // A filesystem source without artifacts: the agent runs its pass and reports what it found.
  const fs::path empty_source = dir_.path() / "empty-source";
  fs::create_directories(empty_source);
  const auto key = nodeagent::artifact::SigningKey::Generate();
  DeployAgent("gpu", AgentConfig("gpu",
                                 {{.type = gpuruntime::api::CacheSourceType::kFilesystem,
                                   .path = empty_source.string()}},
                                 key));

  ASSERT_TRUE(SyncUntil([&] {
    return !KstCondition(Node("gpu-1"), "GPUDriverReady").is_null() &&
           !KstCondition(Node("gpu-2"), "GPUDriverReady").is_null();
  })) << ReadFileIfExists(dir_.path() /
                          "work/nodes/gpu-1/pods/gpu-node-agent_gpu-node-agent-gpu/agent.log")
             .value_or("no agent log");
  const json condition = KstCondition(Node("gpu-1"), "GPUDriverReady");
  EXPECT_EQ(condition["status"], "False");
  EXPECT_EQ(condition["reason"], "ArtifactMissingSimulated") << condition.dump();
  EXPECT_TRUE(KstCondition(Node("cpu-1"), "GPUDriverReady").is_null());
  // The agent read its own host tree: its status file is there, not on the CPU node.
  EXPECT_TRUE(fs::exists(kubelet_->HostRoot("gpu-1") / "run/nvidia/gpu-node-agent/status.json"));
  EXPECT_FALSE(fs::exists(kubelet_->HostRoot("cpu-1") / "run/nvidia"));
  EXPECT_EQ(kubelet_->stats().agents_running, 2);
  EXPECT_EQ(kubelet_->stats().agents_started, 2);
  // The projected token volume carries the configured ServiceAccount token.
  EXPECT_EQ(ReadFileIfExists(dir_.path() /
                             "work/nodes/gpu-1/pods/gpu-node-agent_gpu-node-agent-gpu/run/volumes/"
                             "cache-token/token")
                .value_or(""),
            std::string(kKstAgentToken) + "\n");
  const json ds = shoot_->Get(kKstDaemonSets, {"gpu-node-agent", "gpu-node-agent-gpu"}).value();
  EXPECT_EQ(ds["status"]["desiredNumberScheduled"], 2);
  EXPECT_EQ(ds["status"]["numberReady"], 2);

  // A new configuration reaches the running agents' volumes in place, as kubelet updates a
  // ConfigMap volume; the agents watch the file instead of being restarted.
  shoot_->Patch(
      kKstConfigMaps, {"gpu-node-agent", "gpu-node-agent-gpu"}, kube::PatchType::kMerge,
      {{"data",
        {{"config.yaml", AgentConfig("gpu",
                                     {{.type = gpuruntime::api::CacheSourceType::kFilesystem,
                                       .path = (empty_source / "v2").string()}},
                                     key)}}}});
  const std::filesystem::path running_config =
      dir_.path() /
      "work/nodes/gpu-1/pods/gpu-node-agent_gpu-node-agent-gpu/run/volumes/config/config.yaml";
  ASSERT_TRUE(SyncUntil([&] {
    return ReadFileIfExists(running_config).value_or("").find((empty_source / "v2").string()) !=
           std::string::npos;
  })) << ReadFileIfExists(running_config).value_or("<missing>");
  EXPECT_EQ(kubelet_->stats().agents_started, 2);
  EXPECT_EQ(kubelet_->stats().agents_running, 2);

  shoot_->Delete(kKstDaemonSets, {"gpu-node-agent", "gpu-node-agent-gpu"});
  kubelet_->SyncOnce();
  EXPECT_EQ(kubelet_->stats().agents_running, 0);
  EXPECT_EQ(kubelet_->stats().agents_stopped, 2);
}

TEST_F(KubeletSimulatorTest, BuilderJobRunsLocallyAfterItsSecretExistsAndGetsItsStatus) {
  // The Job exactly as the cache server's launcher creates it; its source does not exist, so
  // the real `gpu-node-agent build` fails fast.
  nodeagent::cache::JobBuildLauncher launcher(
      *shoot_, {.agent_image = "gpu-node-agent:dev",
                .sources = {{.driver_version = "*",
                             .url = "file://" + (dir_.path() / "missing.tar.gz").string(),
                             .sha256 = std::string(64, 'a')}},
                .cluster = "shoot--dev--local"});
  const auto key = nodeagent::artifact::KernelKey(
      kKstDriver, "6.1.0-56-amd64", gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kAmd64);
  nodeagent::cache::BuildRequest request{
      .key = key,
      .lease = {.id = "lease-1"},
      .job_name = nodeagent::cache::BuildJobName(key),
      .upload_url = std::string("https://") + kKstCacheHost + "/v1/uploads/lease-1",
      .token = "upload-token",
      .requester = {.node = "gpu-1"}};
  const json job = shoot_->Create(kKstJobs, launcher.JobFor(request));
  shoot_->Create(kKstSecrets,
                 KstSecret("gpu-driver-cache", "gpu-cache-tls", {{"ca.crt", "SIMULATED CA"}}));
  // Without the upload token Secret the pod waits (kubelet's ContainerCreating).
  for (int i = 0; i < 3; ++i) {
    kubelet_->SyncOnce();
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(shoot_->Get(kKstJobs, {"gpu-driver-cache", request.job_name})
                   ->contains("/status/active"_json_pointer));
  EXPECT_EQ(kubelet_->stats().builds_started, 0);
  shoot_->Create(kKstSecrets, launcher.SecretFor(request, job));

  ASSERT_TRUE(SyncUntil([&] {
    return shoot_->Get(kKstJobs, {"gpu-driver-cache", request.job_name})
               ->value("/status/failed"_json_pointer, 0) == 1;
  }));
  const json done = shoot_->Get(kKstJobs, {"gpu-driver-cache", request.job_name}).value();
  EXPECT_EQ(KstCondition(done, "Failed").value("reason", ""), "BackoffLimitExceeded");
  const auto stats = kubelet_->stats();
  EXPECT_EQ(stats.builds_started, 1);
  EXPECT_EQ(stats.builds_failed, 1);
  EXPECT_EQ(stats.builds_per_key.at(key.Path()), 1);
  // The init container copied the bundle; the build ran from it and failed at the source.
  const fs::path pod_dir =
      dir_.path() / "work/jobs/gpu-driver-cache" /
      (request.job_name + "-" + done["metadata"]["uid"].get<std::string>().substr(0, 8));
  EXPECT_TRUE(fs::exists(pod_dir / "volumes/bundle/bin/gpu-node-agent"));
  // It got the Job's upload URL: without a cache behind it, the first heartbeat fails.
  const std::string build_log = ReadFileIfExists(pod_dir / "build.log").value_or("");
  EXPECT_THAT(build_log, HasSubstr("build failed: "));
  EXPECT_THAT(build_log, HasSubstr(std::string(kKstCacheHost) + "/v1/leases/lease-1/heartbeat"));
  // Run once only.
  kubelet_->SyncOnce();
  EXPECT_EQ(kubelet_->stats().jobs_started, 1);
}

TEST_F(KubeletSimulatorTest, DevicePluginCapacityFollowsTheDriverReadyLabel) {
  kubelet_->AddNode(
      {.name = "gpu-1", .pool = "gpu", .kernel_release = "6.1.0-56-amd64", .gpus = 2});
  const auto label = [&](const json& value) {
    shoot_->Patch(
        kKstNodes, {"", "gpu-1"}, kube::PatchType::kMerge,
        {{"metadata", {{"labels", {{"gpu.extensions.gardener.cloud/driver-ready", value}}}}}});
  };
  label(kKstDriver);
  kubelet_->SyncOnce();
  EXPECT_EQ(Node("gpu-1")["status"]["allocatable"]["nvidia.com/gpu"], "2");
  EXPECT_EQ(Node("gpu-1")["status"]["capacity"]["nvidia.com/gpu"], "2");
  EXPECT_EQ(Node("gpu-1")["status"]["allocatable"]["cpu"], "8");
  label(nullptr);
  kubelet_->SyncOnce();
  EXPECT_FALSE(Node("gpu-1")["status"]["allocatable"].contains("nvidia.com/gpu"));
  EXPECT_FALSE(Node("gpu-1")["status"]["capacity"].contains("nvidia.com/gpu"));
}

TEST_F(KubeletSimulatorTest, GpuPodIsBoundOnlyWhileCapacityIsFree) {
  kubelet_->AddNode({.name = "gpu-1", .pool = "gpu", .kernel_release = "6.1.0-56-amd64"});
  shoot_->Create(kKstPods, KstGpuPod("first", 1));
  kubelet_->SyncOnce();
  // No driver yet, so no capacity.
  json first = shoot_->Get(kKstPods, {"default", "first"}).value();
  EXPECT_FALSE(first["spec"].contains("nodeName"));
  EXPECT_EQ(KstCondition(first, "PodScheduled").value("message", ""),
            "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.");

  shoot_->Patch(
      kKstNodes, {"", "gpu-1"}, kube::PatchType::kMerge,
      {{"metadata", {{"labels", {{"gpu.extensions.gardener.cloud/driver-ready", "x"}}}}}});
  shoot_->Create(kKstPods, KstGpuPod("second", 1));
  kubelet_->SyncOnce();
  first = shoot_->Get(kKstPods, {"default", "first"}).value();
  EXPECT_EQ(first["spec"]["nodeName"], "gpu-1");
  EXPECT_EQ(first["status"]["phase"], "Running");
  json second = shoot_->Get(kKstPods, {"default", "second"}).value();
  EXPECT_FALSE(second["spec"].contains("nodeName")) << "the only GPU is taken";
  EXPECT_EQ(KstCondition(second, "PodScheduled").value("status", ""), "False");

  json elsewhere = KstGpuPod("elsewhere", 0);
  elsewhere["spec"]["nodeSelector"] = {{"worker.gardener.cloud/pool", "cpu"}};
  shoot_->Create(kKstPods, elsewhere);
  shoot_->Delete(kKstPods, {"default", "first"}, {.grace_period_seconds = 0});
  kubelet_->SyncOnce();
  second = shoot_->Get(kKstPods, {"default", "second"}).value();
  EXPECT_EQ(second["spec"]["nodeName"], "gpu-1");
  EXPECT_EQ(KstCondition(shoot_->Get(kKstPods, {"default", "elsewhere"}).value(), "PodScheduled")
                .value("message", ""),
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.");
  EXPECT_EQ(kubelet_->stats().pods_bound, 2);
}

// The release of kernel headers installed here (a build needs real ones); empty when none.
std::string KstInstalledKernel() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/src", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("linux-headers-") && !name.ends_with("-common") &&
        fs::exists(entry.path() / "include/generated/utsrelease.h")) {
      return name.substr(std::string_view("linux-headers-").size());
    }
  }
  return "";
}

// The SIMULATED-driver as an open-gpu-kernel-modules source tarball of `version`.
std::pair<std::string, std::string> KstPackSimulatedDriver(const fs::path& dir,
                                                           const std::string& version) {
  const fs::path staging = dir / "driver-tree";
  const fs::path top = staging / ("open-gpu-kernel-modules-" + version);
  fs::create_directories(top);
  fs::copy(fs::path(GPUEXT_SOURCE_DIR) / "test/testdata/simulated-driver", top,
           fs::copy_options::recursive);
  WriteFileAtomically(top / "version.mk", "NVIDIA_VERSION = " + version + "\n", 0644);
  const fs::path tarball = dir / ("SIMULATED-open-gpu-kernel-modules-" + version + ".tar.zst");
  (void)nodeagent::artifact::PackDirectory(staging, nodeagent::artifact::ListTree(staging), tarball,
                                           {.zstd_level = 3});
  return {"file://" + tarball.string(), Sha256Hex(ReadFileIfExists(tarball).value())};
}

// A signed userspace part (SIMULATED files) in a FilesystemBlobStore at `dir`: the builder
// builds kernel parts only, so a landscape publishes this part up front.
void KstPublishUserspace(const fs::path& dir, const nodeagent::artifact::SigningKey& key) {
  namespace artifact = nodeagent::artifact;
  const fs::path tree = dir.parent_path() / "userspace-tree";
  const std::string lib = "usr/lib/x86_64-linux-gnu/";
  fs::create_directories(tree / lib);
  fs::create_directories(tree / "bin");
  fs::create_directories(tree / "lib/firmware/nvidia" / kKstDriver);
  WriteFileAtomically(tree / "bin/nvidia-smi", "#!/bin/sh\necho SIMULATED nvidia-smi\n", 0755);
  WriteFileAtomically(tree / lib / ("libnvidia-ml.so." + std::string(kKstDriver)),
                      "SIMULATED libnvidia-ml", 0644);
  fs::create_symlink("libnvidia-ml.so." + std::string(kKstDriver),
                     tree / lib / "libnvidia-ml.so.1");
  WriteFileAtomically(tree / "lib/firmware/nvidia" / kKstDriver / "gsp_ga10x.bin",
                      "SIMULATED GSP firmware", 0644);
  const fs::path blob = dir.parent_path() / "userspace.tar.zst";
  const artifact::PackResult packed =
      artifact::PackDirectory(tree, artifact::ListTree(tree), blob, {.zstd_level = 3});
  artifact::ArtifactManifest manifest;
  manifest.key = artifact::UserspaceKey(kKstDriver, gpuruntime::Arch::kAmd64);
  manifest.created = FormatRfc3339(std::chrono::system_clock::now());
  manifest.blobs = {{.digest = packed.digest, .size = packed.size}};
  manifest.files = packed.files;
  artifact::SignManifest(manifest, key);
  artifact::FilesystemBlobStore store(dir, RealClock::Instance());
  store.PutBlob(packed.digest, blob);
  store.PutManifest(manifest);
}

// The driver-cache chart's StatefulSet and Service, trimmed to what the kubelet reads.
std::vector<std::pair<kube::Resource, json>> KstCacheWorkload() {
  const json sts = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "StatefulSet",
    "metadata": {"name": "gpu-driver-cache", "namespace": "gpu-driver-cache"},
    "spec": {
      "replicas": 1, "serviceName": "gpu-driver-cache",
      "selector": {"matchLabels": {"app.kubernetes.io/name": "gpu-driver-cache"}},
      "template": {
        "metadata": {"labels": {"app.kubernetes.io/name": "gpu-driver-cache"}},
        "spec": {
          "serviceAccountName": "gpu-driver-cache",
          "containers": [{
            "name": "server", "image": "gpu-driver-cache:dev",
            "command": ["gpu-driver-cache"],
            "args": ["--config=/etc/gpu-driver-cache/config/config.yaml",
                     "--builds-config=/etc/gpu-driver-cache/config/builds.yaml",
                     "--backend=filesystem", "--data-dir=/var/lib/gpu-driver-cache"],
            "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "POD_NAMESPACE",
                     "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
            "ports": [{"name": "https", "containerPort": 8443}],
            "volumeMounts": [
              {"name": "config", "mountPath": "/etc/gpu-driver-cache/config", "readOnly": true},
              {"name": "tls", "mountPath": "/etc/gpu-driver-cache/tls", "readOnly": true},
              {"name": "signing-key", "mountPath": "/etc/gpu-driver-cache/signing-key"},
              {"name": "upload-hmac", "mountPath": "/etc/gpu-driver-cache/upload-hmac"},
              {"name": "data", "mountPath": "/var/lib/gpu-driver-cache"},
              {"name": "tmp", "mountPath": "/tmp"}]}],
          "volumes": [
            {"name": "config", "configMap": {"name": "gpu-driver-cache"}},
            {"name": "tls", "secret": {"secretName": "gpu-cache-tls", "defaultMode": 288}},
            {"name": "signing-key", "secret": {"secretName": "gpu-cache-signing-key"}},
            {"name": "upload-hmac", "secret": {"secretName": "gpu-cache-upload-hmac"}},
            {"name": "tmp", "emptyDir": {}}]}},
      "volumeClaimTemplates": [{"metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": "1Gi"}}}}]}})");
  const json svc = json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "gpu-driver-cache", "namespace": "gpu-driver-cache"},
    "spec": {"selector": {"app.kubernetes.io/name": "gpu-driver-cache"},
             "ports": [{"name": "https", "port": 443, "targetPort": "https"}]}})");
  return {{kKstStatefulSets, sts}, {kKstServices, svc}};
}

// The one test with a real kbuild build (tens of seconds): agent -> cache server -> builder
// Job -> upload -> agent Ready -> device plugin -> GPU pod bound.
TEST_F(KubeletSimulatorTest, RealBuildThroughTheCacheMakesTheNodeReadyAndRunsAGpuPod) {
  const std::string kernel = KstInstalledKernel();
  if (kernel.empty()) {
    GTEST_SKIP() << "no kernel headers under /usr/src (CI installs linux-headers-amd64)";
  }
  const auto [source_url, source_sha] = KstPackSimulatedDriver(dir_.path(), kKstDriver);
  const auto ca = kube::CertificateAuthority::Generate("gpu-driver-cache-ca", 24h);
  const kube::KeyPair serving = ca.IssueServing({kKstCacheHost}, 24h);
  const auto signing = nodeagent::artifact::SigningKey::Generate();
  const std::string ns = "gpu-driver-cache";
  shoot_->Create(kKstSecrets, KstSecret(ns, "gpu-cache-tls",
                                        {{"ca.crt", ca.cert_pem()},
                                         {"tls.crt", serving.cert_pem},
                                         {"tls.key", serving.key_pem}}));
  shoot_->Create(kKstSecrets,
                 KstSecret(ns, "gpu-cache-signing-key", {{"ed25519.pem", signing.ToPem()}}));
  shoot_->Create(kKstSecrets,
                 KstSecret(ns, "gpu-cache-upload-hmac", {{"key", std::string(64, 'c')}}));
  const json config = {
      {"apiVersion", "cache.gpu.extensions.gardener.cloud/v1alpha1"},
      {"kind", "CacheServerConfiguration"},
      {"server", {{"cluster", "shoot--dev--local"}}},
      {"builds",
       {{"enabled", true},
        {"maxConcurrent", 1},
        {"agentImage", "gpu-node-agent:dev"},
        {"sources",
         {{{"driverVersion", kKstDriver}, {"url", source_url}, {"sha256", source_sha}}}}}}};
  shoot_->Create(kKstConfigMaps,
                 KstConfigMap(ns, "gpu-driver-cache",
                              {{"config.yaml", config.dump()},
                               {"builds.yaml", "enabled: true\nnodeSelector: {}\n"}}));
  for (const auto& [resource, obj] : KstCacheWorkload()) {
    shoot_->Create(resource, obj);
  }
  const fs::path userspace = dir_.path() / "userspace-source";
  KstPublishUserspace(userspace, signing);
  DeployAgent("gpu", AgentConfig("gpu",
                                 {{.type = gpuruntime::api::CacheSourceType::kServer,
                                   .url = std::string("https://") + kKstCacheHost,
                                   .ca_bundle = ca.cert_pem(),
                                   .token_audience = "gpu-driver-cache"},
                                  {.type = gpuruntime::api::CacheSourceType::kFilesystem,
                                   .path = userspace.string()}},
                                 signing));
  kubelet_->AddNode({.name = "gpu-1", .pool = "gpu", .kernel_release = kernel});
  shoot_->Create(kKstPods, KstGpuPod("cuda", 1));

  const fs::path agent_log =
      dir_.path() / "work/nodes/gpu-1/pods/gpu-node-agent_gpu-node-agent-gpu/agent.log";
  const bool ready = SyncUntil(
      [&] {
        return shoot_->Get(kKstPods, {"default", "cuda"})
                   ->value("/spec/nodeName"_json_pointer, "") == "gpu-1";
      },
      300s);
  ASSERT_TRUE(ready) << "agent log:\n"
                     << ReadFileIfExists(agent_log).value_or("none") << "\ncache log:\n"
                     << ReadFileIfExists(dir_.path() /
                                         "work/pods/gpu-driver-cache/gpu-driver-cache-0/server.log")
                            .value_or("none");
  const json node = Node("gpu-1");
  EXPECT_EQ(KstCondition(node, "GPUDriverReady").value("reason", ""), "DriverLoadedSimulated");
  EXPECT_EQ(node["metadata"]["labels"]["gpu.extensions.gardener.cloud/driver-ready"], kKstDriver);
  EXPECT_EQ(node["status"]["allocatable"]["nvidia.com/gpu"], "1");
  const auto stats = kubelet_->stats();
  const std::string kernel_key =
      nodeagent::artifact::KernelKey(kKstDriver, kernel, gpuruntime::ModuleType::kOpen,
                                     gpuruntime::Arch::kAmd64)
          .Path();
  EXPECT_EQ(stats.builds_started, 1);
  EXPECT_EQ(stats.builds_succeeded, 1);
  EXPECT_EQ(stats.builds_per_key.at(kernel_key), 1);
  EXPECT_EQ(stats.caches_started, 1);
  EXPECT_EQ(shoot_->Get(kKstStatefulSets, {ns, "gpu-driver-cache"})
                ->value("/status/readyReplicas"_json_pointer, 0),
            1);
  // The SIMULATED kernel loaded the modules the real kbuild produced.
  EXPECT_EQ(
      ReadFileIfExists(kubelet_->HostRoot("gpu-1") / "sys/module/nvidia/version").value_or(""),
      std::string(kKstDriver) + "\n");
}

}  // namespace
}  // namespace gpuext::landscape
