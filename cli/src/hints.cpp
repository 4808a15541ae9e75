// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <map>
#include <string>

#include "gpuext/cli/explain.h"

// The next-step hints of `gpu explain`, one per condition reason the node agent writes
// (nodeagent/agent.h, artifact/verify.h RefusalReason, the cache server's build failures).

namespace gpuext::cli {

namespace {

const std::map<std::string, std::string, std::less<>>& HintsByReason() {
  static const auto* hints = new std::map<std::string, std::string, std::less<>>{
      {"WaitingForBuild",
       "the driver cache is building the kernel modules for this kernel (one build per key, "
       "held by a lease). Watch the builder Job with `kubectl -n gpu-driver-cache get jobs -l "
       "gardener.cloud/role=gpu-driver-builder` and its logs; `gpu cache ls --server ...` shows "
       "the key once it is published. The agent retries on its own."},
      {"BadSignature",
       "the artifact's manifest signature does not verify against the agent's trusted keys. "
       "Check it with `gpu cache inspect <key> --public-key <file>` and compare the cache's "
       "signing key with the agent configuration's cache public keys."},
      {"UnknownKey",
       "the manifest is signed by a key the agent does not trust: add the cache server's public "
       "key to the agent configuration, or rebuild the entry with the current signing key."},
      {"VermagicMismatch",
       "the modules were built for another kernel (vermagic). Compare the node's kernel "
       "(`uname -r`, status.nodeInfo.kernelVersion) with the artifact key's kernel release "
       "(`gpu cache inspect <key>`); remove the bad entry and rebuild it with `gpu cache "
       "prebuild`."},
      {"UnsignedModules",
       "Secure Boot or module.sig_enforce is on and the modules are unsigned: configure module "
       "signing for the builds, or turn off Secure Boot for this pool."},
      {"DigestMismatch",
       "a downloaded blob or file differs from the manifest: the cache entry is corrupt or was "
       "tampered with. Inspect it with `gpu cache inspect <key>`, delete it and rebuild."},
      {"UnlistedFile",
       "the archive holds files its manifest does not list: delete the entry and rebuild."},
      {"UnsafePath",
       "the archive holds an unsafe path: the entry was not built by our builder. Delete it and "
       "rebuild."},
      {"KeyMismatch",
       "the manifest describes another key than the node asked for: delete the entry and "
       "rebuild."},
      {"InvalidManifest",
       "the cache served a manifest the agent cannot read: check the cache server's version and "
       "`gpu cache inspect <key>`."},
      {"ArtifactTooLarge", "the artifact exceeds the agent's size limit: check the cache entry."},
      {"ArtifactMissing",
       "no artifact exists for this node's kernel and no build could be requested: enable "
       "builds on the cache server or run `gpu cache prebuild --kernel <release> --driver "
       "<version>`."},
      {"BuildsDisabled",
       "the cache server has builds disabled: enable builds (builds.enabled) or publish the "
       "artifact with `gpu cache prebuild` on a cache that builds."},
      {"NoHeadersForKernel",
       "the builder found no kernel headers for this kernel release: the machine image's "
       "headers package is missing from the builder image. The build is retried after its "
       "backoff."},
      {"CompileError",
       "the driver's kernel modules failed to compile for this kernel (the message carries the "
       "log tail): check that the driver version supports this kernel."},
      {"BuildFailed",
       "the build of this node's artifact failed: see the message and the builder Job's logs "
       "(`kubectl -n gpu-driver-cache logs job/<job>`). It is retried after its backoff."},
      {"NouveauLoaded",
       "the nouveau driver is loaded: blacklist it in the machine image (or reboot the node "
       "after the agent's modprobe blacklist is in place)."},
      {"DriverInUse",
       "another driver version is in use by GPU pods: drain the node's GPU workloads so the "
       "agent can switch versions."},
      {"FirmwarePathConflict",
       "the firmware path belongs to another driver installation on the host: remove it or "
       "use a machine image without a preinstalled driver."},
      {"DriverRootConflict",
       "the driver root is used by another installation: remove it from the host."},
      {"DriverLoaded", "nothing to do: the driver is loaded and the node is ready."},
      {"Uninstalled", "the driver was uninstalled because GPU support was removed for this pool."},
      {"NoGPU", "the agent found no NVIDIA GPU on this node; nothing to do."},
  };
  return *hints;
}

}  // namespace

std::string NextStepHint(const NodeGpu& node) {
  if (!node.condition) {
    if (!node.has_gpu) {
      return "this node has no GPU labels and no GPUDriverReady condition: it is not a GPU node.";
    }
    return "no gpu-node-agent has reported on this node: check its pod with `kubectl -n "
           "gpu-node-agent get pods -o wide --field-selector spec.nodeName=" +
           node.name + "` and the DaemonSet gpu-node-agent-" +
           (node.pool.empty() ? std::string("<pool>") : node.pool) + ".";
  }
  const std::string_view reason = BaseReason(node.condition->reason);
  if (node.phase == "Ready" && !node.ready_version) {
    return "the condition is True but the label " + std::string(kCliDriverReadyLabel) +
           " is missing: the agent's next pass sets it; check the agent's logs if it stays so.";
  }
  const auto& hints = HintsByReason();
  if (const auto it = hints.find(reason); it != hints.end()) {
    return it->second;
  }
  if (node.phase == "Failed") {
    if (reason.ends_with("Failed")) {
      return "the agent's step " + std::string(reason.substr(0, reason.size() - 6)) +
             " failed (see the message); check the agent's logs with `kubectl -n gpu-node-agent "
             "logs` on this node's pod. It retries on its own.";
    }
    return "the agent refused or failed (see the message and the events); check the agent's "
           "logs.";
  }
  return "the agent is working (" + node.phase +
         "); wait, e.g. `until gpu status >/dev/null; do sleep 10; done` (exit code 3 means not "
         "ready yet).";
}

}  // namespace gpuext::cli
