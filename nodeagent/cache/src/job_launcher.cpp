// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/job_launcher.h"

#include <utility>

#include <fmt/format.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::cache {

namespace {

using nlohmann::json;

const kube::Resource kJobLauncherJobs{"batch", "v1", "jobs", true};
const kube::Resource kJobLauncherSecrets{"", "v1", "secrets", true};
constexpr std::string_view kJobLauncherKeyAnnotation = "cache.gpu.extensions.gardener.cloud/key";
constexpr std::string_view kJobLauncherLeaseAnnotation =
    "cache.gpu.extensions.gardener.cloud/lease";
constexpr std::string_view kJobLauncherClusterAnnotation =
    "cache.gpu.extensions.gardener.cloud/cluster";
// The node whose lease request started the build (for `kubectl describe job` and the demo).
constexpr std::string_view kJobLauncherRequestedByAnnotation =
    "cache.gpu.extensions.gardener.cloud/requested-by";
constexpr const char* kJobLauncherTokenDir = "/etc/gpuext/upload";
constexpr const char* kJobLauncherCaDir = "/etc/gpuext/cache-ca";

std::string JobLauncherReplace(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string JobLauncherNativeArch(gpuruntime::Arch arch) {
  return arch == gpuruntime::Arch::kArm64 ? "aarch64" : "x86_64";
}

// Pod Security "restricted" for every container (§14.5, §19.3).
json JobLauncherContainerSecurity() {
  return {{"allowPrivilegeEscalation", false},
          {"readOnlyRootFilesystem", true},
          {"runAsNonRoot", true},
          {"runAsUser", 65532},
          {"runAsGroup", 65532},
          {"capabilities", {{"drop", {"ALL"}}}},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

std::string JobLauncherSecretName(const std::string& job_name) { return job_name + "-upload"; }

}  // namespace

std::string_view ToString(BuildSourceKind kind) {
  return kind == BuildSourceKind::kOpen ? "open" : "run";
}

BuildSourceKind SourceKindFor(const artifact::ArtifactKey& key) {
  return key.part == artifact::ArtifactPart::kKernel && key.module_type &&
                 *key.module_type == gpuruntime::ModuleType::kOpen
             ? BuildSourceKind::kOpen
             : BuildSourceKind::kRun;
}

const BuildSource* FindBuildSource(const std::vector<BuildSource>& sources,
                                   const artifact::ArtifactKey& key) {
  const BuildSourceKind kind = SourceKindFor(key);
  for (const BuildSource& source : sources) {
    if (source.kind == kind &&
        (source.driver_version == key.driver_version || source.driver_version == "*")) {
      return &source;
    }
  }
  return nullptr;
}

std::string JobBuildLauncher::CannotBuild(const artifact::ArtifactKey& key) const {
  if (FindBuildSource(options_.sources, key) != nullptr) {
    return {};
  }
  const BuildSourceKind kind = SourceKindFor(key);
  return fmt::format(
      "builds.sources has no source of kind {} for driver {}, which {} needs; add an entry "
      "{{driverVersion: {}, kind: {}, url: ..., sha256: ...}} ({})",
      ToString(kind), key.driver_version, key.Path(), key.driver_version, ToString(kind),
      kind == BuildSourceKind::kOpen ? "the open-gpu-kernel-modules source tarball"
                                     : "NVIDIA's .run package NVIDIA-Linux-<arch>-<version>.run");
}

std::string BuildJobName(const artifact::ArtifactKey& key) {
  return "build-" + key.PathSha256().substr(0, 10);
}

JobBuildLauncher::JobBuildLauncher(kube::Client& client, JobLauncherOptions options)
    : client_(client), options_(std::move(options)) {
  if (options_.agent_image.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "builds.agentImage: required to start builder Jobs (the gpu-node-agent image "
                "that carries /opt/gpuext/bundle)");
  }
}

json JobBuildLauncher::JobFor(const BuildRequest& request) const {
  const artifact::ArtifactKey& key = request.key;
  const bool kernel = key.part == artifact::ArtifactPart::kKernel;
  const std::string arch(gpuruntime::ToString(key.arch));
  std::string image = options_.agent_image;
  if (kernel && !options_.builder_image.empty()) {
    image = JobLauncherReplace(
        JobLauncherReplace(options_.builder_image, "{osVersion}", request.requester.os_version),
        "{arch}", arch);
  }
  const std::string recipe_key =
      kernel ? std::string(gpuruntime::ToString(*key.module_type)) : "userspace";
  const auto recipe = options_.recipes.find(recipe_key);

  std::vector<std::string> command = {"/gpuext/bin/gpu-node-agent", "build", "--key=" + key.Path()};
  if (recipe != options_.recipes.end()) {
    command.push_back("--recipe=" + recipe->second);
  }
  const BuildSource* source = FindBuildSource(options_.sources, key);
  if (source == nullptr) {
    throw Error(ErrorCode::kConfigurationProblem, CannotBuild(key));
  }
  // {narch} is the catalog's spelling of the uname machine (NVIDIA-Linux-{narch}-…run);
  // {arch} means the same here (x86_64 / aarch64), as documented for builds.sources.
  std::string url = JobLauncherReplace(source->url, "{version}", key.driver_version);
  url = JobLauncherReplace(std::move(url), "{branch}",
                           key.driver_version.substr(0, key.driver_version.find('.')));
  url = JobLauncherReplace(std::move(url), "{narch}", JobLauncherNativeArch(key.arch));
  command.push_back("--source-url=" +
                    JobLauncherReplace(std::move(url), "{arch}", JobLauncherNativeArch(key.arch)));
  command.push_back(source->sha256.empty() ? "--allow-unpinned-source"
                                           : "--source-sha256=" + source->sha256);
  command.push_back("--work-dir=/work/build");
  command.push_back("--image=" + image);
  command.push_back("--job-name=" + request.job_name);
  if (!options_.cluster.empty()) {
    command.push_back("--cluster=" + options_.cluster);
  }
  command.push_back("--upload=" + request.upload_url);
  command.push_back(fmt::format("--token-file={}/token", kJobLauncherTokenDir));
  command.push_back(fmt::format("--ca-file={}/ca.crt", kJobLauncherCaDir));

  json node_selector = json::object();
  for (const auto& [k, v] : options_.node_selector) {
    node_selector[k] = v;
  }
  node_selector["kubernetes.io/arch"] = arch;

  const json labels = {{"app.kubernetes.io/name", "gpu-driver-builder"},
                       {"app.kubernetes.io/managed-by", "gpu-driver-cache"},
                       {"gardener.cloud/role", "gpu-driver-builder"}};
  json annotations = {{std::string(kJobLauncherKeyAnnotation), key.Path()},
                      {std::string(kJobLauncherLeaseAnnotation), request.lease.id}};
  if (!options_.cluster.empty()) {
    annotations[std::string(kJobLauncherClusterAnnotation)] = options_.cluster;
  }
  if (!request.requester.node.empty()) {
    annotations[std::string(kJobLauncherRequestedByAnnotation)] = request.requester.node;
  }
  const json pod_spec = {
      {"restartPolicy", "Never"},
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", 65532},
        {"runAsGroup", 65532},
        {"fsGroup", 65532},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"nodeSelector", node_selector},
      // Builds burn CPU for minutes: keep them off GPU nodes when others exist.
      {"affinity",
       {{"nodeAffinity",
         {{"preferredDuringSchedulingIgnoredDuringExecution",
           {{{"weight", 100},
             {"preference",
              {{"matchExpressions",
                {{{"key", "nvidia.com/gpu.present"}, {"operator", "DoesNotExist"}}}}}}}}}}}}},
      {"tolerations",
       {{{"key", "nvidia.com/gpu"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}}},
      {"initContainers",
       {{{"name", "bundle"},
         {"image", options_.agent_image},
         {"command",
          {"/opt/gpuext/bundle/bin/gpu-node-agent", "copy-bundle", "--from=/opt/gpuext/bundle",
           "--to=/gpuext"}},
         {"securityContext", JobLauncherContainerSecurity()},
         {"volumeMounts", {{{"name", "bundle"}, {"mountPath", "/gpuext"}}}}}}},
      {"containers",
       {{{"name", "build"},
         {"image", image},
         {"command", command},
         {"env",
          {{{"name", "HOME"}, {"value", "/work"}}, {{"name", "TMPDIR"}, {"value", "/work/tmp"}}}},
         {"securityContext", JobLauncherContainerSecurity()},
         {"volumeMounts",
          {{{"name", "bundle"}, {"mountPath", "/gpuext"}, {"readOnly", true}},
           {{"name", "work"}, {"mountPath", "/work"}},
           {{"name", "upload-token"}, {"mountPath", kJobLauncherTokenDir}, {"readOnly", true}},
           {{"name", "cache-ca"}, {"mountPath", kJobLauncherCaDir}, {"readOnly", true}}}}}}},
      {"volumes",
       {{{"name", "bundle"}, {"emptyDir", json::object()}},
        {{"name", "work"}, {"emptyDir", json::object()}},
        {{"name", "upload-token"},
         {"secret",
          {{"secretName", JobLauncherSecretName(request.job_name)}, {"defaultMode", 0440}}}},
        {{"name", "cache-ca"},
         {"secret",
          {{"secretName", options_.ca_secret},
           {"items", {{{"key", options_.ca_secret_key}, {"path", "ca.crt"}}}},
           {"defaultMode", 0444}}}}}}};
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata",
           {{"name", request.job_name},
            {"namespace", options_.ns},
            {"labels", labels},
            {"annotations", annotations}}},
          {"spec",
           {{"backoffLimit", 0},
            {"activeDeadlineSeconds", options_.timeout.count()},
            {"ttlSecondsAfterFinished", 3600},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}}}};
}

