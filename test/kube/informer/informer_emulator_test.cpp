// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The informer against the real kube-emulator over TLS through kube::HttpClient: after a
// watch outage long enough for the server to compact the informer's resourceVersion away, it
// must relist (410 Gone) and converge to exactly the server's state, hearing each change once.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "gpuext/emulator/server.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/informer.h"
#include "gpuext/kube/kubeconfig.h"
#include "informer_test_util.h"

namespace gpuext::kube::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const Resource kConfigMapResource{"", "v1", "configmaps"};
const Resource kNamespaces{"", "v1", "namespaces", false};
constexpr const char* kNs = "informer-e2e";
constexpr const char* kChurnNs = "informer-churn";

// Delegates to a real client; Cut() ends the open watch and makes new ones fail until Open().
// Counts List calls. Safe for concurrent use.
class GatedClient final : public Client {
 public:
  explicit GatedClient(Client& inner) : inner_(inner) {}

  void Cut() {
    std::lock_guard lock(mu_);
    closed_ = true;
    if (current_) {
      current_->request_stop();
    }
  }
  void Open() {
    std::lock_guard lock(mu_);
    closed_ = false;
  }
  int lists() const { return lists_.load(); }

  std::optional<json> Get(const Resource& r, const ObjectKey& k) override {
    return inner_.Get(r, k);
  }
  json List(const Resource& r, const ListOptions& o) override {
    ++lists_;
    return inner_.List(r, o);
  }
  json Create(const Resource& r, const json& obj, const WriteOptions& o = {}) override {
    return inner_.Create(r, obj, o);
  }
  json Update(const Resource& r, const json& obj, Subresource s = Subresource::kNone,
              const WriteOptions& o = {}) override {
    return inner_.Update(r, obj, s, o);
  }
  json Patch(const Resource& r, const ObjectKey& k, PatchType t, const json& p,
             Subresource s = Subresource::kNone, const WriteOptions& o = {}) override {
    return inner_.Patch(r, k, t, p, s, o);
  }
  void Delete(const Resource& r, const ObjectKey& k, const DeleteOptions& o = {}) override {
    inner_.Delete(r, k, o);
  }
  void DeleteCollection(const Resource& r, const ListOptions& o,
                        const DeleteOptions& d = {}) override {
    inner_.DeleteCollection(r, o, d);
  }
  std::unique_ptr<WatchStream> Watch(const Resource& r, const ListOptions& o,
                                     std::stop_token stop) override {
    auto source = std::make_shared<std::stop_source>();
    {
      std::lock_guard lock(mu_);
      if (closed_) {
        throw Error(ErrorCode::kTimeout, "watch refused by the test gate");
      }
      current_ = source;
    }
    // The stream ends when the caller stops or the gate cuts it.
    auto forward = std::make_shared<std::stop_callback<std::function<void()>>>(
        stop, std::function<void()>([source] { source->request_stop(); }));
    return std::make_unique<Stream>(inner_.Watch(r, o, source->get_token()), std::move(forward));
  }

 private:
  class Stream final : public WatchStream {
   public:
    Stream(std::unique_ptr<WatchStream> inner, std::shared_ptr<void> keep)
        : inner_(std::move(inner)), keep_(std::move(keep)) {}
    std::optional<WatchEvent> Next() override { return inner_->Next(); }

   private:
    std::unique_ptr<WatchStream> inner_;
    std::shared_ptr<void> keep_;
  };

  Client& inner_;
  std::atomic<int> lists_{0};
  std::mutex mu_;  // Guards closed_ and current_.
  bool closed_ = false;
  std::shared_ptr<std::stop_source> current_;
};

json ConfigMapWithValue(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"namespace", kNs}, {"name", name}}},
          {"data", {{"value", value}}}};
}

