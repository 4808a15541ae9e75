// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Table tests of text/template syntax: text, trim markers, comments, pipelines, variables,
// literals. Expectations follow Go's text/template documentation and were checked against
// `helm template` where the documentation leaves room.

#include <gtest/gtest.h>

#include "template_test_util.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;
using testing::Render;

struct SyntaxCase {
  const char* text;
  const char* want;
};

void RunSyntaxCases(const std::vector<SyntaxCase>& cases, const json& data = json::object()) {
  for (const auto& c : cases) {
    try {
      EXPECT_EQ(Render(c.text, data), c.want) << c.text;
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.text << ": " << e.what();
    }
  }
}

TEST(TemplateSyntaxTest, TextAndTrimMarkers) {
  RunSyntaxCases({
      {"plain text", "plain text"},
      {"a  {{- \"b\" -}}  c", "abc"},
      {"a \n\t {{- \"b\"}} c", "ab c"},
      {"a {{\"b\" -}} \n c", "a bc"},
      {"{{- 3 }}", "3"},
      {"{{-3}}", "-3"},
      {"x {{ 3 -}}\n\n", "x 3"},
      {"{{ \"a\" }}{{/* comment */}}{{ \"b\" }}", "ab"},
      {"a {{- /* trimmed comment */ -}} b", "ab"},
      {"{{/* multi\nline */}}x", "x"},
      {"{{ \"a\"\n }}", "a"},
  });
}

TEST(TemplateSyntaxTest, Literals) {
  RunSyntaxCases({
      {"{{ 1 }} {{ -2 }} {{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }}",
       "1 -2 31 15 15 5 1000"},
      {"{{ 1.5 }} {{ 1e3 }} {{ 1000000.0 }} {{ .5 }}", "1.5 1000 1e+06 0.5"},
      {"{{ 'a' }} {{ '\\n' }}", "97 10"},
      {"{{ \"a\\tb\" }}|{{ `raw\\n` }}", "a\tb|raw\\n"},
      {"{{ true }} {{ false }}", "true false"},
      {"{{ \"\\u263a\" }}", "\xE2\x98\xBA"},
  });
}

TEST(TemplateSyntaxTest, PipelinesPassTheValueAsLastArgument) {
  RunSyntaxCases(
      {
          {"{{ \"x\" | printf \"%s-%s\" \"a\" }}", "a-x"},
          {"{{ .name | upper | printf \"<%s>\" }}", "<GPU>"},
          {"{{ printf \"%d\" (len .items) }}", "3"},
          {"{{ (printf \"%s\" .name) | upper }}", "GPU"},
          {"{{ (index .items 1) }}", "b"},
      },
      json{{"name", "gpu"}, {"items", {"a", "b", "c"}}});
}

TEST(TemplateSyntaxTest, Variables) {
  RunSyntaxCases(
      {
          {"{{ $x := 1 }}{{ $x }}", "1"},
          {"{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2"},
          {"{{ $x := .a }}{{ $x.b }}", "c"},
          {"{{ $.a.b }}", "c"},
          {"{{ with .a }}{{ $.top }}{{ end }}", "T"},
          {"{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}", "2"},
          {"{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}", "21"},
          {"{{ $x := \"o\" }}{{ range .l }}{{ $x = . }}{{ end }}{{ $x }}", "z"},
      },
      json{{"a", {{"b", "c"}}}, {"top", "T"}, {"l", {"y", "z"}}});
}

TEST(TemplateSyntaxTest, DeclarationsPrintNothing) { EXPECT_EQ(Render("a{{ $x := 5 }}b"), "ab"); }

}  // namespace
}  // namespace gpuext::helm
