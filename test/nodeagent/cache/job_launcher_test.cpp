// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// JobBuildLauncher and TokenReviewAuthenticator against the in-process kube-emulator (real TLS,
// real API semantics).
#include "gpuext/nodeagent/cache/job_launcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/emulator/server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/nodeagent/cache/auth.h"
#include "gpuext/nodeagent/cache/gc.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::cache {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const kube::Resource kJobTestJobs{"batch", "v1", "jobs", true};
const kube::Resource kJobTestSecrets{"", "v1", "secrets", true};

class JobLauncherEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<emulator::Server>(
        emulator::ServerOptions{
            .listen = "127.0.0.1:0",
            .tokens = {{.user = "admin", .token = "admin-token", .groups = {"system:masters"}},
                       {.user = "system:serviceaccount:gpu-node-agent:gpu-node-agent",
                        .token = "agent-sa-token"},
                       {.user = "system:serviceaccount:default:other", .token = "other-token"}}},
        Logger::Root().WithName("emulator"));
    server_->Start();
    client_ = std::make_unique<kube::HttpClient>(
        kube::ParseKubeconfig(server_->Kubeconfig(), dir_.path() / "kubeconfig"));
    client_->Create({"", "v1", "namespaces", false},
                    {{"apiVersion", "v1"},
                     {"kind", "Namespace"},
                     {"metadata", {{"name", "gpu-driver-cache"}}}});
  }
  void TearDown() override { server_->Stop(); }

  BuildRequest Request(const std::string& lease_id) const {
    const auto key = artifact::KernelKey("580.95.05", "6.12.72-cloud-amd64",
                                         gpuruntime::ModuleType::kOpen, gpuruntime::Arch::kArm64);
    return {.key = key,
            .lease = {.id = lease_id, .holder = "shoot--p--s/" + BuildJobName(key)},
            .job_name = BuildJobName(key),
            .upload_url = "https://gpu-driver-cache.gpu-driver-cache.svc/v1/uploads/" + lease_id,
            .token = "v1.secret-token-" + lease_id,
            .requester = {.node = "n1",
                          .pool = "gpu",
                          .kernel_release = "6.12.72-cloud-amd64",
                          .os_version = "1877.5.0"}};
  }

  JobLauncherOptions Options() const {
    return {.agent_image = "registry.test/gpu-node-agent@sha256:" + std::string(64, 'a'),
            .builder_image = "registry.test/kmodbuild:{arch}-{osVersion}",
            .node_selector = {{"worker.gardener.cloud/pool", "build"}},
            .timeout = 45min,
            .sources = {{.driver_version = "580.95.05",
                         .url = "https://download.test/{version}/NVIDIA-Linux-{arch}-{version}.run",
                         .sha256 = std::string(64, 'c'),
                         .kind = BuildSourceKind::kRun},
                        {.driver_version = "*",
                         .url = "https://download.test/open-gpu-kernel-modules-{version}.tar.gz",
                         .sha256 = std::string(64, 'd')}},
            .cluster = "shoot--p--s"};
  }

  gpuext::testing::TempDir dir_;
  std::unique_ptr<emulator::Server> server_;
  std::unique_ptr<kube::HttpClient> client_;
};