TEST(InformerEmulatorTest, ConvergesToTheServerAfterAForced410DuringAWatch) {
  emulator::Server server({.listen = "127.0.0.1:0", .watch_history = 5},
                          Logger::Root().WithName("emulator"));
  server.Start();
  HttpClient http(ParseKubeconfig(server.Kubeconfig(), "emulator-kubeconfig"),
                  {.qps = 0, .component = "informer-test"});
  GatedClient client(http);
  for (const char* ns : {kNs, kChurnNs}) {
    try {
      http.Create(kNamespaces,
                  {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
    } catch (const ApiError& e) {
      ASSERT_TRUE(IsAlreadyExists(e)) << e.what();
    }
  }
  for (int i = 0; i < 20; ++i) {
    http.Create(kConfigMapResource, ConfigMapWithValue("cm-" + std::to_string(i), "v0"));
  }

  RecordingHandler recorder;
  // Real time here; short backoffs keep the outage retries quick.
  Informer informer(client, kConfigMapResource,
                    {.ns = kNs, .initial_backoff = 10ms, .max_backoff = 50ms});
  informer.AddEventHandler(recorder.Handler());
  informer.Start();
  ASSERT_TRUE(informer.WaitForSync({}, 30s));
  ASSERT_EQ(recorder.WaitFor(20).size(), 20U);
  http.Create(kConfigMapResource, ConfigMapWithValue("live", "v0"));  // proves the watch is live
  ASSERT_EQ(recorder.WaitFor(21).back(), std::string("add ") + kNs + "/live");
  const std::string stale_rv = informer.LastSyncResourceVersion();

  // Outage: far more changes than the server keeps in its watch history.
  client.Cut();
  std::set<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    http.Delete(kConfigMapResource, {kNs, "cm-" + std::to_string(i)});
    expected.insert(std::string("delete ") + kNs + "/cm-" + std::to_string(i));
  }
  for (int i = 5; i < 10; ++i) {
    http.Patch(kConfigMapResource, {kNs, "cm-" + std::to_string(i)}, PatchType::kMerge,
               {{"data", {{"value", "v1"}}}});
    const json now = *http.Get(kConfigMapResource, {kNs, "cm-" + std::to_string(i)});
    expected.insert(std::string("update ") + kNs + "/cm-" + std::to_string(i) + " ->" +
                    now["metadata"]["resourceVersion"].get<std::string>());
  }
  for (int i = 20; i < 25; ++i) {
    http.Create(kConfigMapResource, ConfigMapWithValue("cm-" + std::to_string(i), "v0"));
    expected.insert(std::string("add ") + kNs + "/cm-" + std::to_string(i));
  }
  for (int i = 0; i < 10; ++i) {  // churn elsewhere, to push the history further
    http.Create(kConfigMapResource,
                {{"metadata", {{"namespace", kChurnNs}, {"name", "churn-" + std::to_string(i)}}}});
  }
  recorder.Clear();
  client.Open();

  // Converged once every expected event arrived; then nothing more may come.
  const auto lines = recorder.WaitFor(expected.size());
  std::set<std::string> got;
  for (const auto& line : lines) {
    // "update ns/x a->b": the old version is whatever the informer had; keep "->b".
    const auto arrow = line.find(' ', line.find(' ') + 1);
    got.insert(line.starts_with("update ")
                   ? line.substr(0, arrow) + " " + line.substr(line.find("->"))
                   : line);
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(lines.size(), expected.size()) << "no event may be delivered twice";
  EXPECT_EQ(client.lists(), 2) << "the stale resourceVersion must have forced one relist";
  EXPECT_NE(informer.LastSyncResourceVersion(), stale_rv);
  ExpectStoreEqualsList(informer, http.List(kConfigMapResource, {.ns = kNs}));

  // And the new watch is live.
  http.Delete(kConfigMapResource, {kNs, "live"});
  EXPECT_EQ(recorder.WaitFor(expected.size() + 1).back(), std::string("delete ") + kNs + "/live");
  informer.Stop();
  server.Stop();
}

}  // namespace
}  // namespace gpuext::kube::testing
