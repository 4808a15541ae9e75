// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu cache ...` against the real gpu-driver-cache server in-process over TLS (the nodeagent
// cache tests' fixture): a prebuild through the CLI starts a build, the builder's upload and
// commit publish a signed kernel part, and ls/inspect read it back; the same store is then
// read and collected as a directory (--dir).
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../../nodeagent/cache/cache_test_fixture.h"
#include "gpuext/cli/app.h"

namespace gpuext::cli::testing {
namespace {

namespace artifact = nodeagent::artifact;
using nlohmann::json;
using nodeagent::cache::testing::CacheServerFixture;
using nodeagent::cache::testing::CacheTestKernelKey;
using nodeagent::cache::testing::CacheTestWriteFile;
using ::testing::HasSubstr;

struct CacheCliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliCacheTest : public CacheServerFixture {
 protected:
  CacheCliRun Gpu(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    CacheCliRun run;
    run.exit_code = RunGpu(args, {.out = out, .err = err, .colour = false, .program = "gpu"});
    run.out = out.str();
    run.err = err.str();
    return run;
  }

  // `gpu cache <command> <args> --server <url> --ca-file <ca>`.
  CacheCliRun GpuServer(const std::string& command, std::vector<std::string> args) {
    args.insert(args.begin(), {"cache", command});
    args.insert(args.end(), {"--server", url(), "--ca-file", (dir_.path() / "ca.crt").string()});
    return Gpu(args);
  }

  std::vector<std::string> PrebuildArgs() const {
    return {"--kernel",     nodeagent::cache::testing::kCacheTestKernel,
            "--driver",     "580.95.05",
            "--type",       "open",
            "--arch",       "amd64",
            "--token-file", (dir_.path() / "agent-token").string()};
  }

  // Prebuild through the CLI, then the builder's side: upload and commit (the server signs).
  void PrebuildAndPublish() {
    const CacheCliRun run = GpuServer("prebuild", PrebuildArgs());
    ASSERT_EQ(run.exit_code, kExitOk) << run.err;
    ASSERT_THAT(run.out, HasSubstr("build started"));
    ASSERT_EQ(launcher_.launches().size(), 1U);
    const auto build = launcher_.launches()[0];
    packed_ = Pack(build.key);
    (void)Publish(build, packed_, dir_.path() / "blob-a.tar.zst");
  }

  std::string PublicKeyFile(const std::string& base64) {
    const auto file = dir_.path() / "trusted.pub";
    CacheTestWriteFile(file, base64 + "\n");
    return file.string();
  }

  artifact::PackResult packed_;
};

TEST_F(CliCacheTest, PrebuildStartsOneBuildAndReportsTheRunningOne) {
  CacheCliRun run = GpuServer("prebuild", PrebuildArgs());
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr(CacheTestKernelKey().Path() + ": build started (job build-"));
  ASSERT_EQ(launcher_.launches().size(), 1U);
  EXPECT_EQ(launcher_.launches()[0].key, CacheTestKernelKey());

  std::vector<std::string> args = PrebuildArgs();
  args.insert(args.end(), {"-o", "json"});
  run = GpuServer("prebuild", args);
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  const json out = json::parse(run.out);
  EXPECT_EQ(out["state"], "held");
  EXPECT_EQ(out["key"], CacheTestKernelKey().Path());
  EXPECT_THAT(out["holder"].get<std::string>(), HasSubstr("shoot--p--s/build-"));
  EXPECT_EQ(launcher_.launches().size(), 1U);  // no second build
}

TEST_F(CliCacheTest, PrebuildWithoutTokenIsRefused) {
  const CacheCliRun run =
      GpuServer("prebuild", {"--kernel", "6.1.0-56-amd64", "--driver", "580.95.05"});
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_THAT(run.err, HasSubstr("401"));
  EXPECT_TRUE(launcher_.launches().empty());
}

TEST_F(CliCacheTest, LsShowsKeySizeCreatedAndBuilder) {
  PrebuildAndPublish();
  CacheCliRun run = GpuServer("ls", {});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("KEY"));
  const std::string key = CacheTestKernelKey().Path();
  EXPECT_THAT(run.out, HasSubstr(key));
  EXPECT_THAT(run.out, HasSubstr("shoot--p--s/build-"));  // the lease holder, not the claim