TEST_F(JobLauncherEmulatorTest, JobIsCreatedWithTheRestrictedBuilderShape) {
  JobBuildLauncher launcher(*client_, Options());
  const BuildRequest build = Request("lease1");
  launcher.Launch(build);

  const auto job = client_->Get(kJobTestJobs, {"gpu-driver-cache", build.job_name});
  ASSERT_TRUE(job.has_value());
  const json& spec = (*job)["spec"];
  EXPECT_EQ(spec["backoffLimit"], 0);
  EXPECT_EQ(spec["activeDeadlineSeconds"], 45 * 60);
  EXPECT_EQ(spec["ttlSecondsAfterFinished"], 3600);
  const json& pod = spec["template"]["spec"];
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  EXPECT_EQ(pod["restartPolicy"], "Never");
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["securityContext"]["runAsUser"], 65532);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(pod["nodeSelector"]["kubernetes.io/arch"], "arm64");
  EXPECT_EQ(pod["nodeSelector"]["worker.gardener.cloud/pool"], "build");
  EXPECT_EQ(pod["tolerations"][0]["key"], "nvidia.com/gpu");
  EXPECT_EQ(spec["template"]["metadata"]["labels"]["gardener.cloud/role"], "gpu-driver-builder");
  for (const json& v : pod["volumes"]) {
    EXPECT_FALSE(v.contains("hostPath")) << v.dump();
  }
  for (const char* list : {"initContainers", "containers"}) {
    ASSERT_EQ(pod[list].size(), 1u) << list;
    const json& sc = pod[list][0]["securityContext"];
    EXPECT_EQ(sc["allowPrivilegeEscalation"], false) << list;
    EXPECT_EQ(sc["capabilities"]["drop"], json::array({"ALL"})) << list;
    EXPECT_EQ(sc["runAsNonRoot"], true) << list;
    EXPECT_FALSE(sc.contains("privileged")) << list;
  }
  const json& main = pod["containers"][0];
  EXPECT_EQ(main["image"], "registry.test/kmodbuild:arm64-1877.5.0");
  EXPECT_EQ(pod["initContainers"][0]["image"], Options().agent_image);
  const std::vector<std::string> command = main["command"];
  const auto has = [&](const std::string& arg) {
    return std::find(command.begin(), command.end(), arg) != command.end();
  };
  EXPECT_EQ(command.at(0), "/gpuext/bin/gpu-node-agent");
  EXPECT_EQ(command.at(1), "build");
  EXPECT_TRUE(has("--key=" + build.key.Path()));
  EXPECT_TRUE(has("--recipe=kbuild-open"));
  EXPECT_TRUE(has("--work-dir=/work/build"));
  EXPECT_TRUE(has("--job-name=" + build.job_name));
  EXPECT_TRUE(has("--cluster=shoot--p--s"));
  // An open kernel key builds from the open source, not from the .run listed first.
  EXPECT_TRUE(has("--source-url=https://download.test/open-gpu-kernel-modules-580.95.05.tar.gz"));
  EXPECT_TRUE(has("--source-sha256=" + std::string(64, 'd')));
  EXPECT_TRUE(has("--upload=" + build.upload_url));
  EXPECT_TRUE(has("--token-file=/etc/gpuext/upload/token"));
  EXPECT_TRUE(has("--ca-file=/etc/gpuext/cache-ca/ca.crt"));
  // The token travels only in the Secret, never in the Job.
  EXPECT_EQ(job->dump().find(build.token), std::string::npos);

  const auto secret =
      client_->Get(kJobTestSecrets, {"gpu-driver-cache", build.job_name + "-upload"});
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(Base64Decode((*secret)["data"]["token"].get<std::string>()), build.token);
  const json& owner = (*secret)["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "Job");
  EXPECT_EQ(owner["uid"], (*job)["metadata"]["uid"]);
}

TEST_F(JobLauncherEmulatorTest, UserspaceKeysBuildFromTheRunSource) {
  JobLauncherOptions options = Options();
  options.sources[0].url = "https://download.test/{branch}/NVIDIA-Linux-{narch}-{version}.run";
  JobBuildLauncher launcher(*client_, options);
  BuildRequest build = Request("lease1");
  build.key = artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kAmd64);
  build.job_name = BuildJobName(build.key);
  const json job = launcher.JobFor(build);
  const json& main = job["spec"]["template"]["spec"]["containers"][0];
  // No kernel headers needed: the agent image, not the OS build image.
  EXPECT_EQ(main["image"], options.agent_image);
  const std::vector<std::string> command = main["command"];
  EXPECT_THAT(command, ::testing::Contains("--key=userspace/580.95.05/amd64"));
  EXPECT_THAT(command, ::testing::Contains("--recipe=kbuild-run"));
  EXPECT_THAT(command,
              ::testing::Contains(
                  "--source-url=https://download.test/580/NVIDIA-Linux-x86_64-580.95.05.run"));
  EXPECT_THAT(command, ::testing::Contains("--source-sha256=" + std::string(64, 'c')));
  EXPECT_EQ(launcher.CannotBuild(build.key), "");
}

