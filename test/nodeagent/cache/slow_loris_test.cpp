// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Corruption suite (issue 9): a server that answers a blob download and then trickles bytes
// (slow loris) must not hold a node forever: the client gives up after its stall timeout and
// leaves no blob behind for anything to install.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/http_cache_client.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::cache {
namespace {

using namespace std::chrono_literals;

TEST(SlowLorisTest, AStallingBlobDownloadIsAbortedAndLeavesNoBlob) {
  std::atomic<bool> stop{false};
  httplib::Server server;
  server.Get(R"(/v1/blobs/.*)", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Length", "1048576");
    res.set_content_provider(1 << 20, "application/octet-stream",
                             [&](size_t offset, size_t, httplib::DataSink& sink) {
                               // A few bytes, then (almost) nothing: far below 1 KiB/s.
                               if (offset < 16) {
                                 sink.write("0123456789abcdef", 16);
                                 return true;
                               }
                               for (int i = 0; i < 50 && !stop; ++i) {
                                 std::this_thread::sleep_for(100ms);
                               }
                               sink.write("x", 1);
                               return !stop;
                             });
  });
  const int port = gpuext::testing::FreeLoopbackPort();
  ASSERT_TRUE(server.bind_to_port("127.0.0.1", port));
  std::thread serving([&] { server.listen_after_bind(); });

  gpuext::testing::TempDir dir;
  const artifact::HttpCacheClient client({.base_url = "http://127.0.0.1:" + std::to_string(port),
                                          .connect_timeout = 5s,
                                          .stall_timeout = 1s});
  const std::filesystem::path dest = dir.path() / "blob";
  const auto started = std::chrono::steady_clock::now();
  std::string error;
  try {
    client.DownloadBlob("sha256:" + std::string(64, 'a'), dest);
  } catch (const Error& e) {
    error = e.what();
  }
  // curl's low-speed abort ("Operation too slow"), not a digest or connection failure.
  EXPECT_NE(error.find("too slow"), std::string::npos) << error;
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, 20s) << "the stall timeout must end the download";
  EXPECT_FALSE(std::filesystem::exists(dest)) << "nothing may be left to install";

  stop = true;
  server.stop();
  serving.join();
}

}  // namespace
}  // namespace gpuext::nodeagent::cache
