// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/metrics.h"

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"

namespace gpuext::kube::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::ThrowsMessage;

TEST(RegistryTest, ExposesTextFormatWithSortedFamiliesAndSeries) {
  Registry registry;
  auto& requests =
      registry.Counters("rest_client_requests_total",
                        "Requests by code.\nSecond line with a \\ backslash.", {"code", "method"});
  requests.WithLabelValues({"200", "GET"}).Inc(3);
  requests.WithLabelValues({"409", "PUT"}).Inc();
  requests.WithLabelValues({"200", "DELETE"}).Inc(0.5);
  registry.Gauges("leader_election_master_status", "Whether this process leads.", {"name"})
      .WithLabelValues({"say \"hi\"\n\\o/"})
      .Set(1);
  registry.Gauges("a_gauge", "Family without labels.").WithLabelValues({}).Set(1.5e6);
  auto& latency =
      registry.Histograms("b_seconds", "Latency.", {"verb"}, std::vector<double>{0.1, 1, 10});
  for (const double v : {0.0625, 0.5, 0.1, 64.0}) {
    latency.WithLabelValues({"get"}).Observe(v);
  }

  EXPECT_EQ(registry.Expose(),
            "# HELP a_gauge Family without labels.\n"
            "# TYPE a_gauge gauge\n"
            "a_gauge 1.5e+06\n"
            "# HELP b_seconds Latency.\n"
            "# TYPE b_seconds histogram\n"
            "b_seconds_bucket{verb=\"get\",le=\"0.1\"} 2\n"
            "b_seconds_bucket{verb=\"get\",le=\"1\"} 3\n"
            "b_seconds_bucket{verb=\"get\",le=\"10\"} 3\n"
            "b_seconds_bucket{verb=\"get\",le=\"+Inf\"} 4\n"
            "b_seconds_sum{verb=\"get\"} 64.6625\n"
            "b_seconds_count{verb=\"get\"} 4\n"
            "# HELP leader_election_master_status Whether this process leads.\n"
            "# TYPE leader_election_master_status gauge\n"
            "leader_election_master_status{name=\"say \\\"hi\\\"\\n\\\\o/\"} 1\n"
            "# HELP rest_client_requests_total Requests by code.\\nSecond line with a \\\\ "
            "backslash.\n"
            "# TYPE rest_client_requests_total counter\n"
            "rest_client_requests_total{code=\"200\",method=\"DELETE\"} 0.5\n"
            "rest_client_requests_total{code=\"200\",method=\"GET\"} 3\n"
            "rest_client_requests_total{code=\"409\",method=\"PUT\"} 1\n");
}

TEST(RegistryTest, LeavesOutLabelledFamiliesWithoutSeriesButShowsPlainOnesAtZero) {
  Registry registry;
  registry.Counters("with_labels_total", "Labelled.", {"name"});
  registry.Counters("plain_total", "Plain.");
  EXPECT_EQ(registry.Expose(),
            "# HELP plain_total Plain.\n"
            "# TYPE plain_total counter\n"
            "plain_total 0\n");
}

TEST(RegistryTest, ReturnsTheSameFamilyForAnIdenticalRegistration) {
  Registry registry;
  auto& first = registry.Counters("x_total", "X.", {"name"});
  auto& second = registry.Counters("x_total", "X.", {"name"});
  EXPECT_EQ(&first, &second);
  first.WithLabelValues({"a"}).Inc();
  EXPECT_EQ(second.WithLabelValues({"a"}).Value(), 1);
}