TEST_F(JobLauncherEmulatorTest, NoSourceOfTheNeededKindFailsBeforeAnyJob) {
  JobLauncherOptions options = Options();
  options.sources.erase(options.sources.begin());  // only the open tarball is left
  JobBuildLauncher launcher(*client_, options);
  BuildRequest build = Request("lease1");
  build.key = artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kArm64);
  build.job_name = BuildJobName(build.key);
  const std::string why = launcher.CannotBuild(build.key);
  EXPECT_THAT(why, ::testing::HasSubstr("builds.sources has no source of kind run for driver "
                                        "580.95.05, which userspace/580.95.05/arm64 needs"));
  EXPECT_THAT(why, ::testing::HasSubstr(".run package"));
  EXPECT_THAT([&] { launcher.Launch(build); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("kind run")));
  EXPECT_FALSE(client_->Get(kJobTestJobs, {"gpu-driver-cache", build.job_name}).has_value());
  // The open tarball does not stand in for a proprietary kernel build either.
  EXPECT_THAT(launcher.CannotBuild(artifact::KernelKey("580.95.05", "6.1.0-1-amd64",
                                                       gpuruntime::ModuleType::kProprietary,
                                                       gpuruntime::Arch::kAmd64)),
              ::testing::HasSubstr("kind run"));
  EXPECT_EQ(launcher.CannotBuild(Request("x").key), "");
}

TEST_F(JobLauncherEmulatorTest, RelaunchReplacesTheDeadBuildersJob) {
  JobBuildLauncher launcher(*client_, Options());
  launcher.Launch(Request("lease1"));
  BuildRequest second = Request("lease2");
  second.took_over_expired = true;
  launcher.Launch(second);
  const auto job = client_->Get(kJobTestJobs, {"gpu-driver-cache", second.job_name});
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ((*job)["metadata"]["annotations"]["cache.gpu.extensions.gardener.cloud/lease"],
            "lease2");
  EXPECT_EQ((*job)["metadata"]["annotations"]["cache.gpu.extensions.gardener.cloud/requested-by"],
            second.requester.node);
  EXPECT_FALSE(second.requester.node.empty());
  const auto secret =
      client_->Get(kJobTestSecrets, {"gpu-driver-cache", second.job_name + "-upload"});
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(Base64Decode((*secret)["data"]["token"].get<std::string>()), second.token);
}

TEST_F(JobLauncherEmulatorTest, MissingAgentImageIsAConfigurationError) {
  try {
    JobBuildLauncher launcher(*client_, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    EXPECT_NE(std::string(e.what()).find("builds.agentImage"), std::string::npos);
  }
}

TEST_F(JobLauncherEmulatorTest, RunningKernelsComeFromNodeInfoAndTheNfdLabel) {
  client_->Create({"", "v1", "nodes", false},
                  {{"apiVersion", "v1"},
                   {"kind", "Node"},
                   {"metadata", {{"name", "a"}}},
                   {"status", {{"nodeInfo", {{"kernelVersion", "6.12.72-cloud-amd64"}}}}}});
  client_->Create(
      {"", "v1", "nodes", false},
      {{"apiVersion", "v1"},
       {"kind", "Node"},
       {"metadata",
        {{"name", "b"},
         {"labels", {{"gpu.extensions.gardener.cloud/kernel-release", "6.1.0-18-amd64"}}}}}});
  EXPECT_EQ(RunningKernelReleases(*client_),
            (std::set<std::string, std::less<>>{"6.1.0-18-amd64", "6.12.72-cloud-amd64"}));
}

TEST_F(JobLauncherEmulatorTest, TokenReviewAcceptsOnlyTheNodeAgentServiceAccount) {
  gpuext::testing::FakeClock clock;
  TokenReviewAuthenticator auth(*client_, clock);
  EXPECT_EQ(auth.Authenticate("agent-sa-token"),
            "system:serviceaccount:gpu-node-agent:gpu-node-agent");
  EXPECT_EQ(auth.Authenticate("other-token"), std::nullopt);  // authenticated, not allowed
  EXPECT_EQ(auth.Authenticate("unknown-token"), std::nullopt);
  EXPECT_EQ(auth.Authenticate(""), std::nullopt);
}

TEST_F(JobLauncherEmulatorTest, TokenReviewAnswersAreCachedForAMinute) {
  gpuext::testing::FakeClock clock;
  int reviews = 0;
  kube::HttpClient counting(
      kube::ParseKubeconfig(server_->Kubeconfig(), dir_.path() / "kubeconfig"),
      {.observer = [&](const kube::RequestRecord& r) {
        if (r.verb == "POST") {
          ++reviews;
        }
      }});
  TokenReviewAuthenticator auth(counting, clock);
  ASSERT_TRUE(auth.Authenticate("agent-sa-token").has_value());
  ASSERT_TRUE(auth.Authenticate("agent-sa-token").has_value());
  EXPECT_EQ(reviews, 1);
  clock.Advance(61s);
  ASSERT_TRUE(auth.Authenticate("agent-sa-token").has_value());
  EXPECT_EQ(reviews, 2);
}

}  // namespace
}  // namespace gpuext::nodeagent::cache
