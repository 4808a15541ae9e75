// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// JobBuildLauncher: one batch/v1 Job per granted lease (DESIGN.md §14.5), plus a per-Job
// Secret holding the upload token, owned by the Job so that Kubernetes deletes it with the Job.
//
//   JobBuildLauncher launcher(client, {.agent_image = ..., .builder_image =
//   "kmodbuild:{arch}-{osVersion}"}); server deps.launcher = &launcher;
//
// The Job: backoffLimit 0, activeDeadlineSeconds = timeout, ttlSecondsAfterFinished 3600, no
// ServiceAccount token, Pod Security "restricted" (uid 65532, drop ALL, RuntimeDefault seccomp,
// read-only root filesystem), nodeSelector kubernetes.io/arch + the configured selector, a
// preference for nodes without GPUs and a toleration of GPU taints. The init container (agent
// image) copies /opt/gpuext/bundle into an emptyDir; the main container (the OS build image
// for kernel parts, the agent image for userspace parts) runs
// `/gpuext/bin/gpu-node-agent build --key … --upload … --token-file …`.
//
// A dead builder's Job (same name, its lease expired) is deleted before the new one is created.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/client.h"
#include "gpuext/nodeagent/cache/launcher.h"

namespace gpuext::nodeagent::cache {

// What a source is: the open-gpu-kernel-modules tarball (kernel parts with open modules,
// recipe kbuild-open) or NVIDIA's .run package (userspace parts, and proprietary kernel parts).
enum class BuildSourceKind { kOpen, kRun };

// "open", "run".
[[nodiscard]] std::string_view ToString(BuildSourceKind kind);

// The kind a key's build needs: kOpen for kernel keys with open modules, kRun otherwise. The
// open recipe unpacks a tarball, so a .run package cannot stand in for a missing open source.
[[nodiscard]] BuildSourceKind SourceKindFor(const artifact::ArtifactKey& key);

// A driver source the builder downloads (§14.5 step 2).
struct BuildSource {
  std::string driver_version = {};  // "580.95.05"; "*" for every version
  // May hold {version}, {branch} ("580"), and {arch} or {narch} (both x86_64 / aarch64).
  std::string url = {};
  std::string sha256 = {};  // 64 hex; empty: unpinned
  BuildSourceKind kind = BuildSourceKind::kOpen;
};

// The first of `sources` of the key's driver version (or "*") and kind, or nullptr.
[[nodiscard]] const BuildSource* FindBuildSource(const std::vector<BuildSource>& sources,
                                                 const artifact::ArtifactKey& key);

struct JobLauncherOptions {
  std::string ns = "gpu-driver-cache";
  std::string agent_image = {};  // init container and userspace builds (required)
  // OS build image for kernel parts; {osVersion} and {arch} (amd64/arm64) are replaced. Empty:
  // the agent image.
  std::string builder_image = {};
  std::map<std::string, std::string> node_selector = {};
  std::chrono::seconds timeout = std::chrono::hours(1);
  // Recipe per module type ("open", "proprietary") and for userspace parts ("userspace").
  std::map<std::string, std::string> recipes = {
      {"open", "kbuild-open"}, {"proprietary", "kbuild-run"}, {"userspace", "kbuild-run"}};
  std::vector<BuildSource> sources = {};
  // The cache's CA for the builder: ConfigMap or Secret key mounted at /etc/gpuext/cache-ca.
  std::string ca_secret = "gpu-cache-tls";
  std::string ca_secret_key = "ca.crt";
  std::string cluster = {};  // written into the Job's annotations (manifest builder.cluster)
};

class JobBuildLauncher final : public BuildLauncher {
 public:
  // Throws gpuext::Error(kConfigurationProblem) when agent_image is empty.
  JobBuildLauncher(kube::Client& client, JobLauncherOptions options);
  // Throws gpuext::Error(kConfigurationProblem) when no source fits the key (CannotBuild).
  void Launch(const BuildRequest& request) override;
  // Names builds.sources and the missing kind when no source fits the key.
  [[nodiscard]] std::string CannotBuild(const artifact::ArtifactKey& key) const override;

  // The Job and Secret objects Launch creates (exposed for tests and dry runs). JobFor throws
  // like Launch when no source fits.
  [[nodiscard]] nlohmann::json JobFor(const BuildRequest& request) const;
  [[nodiscard]] nlohmann::json SecretFor(const BuildRequest& request,
                                         const nlohmann::json& created_job) const;

 private:
  kube::Client& client_;
  JobLauncherOptions options_;
};

}  // namespace gpuext::nodeagent::cache
