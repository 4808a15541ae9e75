// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// --set typing and values coalescing, with expectations taken from helm v4.1.4 behaviour
// (docs/helm.md "Facts checked against the real helm").
#include "gpuext/helm/values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

TEST(ApplySetTest, TypesValuesAsHelmStrvals) {
  json v = json::object();
  ApplySet(&v, "a=5,b=1.5,c=true,d=null,e=007,f=,g.h=x,l[1]=y,m={p,2},k\\.dot=1");
  EXPECT_TRUE(v["a"].is_number_integer());
  EXPECT_EQ(v["a"], 5);
  EXPECT_EQ(v["b"], "1.5");  // floats stay strings in strvals
  EXPECT_EQ(v["c"], true);
  EXPECT_TRUE(v["d"].is_null());
  EXPECT_EQ(v["e"], "007");
  EXPECT_EQ(v["f"], "");
  EXPECT_EQ(v["g"]["h"], "x");
  EXPECT_EQ(v["l"], json::parse(R"([null, "y"])"));
  EXPECT_EQ(v["m"], json::parse(R"(["p", 2])"));
  EXPECT_EQ(v["k.dot"], 1);
}

TEST(ApplySetTest, RejectsKeyWithoutValue) {
  json v = json::object();
  EXPECT_THAT([&] { ApplySet(&v, "novalue"); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("has no value")));
}

TEST(UnmarshalYamlTest, ReadsNumbersAsFloatsAndYaml11Keys) {
  const json v = UnmarshalYaml("x: 1\nn: null\ny: yes\nt: 2001-12-14\ns: '1'\n");
  EXPECT_TRUE(v["x"].is_number_float());
  EXPECT_TRUE(v["false"].is_null());  // key `n` is YAML 1.1 false
  EXPECT_EQ(v["true"], true);
  EXPECT_EQ(v["t"], "2001-12-14");
  EXPECT_EQ(v["s"], "1");
}

Chart ChartWith(const std::string& name, json values, std::vector<Chart> subcharts = {}) {
  Chart c{.metadata = {{"name", name}}, .values = std::move(values)};
  c.subcharts = std::move(subcharts);
  return c;
}

TEST(CoalesceValuesTest, UserWinsNullDeletesSubchartsScopedGlobalsFlowDown) {
  const Chart child =
      ChartWith("child", json::parse(R"({"own": 1, "drop": 2, "global": {"g2": "c"}})"));
  const Chart parent = ChartWith(
      "parent",
      json::parse(R"({"a": {"b": 1, "c": 2}, "global": {"g": "p"}, "child": {"own": 3}})"),
      {child});
  const json user = json::parse(R"({"a": {"c": null, "d": 4}, "child": {"drop": null}})");
  const json got = CoalesceValues(parent, user);
  EXPECT_EQ(got["a"], json::parse(R"({"b": 1.0, "d": 4.0})"));
  EXPECT_EQ(got["child"]["own"], 3);
  EXPECT_FALSE(got["child"].contains("drop"));
  EXPECT_EQ(got["child"]["global"]["g"], "p");
  EXPECT_EQ(got["child"]["global"]["g2"], "c");
}

TEST(MergeValueFilesTest, LaterFilesWinAndMapsMerge) {
  const json got = MergeValueFiles({json::parse(R"({"a": {"x": 1, "y": 1}, "l": [1]})"),
                                    json::parse(R"({"a": {"y": 2}, "l": [2, 3]})")});
  EXPECT_EQ(got, json::parse(R"({"a": {"x": 1, "y": 2}, "l": [2, 3]})"));
}

}  // namespace
}  // namespace gpuext::helm
