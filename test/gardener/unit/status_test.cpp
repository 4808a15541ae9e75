// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/status.h"

#include <gtest/gtest.h>

#include "gpuext/time_format.h"

namespace gpuext::gardener {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const auto kNow = *ParseRfc3339("2026-08-21T10:00:07.900Z");

json TimestampedExtension() {
  return {{"metadata",
           {{"name", "nvidia-gpu"},
            {"generation", 4},
            {"annotations", {{"gardener.cloud/timestamp", "2026-08-21T10:00:00.123456789Z"}}}}}};
}

TEST(StatusTest, ProcessingHasProgressOne) {
  const json patch =
      ProcessingStatusPatch(TimestampedExtension(), OperationType::kReconcile, "Reconciling", kNow);
  EXPECT_EQ(patch, json::parse(R"({"status":{"lastOperation":{"type":"Reconcile",
      "state":"Processing","progress":1,"lastUpdateTime":"2026-08-21T10:00:07Z",
      "description":"Reconciling"}}})"));
}

TEST(StatusTest, SucceededClearsLastErrorExplicitly) {
  const json patch =
      SucceededStatusPatch(TimestampedExtension(), OperationType::kCreate, "done", kNow);
  ASSERT_TRUE(patch["status"].contains("lastError"));
  EXPECT_TRUE(patch["status"]["lastError"].is_null());
  EXPECT_EQ(patch["status"]["observedGeneration"], 4);
  EXPECT_EQ(patch["status"]["lastOperation"]["progress"], 100);
  EXPECT_EQ(patch["status"]["lastOperation"]["state"], "Succeeded");
  // Applied as a merge patch, the explicit null removes a previous lastError.
  json status = {{"status", {{"lastError", {{"description", "old"}}}}}};
  status.merge_patch(patch);
  EXPECT_FALSE(status["status"].contains("lastError"));
}

TEST(StatusTest, ErrorCarriesGardenerCodesAndGeneration) {
  const json patch = ErrorStatusPatch(TimestampedExtension(), OperationType::kReconcile,
                                      "bad config", ErrorCode::kConfigurationProblem, kNow);
  EXPECT_EQ(patch["status"]["lastOperation"]["state"], "Error");
  EXPECT_EQ(patch["status"]["lastOperation"]["progress"], 50);
  EXPECT_EQ(patch["status"]["lastError"]["codes"], json::array({"ERR_CONFIGURATION_PROBLEM"}));
  EXPECT_EQ(patch["status"]["lastError"]["description"], "bad config");
  EXPECT_EQ(patch["status"]["observedGeneration"], 4);

  const json internal = ErrorStatusPatch(TimestampedExtension(), OperationType::kReconcile, "bug",
                                         ErrorCode::kInternal, kNow);
  EXPECT_FALSE(internal["status"]["lastError"].contains("codes"));
}

TEST(StatusTest, UpdateTimeNeverBeforeGardenletTimestamp) {
  // Our clock lags gardenlet's by a minute: the written time must still satisfy gardenlet's
  // "timestamp not after lastUpdateTime" check (both truncated to seconds).
  const auto behind = kNow - 60s;
  EXPECT_EQ(StatusUpdateTime(TimestampedExtension(), behind), "2026-08-21T10:00:00Z");
  EXPECT_EQ(StatusUpdateTime(TimestampedExtension(), kNow), "2026-08-21T10:00:07Z");
  EXPECT_EQ(StatusUpdateTime(json::object(), behind), "2026-08-21T09:59:07Z");
}

}  // namespace
}  // namespace gpuext::gardener
