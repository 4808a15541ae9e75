// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Go's reference semantics of maps: set/unset/merge/mergeOverwrite change the map their first
// argument reaches, and every holder of that map sees it. Expectations from Go's rules
// (checked against helm v4.1.4 in test/testdata/charts/mutation).

#include <gtest/gtest.h>

#include "gpuext/helm/functions.h"
#include "gpuext/helm/template.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

std::string Exec(std::string_view text, json data = json::object()) {
  TemplateSet set(SprigFunctions());
  set.SetMissingKey(MissingKey::kZero);
  set.AddBoundFunction("include", [](const CallContext& ctx, std::span<const json> args) {
    if (ctx.arg_refs.size() > 1 && ctx.arg_refs[1] != nullptr) {
      return json(ctx.templates.ExecuteShared(args[0].get<std::string>(), *ctx.arg_refs[1], ctx));
    }
    return json(ctx.templates.Execute(args[0].get<std::string>(), args[1], ctx));
  });
  set.Parse("t", text);
  return set.ExecuteShared("t", data);
}

TEST(TemplateMapsTest, SetOnDotIsVisibleThroughDot) {
  EXPECT_EQ(Exec(R"({{- $_ := set .Values "x" 1 }}{{ .Values.x }})", {{"Values", json::object()}}),
            "1");
}

TEST(TemplateMapsTest, SetChangesTheVariablesMap) {
  EXPECT_EQ(Exec(R"({{ $d := dict }}{{ $_ := set $d "a" 1 }}{{ $d.a }})"), "1");
  EXPECT_EQ(Exec(R"({{ $d := dict }}{{ $e := $d }}{{ $_ := set $e "a" 1 }}{{ $d }})"), "map[a:1]");
  EXPECT_EQ(Exec(R"({{ $d := dict }}{{ $r := set $d "a" 1 }}{{ $_ := set $r "b" 2 }}{{ $d }})"),
            "map[a:1 b:2]");
}

TEST(TemplateMapsTest, UnsetRemovesFromTheMapButNotFromAnOldHolder) {
  json data = {{"Values", {{"a", {{"k", 1}}}, {"b", 2}}}};
  EXPECT_EQ(
      Exec(R"({{ $a := .Values.a }}{{ $_ := unset .Values "a" }}{{ .Values }} {{ $a }})", data),
      "map[b:2] map[k:1]");
}

TEST(TemplateMapsTest, MergeIntoASubMapIsVisibleThroughTheRoot) {
  json data = {{"Values", {{"sub", {{"a", 1}}}}}};
  EXPECT_EQ(Exec(R"({{ $_ := merge .Values.sub (dict "b" 2 "a" 9) }}{{ .Values.sub }})", data),
            "map[a:1 b:2]");
  EXPECT_EQ(Exec(R"({{ $_ := mergeOverwrite .Values.sub (dict "a" 9) }}{{ .Values.sub }})", data),
            "map[a:9]");
}

TEST(TemplateMapsTest, MergeKeepsTheIdentityOfNestedMaps) {
  json data = {{"Values", {{"sub", {{"n", {{"a", 1}}}}}}}};
  EXPECT_EQ(
      Exec(
          R"({{ $n := .Values.sub.n }}{{ $_ := merge .Values (dict "sub" (dict "n" (dict "b" 2))) }}{{ $n }})",
          data),
      "map[a:1 b:2]");
}

TEST(TemplateMapsTest, DataPassedToExecuteSharedKeepsTheWrites) {
  TemplateSet set(SprigFunctions());
  set.Parse("a", R"({{ $_ := set .Values "seen" true }})");
  set.Parse("b", R"({{ .Values.seen }})");
  json data = {{"Values", json::object()}};
  EXPECT_EQ(set.ExecuteShared("a", data), "");
  EXPECT_EQ(data["Values"]["seen"], true);
  EXPECT_EQ(set.ExecuteShared("b", data), "true");
  // Execute works on a copy.
  const json fresh = {{"Values", json::object()}};
  EXPECT_EQ(set.Execute("a", fresh), "");
  EXPECT_FALSE(fresh["Values"].contains("seen"));
}

TEST(TemplateMapsTest, RangeElementsAreTheListsMaps) {
  json data = {{"l", json::array({json::object(), json::object()})}};
  EXPECT_EQ(Exec(R"({{ range .l }}{{ $_ := set . "s" 1 }}{{ end }}{{ .l }})", data),
            "[map[s:1] map[s:1]]");
}

TEST(TemplateMapsTest, RangeOverAMapWhileChangingIt) {
  // Go ranges over the keys taken before the loop.
  EXPECT_EQ(
      Exec(
          R"({{ $m := dict "a" 1 "b" 2 }}{{ range $k, $v := $m }}{{ $k }}{{ $_ := set $m (print $k "x") $v }}{{ end }} {{ $m }})"),
      "ab map[a:1 ax:1 b:2 bx:2]");
}

TEST(TemplateMapsTest, DefaultIndexAndGetReturnTheMapItself) {
  json data = {{"Values", {{"img", {{"tag", "1"}}}}}};
  EXPECT_EQ(
      Exec(R"({{ $i := default (dict) .Values.img }}{{ $_ := set $i "p" 1 }}{{ .Values.img }})",
           data),
      "map[p:1 tag:1]");
  EXPECT_EQ(
      Exec(R"({{ $i := index .Values "img" }}{{ $_ := set $i "p" 1 }}{{ .Values.img }})", data),
      "map[p:1 tag:1]");
  EXPECT_EQ(Exec(R"({{ $i := get .Values "img" }}{{ $_ := set $i "p" 1 }}{{ .Values.img }})", data),
            "map[p:1 tag:1]");
  EXPECT_EQ(
      Exec(R"({{ $i := deepCopy .Values.img }}{{ $_ := set $i "p" 1 }}{{ .Values.img }})", data),
      "map[tag:1]");
}

TEST(TemplateMapsTest, AppendDoesNotChangeTheList) {
  EXPECT_EQ(Exec(R"({{ $l := list 1 }}{{ $m := append $l 2 }}{{ $l }} {{ $m }})"), "[1] [1 2]");
}

TEST(TemplateMapsTest, IncludeSharesTheDot) {
  EXPECT_EQ(
      Exec(
          R"({{ define "d" }}{{ $_ := set . "k" "v" }}{{ end }}{{ $c := dict }}{{ include "d" $c }}{{ $c.k }})"),
      "v");
}

// Known difference (docs/helm.md): a map placed into a new container (list, dict, set's value)
// is copied, where Go stores the reference; helm prints [map[a:1 b:2]].
TEST(TemplateMapsTest, DISABLED_AMapInANewContainerIsShared) {
  EXPECT_EQ(Exec(R"({{ $d := dict "a" 1 }}{{ $l := list $d }}{{ $_ := set $d "b" 2 }}{{ $l }})"),
            "[map[a:1 b:2]]");
}

}  // namespace
}  // namespace gpuext::helm
