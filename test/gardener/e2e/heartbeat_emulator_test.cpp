// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "gpuext/emulator/server.h"
#include "gpuext/gardener/heartbeat.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::gardener {
namespace {

using namespace std::chrono_literals;

// The heartbeat Lease as the real kubectl reads it back from kube-emulator.
TEST(HeartbeatEmulatorTest, LeaseIsCreatedAndRenewedInTheApiServer) {
  const std::string missing = gpuext::testing::Tools().Check();
  ASSERT_TRUE(missing.empty()) << missing;
  gpuext::testing::TempDir dir;
  emulator::Server server({.listen = "127.0.0.1:0"}, Logger::Root().WithName("emulator"));
  server.Start();
  const auto kubeconfig = dir.path() / "kubeconfig";
  server.WriteKubeconfig(kubeconfig);
  // Counts Lease writes so the test can wait for each renewal of the loop.
  std::mutex mu;
  std::condition_variable cv;
  int writes = 0;
  kube::HttpClient client(kube::ParseKubeconfig(server.Kubeconfig(), kubeconfig),
                          {.observer = [&](const kube::RequestRecord& record) {
                            if ((record.verb == "POST" || record.verb == "PUT") &&
                                record.resource == "leases.coordination.k8s.io") {
                              std::lock_guard lock(mu);
                              ++writes;
                              cv.notify_all();
                            }
                          }});
  const auto wait_for_writes = [&](int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 20s, [&] { return writes >= n; });
  };
  client.Create(
      {"", "v1", "namespaces", false},
      {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "extension-gpu"}}}});

  gpuext::testing::FakeClock clock;
  Heartbeat heartbeat(client, clock,
                      {.extension_name = "gardener-extension-gpu", .ns = "extension-gpu"},
                      Logger::Root().WithName("heartbeat"));
  const auto read = [&] {
    const auto r = gpuext::testing::RunProcess(
        {gpuext::testing::Tools().kubectl.string(), "--kubeconfig", kubeconfig.string(), "get",
         "lease", "gardener-extension-heartbeat", "-n", "extension-gpu", "-o",
         "jsonpath={.spec.holderIdentity} {.spec.leaseDurationSeconds} {.spec.renewTime}"},
        {.env = {"KUBECACHEDIR=" + (dir.path() / "kube-cache").string()}});
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    return r.stdout_text;
  };

  std::jthread loop([&](std::stop_token stop) { heartbeat.Run(stop); });
  ASSERT_TRUE(wait_for_writes(1));  // created
  ASSERT_TRUE(clock.WaitForSleepers(1));
  EXPECT_EQ(read(), "gardener-extension-gpu 30 2026-01-01T00:00:00.000000Z");
  clock.Advance(7500ms);
  ASSERT_TRUE(wait_for_writes(2));  // renewed a quarter interval later
  ASSERT_TRUE(clock.WaitForSleepers(1));
  EXPECT_EQ(read(), "gardener-extension-gpu 30 2026-01-01T00:00:07.500000Z");
  loop.request_stop();
  loop.join();
  server.Stop();
}

}  // namespace
}  // namespace gpuext::gardener
