// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The official JavaScript client (@kubernetes/client-node 1.x) against the emulator
// (DESIGN.md §21.1): CRUD, the patch types, dry-run, the status subresource, an informer, a
// raw watch from a compacted resourceVersion (410), bookmarks, and the informer's relist after
// 410. The script test/emulator/conformance/client-node/informer_relist.mjs reports what the
// client saw as JSON; the expectations live here.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulator_fixture.h"

namespace gpuext::emulator::testing {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

constexpr size_t kWatchHistory = 5;

class ClientNodeTest : public EmulatorTest {
 protected:
  ServerOptions Options() override {
    return {.listen = "127.0.0.1:0",
            .watch_history = kWatchHistory,
            .bookmark_interval = std::chrono::milliseconds(200)};
  }

  // Runs the conformance script with the real node; the result must be the script's JSON.
  json RunScript(const std::string& script) {
    const auto tools = gpuext::testing::Tools();
    const std::string path =
        std::string(GPUEXT_SOURCE_DIR) + "/test/emulator/conformance/client-node/" + script;
    gpuext::testing::ProcessResult r;
    try {
      r = gpuext::testing::RunProcess(
          {"node", path},
          {.env = {"KUBECONFIG=" + kubeconfig_.string(),
                   "CLIENT_NODE=" + (tools.node_modules / "@kubernetes" / "client-node").string(),
                   "WATCH_HISTORY=" + std::to_string(kWatchHistory)},
           .timeout = std::chrono::seconds(90)});
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot start node (Node.js 20 must be on PATH): " << e.what();
      return json::object();
    }
    EXPECT_FALSE(r.timed_out) << "node timed out\nstdout:\n"
                              << r.stdout_text << "\nstderr:\n"
                              << r.stderr_text;
    EXPECT_EQ(r.exit_code, 0) << "stdout:\n" << r.stdout_text << "\nstderr:\n" << r.stderr_text;
    const json out = json::parse(r.stdout_text, nullptr, false);
    EXPECT_FALSE(out.is_discarded()) << "not JSON:\n" << r.stdout_text << "\n" << r.stderr_text;
    return out.is_discarded() ? json::object() : out;
  }
};

TEST_F(ClientNodeTest, CrudInformerAndRelistAfterGone) {
  const json out = RunScript("informer_relist.mjs");
  ASSERT_FALSE(out.contains("fatal")) << out.value("fatal", "");
  ASSERT_EQ(out["steps"], json({"crud", "informer", "raw-watch", "relist"})) << out.dump(2);
  SCOPED_TRACE(out.dump(2));

  {
    SCOPED_TRACE("list and create");
    EXPECT_EQ(out["list"]["kind"], "ConfigMapList");
    EXPECT_EQ(out["list"]["apiVersion"], "v1");
    EXPECT_EQ(out["list"]["items"], 0);
    EXPECT_NE(out["list"]["resourceVersion"], "");
    EXPECT_EQ(out["create"]["name"], "crud");
    EXPECT_NE(out["create"]["uid"], "");
    EXPECT_NE(out["create"]["resourceVersion"], "");
    EXPECT_EQ(out["create"]["creationTimestamp"], "set");
    EXPECT_EQ(out["createAgainCode"], 409);
  }
  {
    SCOPED_TRACE("create without apiVersion/kind");
    // kube-apiserver decodes a body with the endpoint's group/version/kind as defaults, so a
    // plain {metadata, data} object creates a ConfigMap.
    EXPECT_EQ(out["kindlessCreateCode"], "ok");
  }
  {
    SCOPED_TRACE("patch types");
    EXPECT_EQ(out["patch"]["merge"], json({{"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(out["patch"]["json"], json({{"a", "x"}, {"b", "2"}}));
    EXPECT_EQ(out["patch"]["strategic"], json({{"a", "x"}, {"b", "2"}, {"c", "3"}}));
  }
  {
    SCOPED_TRACE("dry run");
    EXPECT_EQ(out["dryRun"]["returnedName"], "dry");
    EXPECT_EQ(out["dryRun"]["readBackCode"], 404);
    EXPECT_EQ(out["dryRun"]["listed"], false);
  }
  {
    SCOPED_TRACE("status subresource");
    const json& s = out["status"];
    // Create ignores status on a resource with a status subresource.
    EXPECT_TRUE(s["createdStatus"].is_null() || s["createdStatus"] == json::object())
        << s["createdStatus"];
    EXPECT_EQ(s["createdGeneration"], 1);
    EXPECT_EQ(s["patchedStatus"]["observedGeneration"], 1);
    EXPECT_EQ(s["patchedSpecType"], "nvidia-gpu");  // /status ignores spec
    EXPECT_EQ(s["patchedGeneration"], 1);
    EXPECT_EQ(s["replacedState"], "Succeeded");
    EXPECT_EQ(s["replacedSpecType"], "nvidia-gpu");
    EXPECT_EQ(s["replacedGeneration"], 1);
    EXPECT_EQ(s["mainSpecType"], "nvidia-gpu-2");
    EXPECT_EQ(s["mainObservedGeneration"], 1);  // the main resource ignores status
    EXPECT_EQ(s["mainGeneration"], 2);
  }
  {
    SCOPED_TRACE("informer add/update/delete");
    const json& events = out["informer"]["events"];
    EXPECT_THAT(events, Contains("add:crud"));
    std::vector<std::string> inf;
    for (const json& e : events) {
      if (e.get<std::string>().find(":inf") != std::string::npos) {
        inf.push_back(e.get<std::string>());
      }
    }
    EXPECT_THAT(inf, ElementsAre("add:inf", "update:inf:2", "delete:inf"));
  }
  {
    SCOPED_TRACE("raw watch from a compacted resourceVersion");
    const json& events = out["staleWatch"]["events"];
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]["type"], "ERROR");
    EXPECT_EQ(events[0]["kind"], "Status");
    EXPECT_EQ(events[0]["code"], 410);
    EXPECT_EQ(events[0]["reason"], "Expired");
    EXPECT_EQ(out["staleWatch"]["done"], "closed");  // the server ends the stream after 410
  }
  {
    SCOPED_TRACE("bookmarks");
    bool bookmark = false;
    for (const json& e : out["bookmarkWatch"]["events"]) {
      if (e["type"] == "BOOKMARK") {
        bookmark = true;
        EXPECT_EQ(e["kind"], "ConfigMap");
        EXPECT_GE(std::stoull(e["resourceVersion"].get<std::string>()),
                  std::stoull(out["bookmarkWatch"]["resourceVersion"].get<std::string>()));
      }
    }
    EXPECT_TRUE(bookmark);
  }
  {
    SCOPED_TRACE("informer relist after 410");
    const json& r = out["relist"];
    // The first watch after the restart resumed from the old resourceVersion and got 410.
    ASSERT_GE(r["watches"].size(), 2u);
    EXPECT_EQ(r["watches"][0]["resourceVersion"], r["resumeFrom"]);
    EXPECT_EQ(r["watches"][0]["errors"], json::parse(R"([{"code": 410, "reason": "Expired"}])"));
    // Then the informer listed again and watched from the fresh list.
    EXPECT_EQ(r["listCallsAfter"], r["listCallsBeforeGap"].get<int>() + 1);
    EXPECT_NE(r["watches"][1]["resourceVersion"], r["resumeFrom"]);
    EXPECT_EQ(r["watches"][1]["errors"], json::array());
    // Its cache converged to the server, including what happened during the gap.
    EXPECT_TRUE(r["converged"].get<bool>());
    EXPECT_EQ(r["cache"], r["server"]);
    EXPECT_THAT(r["cache"], Contains("gap-added"));
    EXPECT_THAT(r["cache"], Not(Contains("before-gap")));
    EXPECT_EQ(r["crudV"], "gap");
    EXPECT_THAT(r["events"], Contains("add:gap-added"));
    EXPECT_THAT(r["events"], Contains("delete:before-gap"));
    EXPECT_THAT(r["events"], Contains("update:crud:gap"));
    EXPECT_EQ(r["errors"], json::array());
  }
}

}  // namespace
}  // namespace gpuext::emulator::testing
