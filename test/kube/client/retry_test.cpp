// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Throttling, retries and Retry-After against a tiny loopback HTTP server whose answers each
// test scripts, with a clock that records waits instead of sleeping.
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "gpuext/kube/api_error.h"
#include "gpuext/kube/http_client.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using std::chrono::steady_clock;

// Time that jumps forward whenever someone sleeps, recording each wait. Thread-safe.
class InstantClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            SteadyNow().time_since_epoch()));
  }
  [[nodiscard]] steady_clock::time_point SteadyNow() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  bool SleepUntil(steady_clock::time_point deadline, std::stop_token /*stop*/) override {
    std::lock_guard lock(mutex_);
    if (deadline > now_) {
      sleeps_.push_back(deadline - now_);
      now_ = deadline;
    }
    return true;
  }
  std::vector<steady_clock::duration> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  mutable std::mutex mutex_;  // guards now_ and sleeps_
  steady_clock::time_point now_ = steady_clock::time_point(1h);
  std::vector<steady_clock::duration> sleeps_;
};

struct Answer {
  int status = 200;
  std::string retry_after = {};
};

// Answers requests from a script (then 200 with an empty ConfigMap), counting them.
class ScriptedServer {
 public:
  ScriptedServer() {
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      Answer answer;
      {
        std::lock_guard lock(mutex_);
        ++requests_;
        user_agents_.push_back(req.get_header_value("User-Agent"));
        if (!script_.empty()) {
          answer = script_.front();
          script_.pop_front();
        }
      }
      res.status = answer.status;
      if (!answer.retry_after.empty()) {
        res.set_header("Retry-After", answer.retry_after);
      }
      if (answer.status == 200) {
        res.set_content(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})",
                        "application/json");
      } else {
        res.set_content(json{{"kind", "Status"},
                             {"apiVersion", "v1"},
                             {"status", "Failure"},
                             {"code", answer.status},
                             {"reason", answer.status == 429 ? "TooManyRequests" : "InternalError"},
                             {"message", "scripted"}}
                            .dump(),
                        "application/json");
      }
    };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::jthread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::yield();  // stop() is ignored until the accept loop runs
    }
  }
  ~ScriptedServer() { server_.stop(); }

  void Script(std::vector<Answer> answers) {
    std::lock_guard lock(mutex_);
    script_.assign(answers.begin(), answers.end());
  }
  int requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::string> user_agents() const {
    std::lock_guard lock(mutex_);
    return user_agents_;
  }
  RestConfig Config() const {
    return RestConfig{.server = "http://127.0.0.1:" + std::to_string(port_)};
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  mutable std::mutex mutex_;  // guards script_, requests_, user_agents_
  std::deque<Answer> script_;
  int requests_ = 0;
  std::vector<std::string> user_agents_;
  std::jthread thread_;
};

const Resource kConfigMaps{"", "v1", "configmaps", true};
const json kConfigMap = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata", {{"name", "x"}, {"namespace", "ns"}}}};

TEST(HttpClientRateLimitTest, RequestsBeyondBurstWaitForTokens) {
  ScriptedServer server;
  InstantClock clock;
  std::vector<steady_clock::time_point> sent;
  HttpClient client(server.Config(),
                    {.qps = 2,
                     .burst = 3,
                     .observer = [&](const RequestRecord&) { sent.push_back(clock.SteadyNow()); }},
                    clock);
  const steady_clock::time_point start = clock.SteadyNow();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client.Get(kConfigMaps, {"ns", "x"}).has_value());
  }
  EXPECT_EQ(server.requests(), 10);
  // Three at once (burst), then one every 500 ms (2 QPS).
  EXPECT_EQ(clock.sleeps(), std::vector<steady_clock::duration>(7, 500ms));
  EXPECT_EQ(clock.SteadyNow() - start, 3500ms);
  ASSERT_EQ(sent.size(), 10u);
  EXPECT_EQ(sent[2] - start, 0ms);
  EXPECT_EQ(sent[3] - start, 500ms);
}