  run = GpuServer("ls", {"kernel/580.95.05/", "-o", "json"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  const json out = json::parse(run.out);
  ASSERT_EQ(out["items"].size(), 1U) << out.dump(2);
  EXPECT_EQ(out["items"][0]["key"], key);
  EXPECT_EQ(out["items"][0]["size"], packed_.size);
  EXPECT_EQ(out["items"][0]["builder"]["cluster"], "shoot--p--s");
  EXPECT_EQ(out["items"][0]["builder"]["recipe"], "kbuild-run");
  EXPECT_FALSE(out["items"][0]["created"].get<std::string>().empty());
  EXPECT_EQ(out["items"][0]["error"], "");

  run = GpuServer("ls", {"userspace/", "-o", "json"});
  EXPECT_EQ(json::parse(run.out)["items"].size(), 0U);
}

TEST_F(CliCacheTest, InspectVerifiesTheSignatureAgainstThePublicKey) {
  PrebuildAndPublish();
  const std::string key = CacheTestKernelKey().Path();
  CacheCliRun run =
      GpuServer("inspect", {key, "--public-key", PublicKeyFile(signing_key_.PublicKeyBase64())});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Signature: " + signing_key_.KeyId() + " valid"));
  EXPECT_THAT(run.out,
              HasSubstr("lib/modules/" + std::string(nodeagent::cache::testing::kCacheTestKernel)));
  EXPECT_THAT(run.out, HasSubstr(packed_.files[0].sha256));
  EXPECT_THAT(run.out, HasSubstr(packed_.digest));

  run = GpuServer("inspect", {key, "-o", "json", "--public-key",
                              artifact::SigningKey::Generate().PublicKeyBase64()});
  EXPECT_EQ(run.exit_code, kExitError);
  const json out = json::parse(run.out);
  EXPECT_EQ(out["signature"]["status"], "UnknownKey");
  EXPECT_EQ(out["manifest"]["key"]["kernelRelease"], nodeagent::cache::testing::kCacheTestKernel);
  EXPECT_THAT(run.err, HasSubstr("signature of " + key + " is not valid"));

  run = GpuServer("inspect", {key});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_THAT(run.out, HasSubstr("not checked (pass --public-key)"));
}

TEST_F(CliCacheTest, InspectOfAMissingKeyIsNotFound) {
  const CacheCliRun run = GpuServer("inspect", {"userspace/580.95.05/arm64"});
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_THAT(run.err, HasSubstr("no manifest for userspace/580.95.05/arm64"));
}

TEST_F(CliCacheTest, GcOnTheServerIsNotSupported) {
  const CacheCliRun run = GpuServer("gc", {});
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_THAT(run.err, HasSubstr("not supported by this server"));
}

TEST_F(CliCacheTest, DirectoryStoreListsAndCollectsUnreferencedBlobs) {
  PrebuildAndPublish();
  const std::string data = store_->root().string();
  // An upload that never got its manifest: unreferenced.
  const auto stray = Pack(artifact::UserspaceKey("580.95.05", gpuruntime::Arch::kAmd64), "stray");
  store_->PutBlob(stray.digest, dir_.path() / "blob-stray.tar.zst");

  CacheCliRun run = Gpu({"cache", "ls", "--dir", data});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr(CacheTestKernelKey().Path()));

  run = Gpu({"cache", "gc", "--dir", data, "--dry-run", "-o", "json"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(json::parse(run.out)["wouldDelete"], json::array({stray.digest}));
  EXPECT_TRUE(store_->BlobExists(stray.digest));

  // Younger than the default grace of 24 h: kept.
  run = Gpu({"cache", "gc", "--dir", data, "-o", "json"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(json::parse(run.out)["deletedBlobs"], 0);
  EXPECT_TRUE(store_->BlobExists(stray.digest));

  run = Gpu({"cache", "gc", "--dir", data, "--grace", "0s"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("deleted 1 blob(s)"));
  EXPECT_FALSE(store_->BlobExists(stray.digest));
  EXPECT_TRUE(store_->BlobExists(packed_.digest));
  EXPECT_TRUE(store_->ManifestExists(CacheTestKernelKey()));

  run = Gpu(
      {"cache", "prebuild", "--dir", data, "--kernel", "6.1.0-56-amd64", "--driver", "580.95.05"});
  EXPECT_EQ(run.exit_code, kExitError);
  EXPECT_THAT(run.err, HasSubstr("only the cache server builds"));
}

TEST_F(CliCacheTest, ConnectToReachesTheServerThroughAnotherAddress) {
  PrebuildAndPublish();
  // As through a port-forward: the URL names the certificate's host, --connect-to the socket.
  const int unused = gpuext::testing::FreeLoopbackPort();
  CacheCliRun run =
      Gpu({"cache", "ls", "--server", "https://localhost:" + std::to_string(unused), "--ca-file",
           (dir_.path() / "ca.crt").string(), "--connect-to",
           "localhost:" + std::to_string(unused) + ":127.0.0.1:" + std::to_string(port_)});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr(CacheTestKernelKey().Path()));
  run = GpuServer("ls", {"--connect-to", "nonsense"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("--connect-to"));
}

TEST_F(CliCacheTest, BadCommandLinesAreUsageErrors) {
  CacheCliRun run = Gpu({"cache", "ls"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("name exactly one cache"));
  run = Gpu({"cache", "ls", "--server", url(), "--dir", "/tmp"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  run = GpuServer("prebuild", {"--type", "closed"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("--kernel is required"));
  EXPECT_THAT(run.err, HasSubstr("--driver is required"));
  EXPECT_THAT(run.err, HasSubstr("--type: invalid value \"closed\""));
  run = Gpu({"cache", "frob"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  run = Gpu({"cache", "inspect", "--help"});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_THAT(run.out, HasSubstr("--public-key"));
}

}  // namespace
}  // namespace gpuext::cli::testing
