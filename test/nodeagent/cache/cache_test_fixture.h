// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A CacheServer on 127.0.0.1 over real TLS (a CA generated per test), a FilesystemBlobStore in
// a temp dir, FakeClock time, a recording build launcher, and the real clients.

// The flags cpp-httplib was compiled with (pkg-config cpp-httplib), for raw test requests.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "gpuext/kube/tls.h"
#include "gpuext/logger.h"
#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/http_cache_client.h"
#include "gpuext/nodeagent/artifact/http_cache_upload.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/cache/auth.h"
#include "gpuext/nodeagent/cache/launcher.h"
#include "gpuext/nodeagent/cache/server.h"
#include "gpuext/nodeagent/cache/upload_token.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::cache::testing {

using namespace std::chrono_literals;

inline void CacheTestWriteFile(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

inline std::string CacheTestReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Records every launch; can be told to fail.
class RecordingLauncher final : public BuildLauncher {
 public:
  void Launch(const BuildRequest& request) override {
    std::lock_guard lock(mutex_);
    if (fail_) {
      throw Error(ErrorCode::kRetryableInfraDependencies, "SIMULATED launch failure");
    }
    launches_.push_back(request);
  }
  std::vector<BuildRequest> launches() {
    std::lock_guard lock(mutex_);
    return launches_;
  }
  void set_fail(bool fail) {
    std::lock_guard lock(mutex_);
    fail_ = fail;
  }

 private:
  std::mutex mutex_;
  std::vector<BuildRequest> launches_;
  bool fail_ = false;
};

// A relocatable ELF object with a .modinfo section as MODULE_INFO() writes it: enough for the
// vermagic checks (compiled with the real gcc).
inline std::string CacheTestModule(const std::filesystem::path& dir, const std::string& vermagic) {
  std::filesystem::create_directories(dir);
  const auto src = dir / "module.c";
  CacheTestWriteFile(src,
                     "int module_code(void) { return 42; }\n"
                     "static const char modinfo_v[] __attribute__((section(\".modinfo\"), used, "
                     "aligned(1))) = \"vermagic=" +
                         vermagic +
                         "\";\n"
                         "static const char modinfo_l[] __attribute__((section(\".modinfo\"), "
                         "used, aligned(1))) = \"license=Dual MIT/GPL\";\n");
  const auto out = dir / "module.o";
  const auto r =
      gpuext::testing::RunProcess({"gcc", "-c", "-O1", src.string(), "-o", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  return CacheTestReadFile(out);
}

constexpr const char* kCacheTestKernel = "6.12.72-cloud-amd64";

class CacheServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = std::make_unique<kube::CertificateAuthority>(
        kube::CertificateAuthority::Generate("cache-test-ca", 24h));
    serving_ = ca_->IssueServing({"127.0.0.1", "localhost"}, 24h);
    CacheTestWriteFile(dir_.path() / "ca.crt", ca_->cert_pem());
    CacheTestWriteFile(dir_.path() / "agent-token", "agent-token\n");
    store_ = std::make_unique<artifact::FilesystemBlobStore>(dir_.path() / "data", clock_);
    StartServer();
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
    }
  }

  virtual CacheServerOptions Options() {
    return {.host = "127.0.0.1",
            .port = port_,
            .tls_cert_pem = serving_.cert_pem,
            .tls_key_pem = serving_.key_pem,
            .public_url = url(),
            .cluster = "shoot--p--s",
            .lease_ttl = 2min,
            .token_validity = 2h,
            .max_concurrent_builds = 4,
            .staging_dir = {},
            .threads = 64};
  }

  void StartServer(bool with_launcher = true) {
    port_ = gpuext::testing::FreeLoopbackPort();
    server_ = std::make_unique<CacheServer>(
        Options(), CacheServerDeps{.store = *store_,
                                   .signing_key = signing_key_,
                                   .tokens = tokens_,
                                   .authenticator = auth_,
                                   .launcher = with_launcher ? &launcher_ : nullptr,
                                   .clock = clock_,
                                   .log = Logger::Root().WithName("cache"),
                                   .served = &served_});
    server_->Start();
  }

  [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  artifact::HttpCacheClient Client() const {
    return artifact::HttpCacheClient(
        {.base_url = url(), .ca_pem = ca_->cert_pem(), .token_file = dir_.path() / "agent-token"});
  }

  artifact::UploadClient Uploader(const BuildRequest& build) const {
    return artifact::UploadClient(
        {.upload_url = build.upload_url, .token = build.token, .ca_pem = ca_->cert_pem()});
  }

  // A raw HTTPS client that trusts the test CA.
  std::unique_ptr<httplib::SSLClient> Raw() const {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
    c->set_ca_cert_path((dir_.path() / "ca.crt").c_str());
    c->enable_server_certificate_verification(true);
    return c;
  }

  // A packed artifact tree: a kernel part with one module for kCacheTestKernel, or a userspace
  // part with a library and its SONAME link.
  artifact::PackResult Pack(const artifact::ArtifactKey& key, const std::string& name = "a") {
    const auto tree = dir_.path() / ("tree-" + name);
    if (key.part == artifact::ArtifactPart::kKernel) {
      CacheTestWriteFile(
          tree / "lib/modules" / key.kernel_release / "kernel/drivers/video/nvidia.ko",
          CacheTestModule(dir_.path() / ("mod-" + name),
                          key.kernel_release + " SMP preempt mod_unload modversions"));
    } else {
      CacheTestWriteFile(tree / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.580.95.05",
                         "SIMULATED library " + name);
      std::filesystem::create_symlink("libnvidia-ml.so.580.95.05",
                                      tree / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
    }
    return artifact::PackDirectory(tree, artifact::ListTree(tree),
                                   dir_.path() / ("blob-" + name + ".tar.zst"), {.zstd_level = 3});
  }

  // Runs the builder's side of a granted build: uploads and commits. Returns the manifest text.
  std::string Publish(const BuildRequest& build, const artifact::PackResult& packed,
                      const std::filesystem::path& blob) {
    const auto up = Uploader(build);
    EXPECT_EQ(up.PutBlob(blob), packed.digest);
    return up.Commit({.blobs = {},
                      .files = packed.files,
                      .vermagic = {},
                      .builder = {.image = "kmodbuild:amd64-1877.5",
                                  .recipe = "kbuild-run",
                                  .source_sha256 = std::string(64, 'a'),
                                  .signed_modules = false,
                                  .job_name = "claimed",
                                  .cluster = "claimed"}});
  }

  gpuext::testing::TempDir dir_;
  gpuext::testing::FakeClock clock_;
  std::unique_ptr<kube::CertificateAuthority> ca_;
  kube::KeyPair serving_;
  std::unique_ptr<artifact::FilesystemBlobStore> store_;
  artifact::SigningKey signing_key_ = artifact::SigningKey::Generate();
  UploadTokens tokens_{"0123456789abcdef0123456789abcdef"};
  SharedTokenAuthenticator auth_{"agent-token",
                                 "system:serviceaccount:gpu-node-agent:gpu-node-agent"};
  RecordingLauncher launcher_;
  ServedLog served_;
  int port_ = 0;
  std::unique_ptr<CacheServer> server_;
};

inline artifact::ArtifactKey CacheTestKernelKey() {
  return artifact::KernelKey("580.95.05", kCacheTestKernel, gpuruntime::ModuleType::kOpen,
                             gpuruntime::Arch::kAmd64);
}

}  // namespace gpuext::nodeagent::cache::testing