TEST(RegistryTest, RejectsConflictingRegistrationsAndBadNames) {
  Registry registry;
  registry.Counters("x_total", "X.", {"name"});
  struct Case {
    std::string name;
    std::function<void()> call;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"same name as a gauge", [&] { registry.Gauges("x_total", "X.", {"name"}); },
       "already registered"},
      {"other labels", [&] { registry.Counters("x_total", "X.", {"code"}); }, "already registered"},
      {"metric name with a dash", [&] { registry.Counters("x-total", "X."); },
       "invalid metric name"},
      {"metric name starting with a digit", [&] { registry.Counters("1x", "X."); },
       "invalid metric name"},
      {"reserved label prefix", [&] { registry.Counters("y_total", "Y.", {"__name"}); },
       "invalid label name"},
      {"le on a histogram", [&] { registry.Histograms("h", "H.", {"le"}); }, "invalid label name"},
      {"unsorted buckets",
       [&] {
         registry.Histograms("h", "H.", {}, {1, 0.5});
       },
       "strictly increasing"},
      {"wrong number of label values",
       [&] {
         registry.Counters("x_total", "X.", {"name"}).WithLabelValues({"a", "b"});
       },
       "expected 1 label values, got 2"},
      {"negative counter increment",
       [&] { registry.Counters("x_total", "X.", {"name"}).WithLabelValues({"a"}).Inc(-1); },
       "counter cannot decrease"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(c.call, ThrowsMessage<Error>(HasSubstr(c.message)));
  }
  // A rejected histogram registration leaves no family behind.
  EXPECT_THAT(registry.Expose(), Not(HasSubstr("# TYPE h ")));
}

TEST(RegistryTest, RunsCollectHooksUntilTheirHandleIsGone) {
  Registry registry;
  auto& gauge = registry.Gauges("computed", "Computed on scrape.").WithLabelValues({});
  int calls = 0;
  {
    CollectHook hook = registry.OnCollect([&] { gauge.Set(++calls); });
    EXPECT_THAT(registry.Expose(), HasSubstr("computed 1\n"));
    EXPECT_THAT(registry.Expose(), HasSubstr("computed 2\n"));
  }
  EXPECT_THAT(registry.Expose(), HasSubstr("computed 2\n"));
  EXPECT_EQ(calls, 2);
}

TEST(RegistryTest, CountsExactlyUnderConcurrentUpdates) {
  Registry registry;
  auto& counter = registry.Counters("n_total", "N.", {"name"});
  auto& histogram = registry.Histograms("h_seconds", "H.", {"name"}, {1});
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 10000; ++i) {
          counter.WithLabelValues({"q"}).Inc();
          histogram.WithLabelValues({"q"}).Observe(0.5);
        }
      });
    }
  }
  const std::string text = registry.Expose();
  EXPECT_THAT(text, HasSubstr("n_total{name=\"q\"} 80000\n"));
  EXPECT_THAT(text, HasSubstr("h_seconds_bucket{name=\"q\",le=\"1\"} 80000\n"));
  EXPECT_THAT(text, HasSubstr("h_seconds_sum{name=\"q\"} 40000\n"));
}

TEST(FormatValueTest, MatchesClientGolang) {
  struct Case {
    double value;
    std::string want;
  };
  const std::vector<Case> cases = {
      {1, "1"},
      {0, "0"},
      {-0.0, "0"},
      {-1, "-1"},
      {0.005, "0.005"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {1e-08, "1e-08"},
      {100000, "100000"},
      {1e6, "1e+06"},
      {1234567, "1.234567e+06"},
      {64.6625, "64.6625"},
      {0.1 + 0.2, "0.30000000000000004"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(internal::FormatValue(c.value), c.want);
  }
}

TEST(ExponentialBucketsTest, MultipliesFromStart) {
  EXPECT_EQ(ExponentialBuckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  const auto workqueue = ExponentialBuckets(10e-9, 10, 12);
  ASSERT_EQ(workqueue.size(), 12u);
  EXPECT_EQ(workqueue.front(), 1e-08);
  EXPECT_NEAR(workqueue.back(), 1000, 1e-9);
  EXPECT_THAT([] { (void)ExponentialBuckets(0, 2, 3); },
              ThrowsMessage<Error>(HasSubstr("start > 0")));
}

}  // namespace
}  // namespace gpuext::kube::metrics
