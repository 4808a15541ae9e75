// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Module signing (DESIGN.md §14.5 step 4): the exact sign-file argv (FakeCommandRunner over a
// real build), and a real signature made with the headers' scripts/sign-file.

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/testing/fake_command_runner.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"
#include "simulated_driver.h"

namespace gpuext::nodeagent {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class BuilderSigningTest : public build_test::SimulatedDriverBuildTest {
 protected:
  [[nodiscard]] BuildRequest Request(ModuleSigning signing) const {
    BuildRequest request = SimulatedRequest();
    request.module_signing = std::move(signing);
    return request;
  }
};

TEST_F(BuilderSigningTest, SignFileGetsHashKeyCertAndEachModule) {
  RealCommandRunner real;
  testing::FakeCommandRunner runner;
  const auto delegate = [&](const Command& c, std::stop_token s) { return real.Run(c, s); };
  runner.On({"gcc"}, delegate).On({"make"}, delegate);
  const std::string sign_file = (headers_->build_dir / "scripts/sign-file").string();
  // Appends the marker sign-file would append, so the builder's own check passes.
  runner.On({sign_file}, [](const Command& c, std::stop_token) {
    std::ofstream(c.argv.back(), std::ios::app | std::ios::binary)
        << "SIMULATED-signature~Module signature appended~\n";
    return CommandResult{};
  });

  const BuildRequest request =
      Request({.key_file = "/secret/signing_key.pem", .cert_file = "/secret/signing_key.x509"});
  const BuildResult result = Builder(Options("work"), runner, clock_).Build(request, {});

  const fs::path kbuild =
      tmp_.path() / "work" / ("build-" + request.key.PathSha256().substr(0, 16)) / "source" /
      (std::string("open-gpu-kernel-modules-") + build_test::kSimulatedDriverVersion) /
      "kernel-open";
  std::vector<std::vector<std::string>> signs;
  for (const auto& argv : runner.argvs()) {
    if (argv.at(0) == sign_file) {
      signs.push_back(argv);
    }
  }
  EXPECT_THAT(
      signs,
      ElementsAre(ElementsAre(sign_file, "sha256", "/secret/signing_key.pem",
                              "/secret/signing_key.x509", (kbuild / "nvidia-modeset.ko").string()),
                  ElementsAre(sign_file, "sha256", "/secret/signing_key.pem",
                              "/secret/signing_key.x509", (kbuild / "nvidia-uvm.ko").string()),
                  ElementsAre(sign_file, "sha256", "/secret/signing_key.pem",
                              "/secret/signing_key.x509", (kbuild / "nvidia.ko").string())));
  EXPECT_TRUE(runner.unexpected().empty());
  EXPECT_TRUE(result.manifest.builder.signed_modules);
}

TEST_F(BuilderSigningTest, FailingSignFileIsSigningFailed) {
  RealCommandRunner real;
  testing::FakeCommandRunner runner;
  const auto delegate = [&](const Command& c, std::stop_token s) { return real.Run(c, s); };
  runner.On({"gcc"}, delegate).On({"make"}, delegate);
  runner.Expect({(headers_->build_dir / "scripts/sign-file").string()},
                {.exit_code = 1, .stderr_text = "sign-file: key: No such file"});
  EXPECT_THAT(
      [&] {
        (void)Builder(Options("work"), runner, clock_)
            .Build(Request({.key_file = "/nope.pem", .cert_file = "/nope.x509"}), {});
      },
      ::testing::ThrowsMessage<BuildError>(::testing::HasSubstr("SigningFailed: sign-file")));
}

TEST_F(BuilderSigningTest, RealSignFileSignsTheModules) {
  const fs::path key = tmp_.path() / "signing_key.pem";
  const fs::path cert = tmp_.path() / "signing_key.x509";
  const auto openssl = gpuext::testing::RunProcess(
      {"openssl", "req",        "-new",    "-nodes",     "-utf8",    "-sha256",
       "-days",   "1",          "-batch",  "-x509",      "-subj",    "/CN=SIMULATED module signing",
       "-newkey", "rsa:2048",   "-keyout", key.string(), "-outform", "DER",
       "-out",    cert.string()});
  ASSERT_EQ(openssl.exit_code, 0) << openssl.stderr_text;

  RealCommandRunner runner;
  artifact::FilesystemBlobStore store(tmp_.path() / "store", clock_);
  const artifact::SigningKey manifest_key = artifact::SigningKey::Generate();
  BlobStoreSink sink(store, manifest_key);
  const BuildRequest request = Request({.key_file = key, .cert_file = cert});
  const BuildResult result =
      Builder(Options("work"), runner, clock_).BuildAndPublish(request, sink, {});
  for (const artifact::FileEntry& file : result.manifest.files) {
    SCOPED_TRACE(file.path);
    EXPECT_TRUE(artifact::HasModuleSignature(result.tree / file.path));
  }
  const artifact::ArtifactManifest m = artifact::DecodeManifest(*store.GetManifest(request.key));
  EXPECT_TRUE(m.builder.signed_modules);
  const fs::path blob = tmp_.path() / "blob";
  ASSERT_TRUE(store.GetBlob(m.blobs.at(0).digest, blob));
  const artifact::VerifyResult verified =
      artifact::VerifyArtifact({.manifest = m,
                                .blob_files = {blob},
                                .requested_key = request.key,
                                .trusted_keys = {manifest_key.public_key()},
                                .target_kernel_release = headers_->kernel_release,
                                .require_signed_modules = true,
                                .dest = tmp_.path() / "verified"});
  EXPECT_TRUE(verified.ok()) << artifact::ToString(verified.reason) << ": " << verified.message;
}

}  // namespace
}  // namespace gpuext::nodeagent