TEST(HttpClientRateLimitTest, ZeroQpsMeansUnthrottled) {
  ScriptedServer server;
  InstantClock clock;
  HttpClient client(server.Config(), {.qps = 0}, clock);
  for (int i = 0; i < 50; ++i) {
    (void)client.Get(kConfigMaps, {"ns", "x"});
  }
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(HttpClientRetryTest, RetriesTooManyRequestsHonouringRetryAfter) {
  ScriptedServer server;
  InstantClock clock;
  std::vector<int> codes;
  HttpClient client(
      server.Config(),
      {.qps = 0, .observer = [&](const RequestRecord& r) { codes.push_back(r.code); }}, clock);
  server.Script({{429, "7"}, {429, "3"}});
  EXPECT_TRUE(client.Get(kConfigMaps, {"ns", "x"}).has_value());
  EXPECT_EQ(codes, (std::vector<int>{429, 429, 200}));
  EXPECT_EQ(clock.sleeps(), (std::vector<steady_clock::duration>{7s, 3s}));

  // 429 is retried for non-idempotent verbs too: the server did not act on the request.
  server.Script({{429, "1"}});
  EXPECT_NO_THROW(client.Create(kConfigMaps, kConfigMap));
}

TEST(HttpClientRetryTest, RetriesServerErrorsOfIdempotentVerbsWithBackoff) {
  ScriptedServer server;
  InstantClock clock;
  HttpClient client(server.Config(), {.qps = 0, .max_attempts = 5}, clock);
  server.Script({{503}, {500}, {502, "2"}});
  EXPECT_TRUE(client.Get(kConfigMaps, {"ns", "x"}).has_value());
  EXPECT_EQ(server.requests(), 4);
  EXPECT_EQ(clock.sleeps(), (std::vector<steady_clock::duration>{100ms, 200ms, 2s}));
}

TEST(HttpClientRetryTest, DoesNotRetryServerErrorsOfCreate) {
  ScriptedServer server;
  InstantClock clock;
  HttpClient client(server.Config(), {.qps = 0}, clock);
  server.Script({{503}});
  try {
    client.Create(kConfigMaps, kConfigMap);
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 503);
    EXPECT_EQ(e.reason(), "InternalError");
    EXPECT_EQ(std::string(e.what()), "scripted");
  }
  EXPECT_EQ(server.requests(), 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(HttpClientRetryTest, GivesUpAfterMaxAttempts) {
  ScriptedServer server;
  InstantClock clock;
  HttpClient client(server.Config(), {.qps = 0, .max_attempts = 3}, clock);
  server.Script({{500}, {500}, {500}, {500}});
  try {
    (void)client.Get(kConfigMaps, {"ns", "x"});
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 500);
    EXPECT_EQ(e.code(), ErrorCode::kRetryableInfraDependencies);
  }
  EXPECT_EQ(server.requests(), 3);
}

TEST(HttpClientRetryTest, RetriesConnectionErrorsThenFails) {
  InstantClock clock;
  int port = 0;
  {
    ScriptedServer gone;  // a port that was just free and is closed again
    port = std::stoi(gone.Config().server.substr(gone.Config().server.rfind(':') + 1));
  }
  std::vector<int> codes;
  HttpClient client(RestConfig{.server = "http://127.0.0.1:" + std::to_string(port)},
                    {.qps = 0,
                     .max_attempts = 4,
                     .observer = [&](const RequestRecord& r) { codes.push_back(r.code); }},
                    clock);
  try {
    (void)client.Get(kConfigMaps, {"ns", "x"});
    FAIL() << "no error";
  } catch (const ApiError&) {
    FAIL() << "an ApiError without a server";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kRetryableInfraDependencies);
    EXPECT_NE(std::string(e.what()).find("/api/v1/namespaces/ns/configmaps/x"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(codes, (std::vector<int>{0, 0, 0, 0}));
  EXPECT_EQ(clock.sleeps(), (std::vector<steady_clock::duration>{100ms, 200ms, 400ms}));
}

TEST(HttpClientTest, SendsUserAgentWithVersionAndComponent) {
  ScriptedServer server;
  HttpClient client(server.Config(), {.qps = 0, .component = "controller", .version = "1.2.3"});
  (void)client.Get(kConfigMaps, {"ns", "x"});
  ASSERT_EQ(server.user_agents().size(), 1u);
  EXPECT_EQ(server.user_agents()[0], "gardener-extension-gpu/1.2.3 (controller)");
}

TEST(ApiErrorFromResponseTest, ReadsStatusOrFallsBackToTheBody) {
  const ApiError invalid = ApiErrorFromResponse(
      422, R"({"kind":"Status","status":"Failure","code":422,"reason":"Invalid",
              "message":"ConfigMap \"x\" is invalid",
              "details":{"causes":[{"reason":"FieldValueInvalid","message":"bad",
                                    "field":"metadata.name"}]}})");
  EXPECT_EQ(invalid.http_status(), 422);
  EXPECT_EQ(invalid.reason(), "Invalid");
  EXPECT_STREQ(invalid.what(), "ConfigMap \"x\" is invalid");
  ASSERT_EQ(invalid.causes().size(), 1u);
  EXPECT_EQ(invalid.causes()[0].field, "metadata.name");
  EXPECT_EQ(invalid.causes()[0].reason, "FieldValueInvalid");

  const ApiError proxy = ApiErrorFromResponse(502, "Bad Gateway\nmore");
  EXPECT_EQ(proxy.http_status(), 502);
  EXPECT_STREQ(proxy.what(), "the server answered 502: Bad Gateway");
  EXPECT_EQ(ApiErrorFromResponse(404, "").reason(), "NotFound");
}

TEST(ParseRetryAfterTest, AcceptsDelaySeconds) {
  EXPECT_EQ(ParseRetryAfter("7"), 7s);
  EXPECT_EQ(ParseRetryAfter(" 0 "), 0s);
  EXPECT_FALSE(ParseRetryAfter("").has_value());
  EXPECT_FALSE(ParseRetryAfter("-1").has_value());
  EXPECT_FALSE(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
}

}  // namespace
}  // namespace gpuext::kube
