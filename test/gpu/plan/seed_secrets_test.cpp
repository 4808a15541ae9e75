// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpu/seed_secrets.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "gpuext/gardener/managed_resource.h"
#include "gpuext/testing/fake_client.h"
#include "gpuext/testing/fake_clock.h"
#include "plan_test_util.h"

namespace gpuext::gpu {
namespace {

using nlohmann::json;
using FakeClient = kube::testing::FakeClient;

constexpr const char* kSecretsTestNs = "shoot--dev--gpu1";

// The Extension and two ContainerRuntimes of one shoot start together: every Secret this
// actuator is about to create is created first by another one. It must end with the winners'
// Secrets, not an AlreadyExists error (seen with 3 objects per shoot in bench/gpu).
TEST(EnsureCacheSecretsTest, LosingTheCreateRaceForEverySecretEndsWithTheWinnersSecrets) {
  ::gpuext::testing::FakeClock clock;
  const ShootPlan plan = PlanShoot(testing::ClusterFor(testing::GpuShoot()), testing::Component());

  // What the winning actuator writes, generated beforehand on its own client.
  FakeClient winner_seed({.clock = &clock});
  const CacheSecrets winner = EnsureCacheSecrets(winner_seed, kSecretsTestNs, plan.cache, clock);

  FakeClient seed({.clock = &clock});
  std::set<std::string> raced;
  seed.SetHook(FakeClient::Verb::kCreate, [&](const FakeClient::Call& call) {
    const std::string name = (*call.object)["metadata"]["name"].get<std::string>();
    if (call.resource.resource != "secrets" || !raced.insert(name).second) {
      return;
    }
    json theirs = *winner_seed.Get(gardener::kSecretsResource, {kSecretsTestNs, name});
    theirs["metadata"].erase("resourceVersion");
    theirs["metadata"].erase("uid");
    seed.Create(gardener::kSecretsResource, theirs);  // lands first; ours gets AlreadyExists
  });

  const CacheSecrets ours = EnsureCacheSecrets(seed, kSecretsTestNs, plan.cache, clock);
  EXPECT_EQ(raced.size(), 3u) << "every Secret should have been raced for";
  EXPECT_EQ(ours.signing_key_pem, winner.signing_key_pem);
  EXPECT_EQ(ours.ca_pem, winner.ca_pem);
  EXPECT_EQ(ours.tls_cert_pem, winner.tls_cert_pem);
  EXPECT_EQ(ours.upload_hmac_key, winner.upload_hmac_key);
}

}  // namespace
}  // namespace gpuext::gpu