json JobBuildLauncher::SecretFor(const BuildRequest& request, const json& created_job) const {
  const json meta = created_job.value("metadata", json::object());
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", JobLauncherSecretName(request.job_name)},
            {"namespace", options_.ns},
            {"labels",
             {{"app.kubernetes.io/name", "gpu-driver-builder"},
              {"app.kubernetes.io/managed-by", "gpu-driver-cache"}}},
            // Deleted with the Job by the garbage collector (§14.3).
            {"ownerReferences",
             {{{"apiVersion", "batch/v1"},
               {"kind", "Job"},
               {"name", meta.value("name", request.job_name)},
               {"uid", meta.value("uid", std::string())},
               {"controller", true},
               {"blockOwnerDeletion", false}}}}}},
          {"type", "Opaque"},
          {"data", {{"token", Base64Encode(request.token)}}}};
}

void JobBuildLauncher::Launch(const BuildRequest& request) {
  // First: a key no source fits must not touch the Jobs of earlier leases.
  const json job = JobFor(request);
  const kube::ObjectKey job_key{options_.ns, request.job_name};
  const kube::ObjectKey secret_key{options_.ns, JobLauncherSecretName(request.job_name)};
  // A Job of the same name belongs to an earlier lease of this key (a dead or finished build):
  // the lease we hold now says nobody else builds, so it goes.
  if (client_.Get(kJobLauncherJobs, job_key)) {
    client_.Delete(kJobLauncherJobs, job_key,
                   {.propagation = kube::PropagationPolicy::kBackground});
  }
  client_.Delete(kJobLauncherSecrets, secret_key);
  json created;
  try {
    created = client_.Create(kJobLauncherJobs, job);
  } catch (const std::exception& e) {
    std::throw_with_nested(
        Error(ErrorCode::kRetryableInfraDependencies,
              fmt::format("create builder Job {}/{}", options_.ns, request.job_name)));
  }
  try {
    client_.Create(kJobLauncherSecrets, SecretFor(request, created));
  } catch (const std::exception&) {
    client_.Delete(kJobLauncherJobs, job_key,
                   {.propagation = kube::PropagationPolicy::kBackground});
    std::throw_with_nested(
        Error(ErrorCode::kRetryableInfraDependencies,
              fmt::format("create upload token Secret {}/{}", options_.ns, secret_key.name)));
  }
}

}  // namespace gpuext::nodeagent::cache
