// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Table tests of actions: if/else if/else, with/else with, range (lists, maps, integers,
// else, break, continue), define/template/block.

#include <gtest/gtest.h>

#include "template_test_util.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;
using testing::Render;

struct Case {
  const char* text;
  const char* want;
};

const json& ControlData() {
  static const json data = json::parse(R"({
    "t": true, "f": false, "zero": 0, "one": 1, "fzero": 0.0, "s": "str", "empty": "",
    "list": ["a", "b", "c"], "nolist": [], "map": {"b": 2, "a": 1, "c": 3}, "nomap": {},
    "nil": null, "nested": {"x": {"y": "deep"}}
  })");
  return data;
}

void RunCases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    try {
      EXPECT_EQ(Render(c.text, ControlData()), c.want) << c.text;
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.text << ": " << e.what();
    }
  }
}

TEST(TemplateControlTest, IfUsesGoTruthiness) {
  RunCases({
      {"{{ if .t }}y{{ end }}", "y"},
      {"{{ if .f }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .zero }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .fzero }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .one }}y{{ else }}n{{ end }}", "y"},
      {"{{ if .empty }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .s }}y{{ else }}n{{ end }}", "y"},
      {"{{ if .nolist }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .list }}y{{ else }}n{{ end }}", "y"},
      {"{{ if .nomap }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .nil }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .missing }}y{{ else }}n{{ end }}", "n"},
      {"{{ if .f }}1{{ else if .zero }}2{{ else if .one }}3{{ else }}4{{ end }}", "3"},
      {"{{ if .f }}1{{ else if .zero }}2{{ else }}4{{ end }}", "4"},
      {"{{ if and .t .one }}y{{ end }}", "y"},
  });
}

TEST(TemplateControlTest, WithRebindsDot) {
  RunCases({
      {"{{ with .nested.x }}{{ .y }}{{ end }}", "deep"},
      {"{{ with .missing }}y{{ else }}n{{ end }}", "n"},
      {"{{ with .missing }}y{{ else with .s }}{{ . }}{{ end }}", "str"},
      {"{{ with .f }}y{{ else with .zero }}z{{ else }}{{ .s }}{{ end }}", "str"},
      {"{{ with $v := .s }}{{ $v }}{{ . }}{{ end }}", "strstr"},
  });
}

TEST(TemplateControlTest, RangeOverListsMapsAndIntegers) {
  RunCases({
      {"{{ range .list }}{{ . }}{{ end }}", "abc"},
      {"{{ range $i, $e := .list }}{{ $i }}={{ $e }};{{ end }}", "0=a;1=b;2=c;"},
      {"{{ range $e := .list }}{{ $e }}{{ end }}", "abc"},
      {"{{ range .map }}{{ . }}{{ end }}", "123"},
      {"{{ range $k, $v := .map }}{{ $k }}{{ $v }}{{ end }}", "a1b2c3"},
      {"{{ range .nolist }}x{{ else }}empty{{ end }}", "empty"},
      {"{{ range .nomap }}x{{ else }}empty{{ end }}", "empty"},
      {"{{ range .missing }}x{{ else }}none{{ end }}", "none"},
      {"{{ range .nil }}x{{ else }}none{{ end }}", "none"},
      {"{{ range 3 }}{{ . }}{{ end }}", "012"},
      {"{{ range $i := 3 }}{{ $i }}{{ end }}", "012"},
      {"{{ range 0 }}x{{ else }}zero{{ end }}", "zero"},
      {"{{ range .list }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}", "a"},
      {"{{ range .list }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}", "ac"},
      {"{{ range $i, $e := .list }}{{ range $.list }}{{ if eq . $e }}{{ break }}{{ end }}{{ . }}{{ "
       "end }}|{{ end }}",
       "|a|ab|"},
      {"{{ range .list }}{{ $.s }}{{ end }}", "strstrstr"},
  });
}

TEST(TemplateControlTest, DefineTemplateAndBlock) {
  RunCases({
      {"{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" .s }}", "[str]"},
      {"{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" }}", "[<no value>]"},
      {"{{ define \"x\" }}{{ $ }}{{ end }}{{ template \"x\" 5 }}", "5"},
      {"{{ block \"b\" .s }}<{{ . }}>{{ end }}", "<str>"},
      {"{{ define \"r\" }}{{ if gt . 0 }}{{ . }}{{ template \"r\" (len (slice \"aaaa\" 1 .)) }}{{ "
       "end }}{{ end }}"
       "{{ template \"r\" 3 }}",
       "321"},
  });
}

TEST(TemplateControlTest, DefinesAreSharedAcrossParsesAndLaterOnesWin) {
  TemplateSet set;
  set.Parse("helpers.tpl", "{{ define \"a\" }}one{{ end }}{{ define \"b\" }}B{{ end }}");
  set.Parse("override.tpl", "{{ define \"a\" }}two{{ end }}{{ define \"b\" }}{{ end }}");
  set.Parse("main", "{{ template \"a\" }}{{ template \"b\" }}");
  EXPECT_EQ(set.Execute("main", json::object()), "twoB");
  EXPECT_TRUE(set.Has("a"));
  EXPECT_TRUE(set.Has("helpers.tpl"));
  EXPECT_FALSE(set.Has("nope"));
}

TEST(TemplateControlTest, CopiesDoNotSeeLaterDefines) {
  TemplateSet set;
  set.Parse("main", "{{ define \"a\" }}A{{ end }}{{ template \"a\" }}");
  TemplateSet copy = set;
  copy.Parse("extra", "{{ define \"a\" }}changed{{ end }}");
  EXPECT_EQ(set.Execute("main", json::object()), "A");
  EXPECT_EQ(copy.Execute("main", json::object()), "changed");
}

}  // namespace
}  // namespace gpuext::helm
