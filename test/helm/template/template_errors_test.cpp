// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Parse and execution errors carry Go's texts: template name, line (and column for
// execution), the failing expression.

#include <gtest/gtest.h>

#include "template_test_util.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;
using testing::RenderError;

TEST(TemplateErrorsTest, ParseErrors) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"{{ if .x }}", "template: t:1: unexpected EOF"},
      {"a\n{{ end }}", "template: t:2: unexpected {{end}}"},
      {"{{ nope 1 }}", "template: t:1: function \"nope\" not defined"},
      {"{{ $x }}", "template: t:1: undefined variable \"$x\""},
      {"{{ .a", "template: t:1: unclosed action"},
      {"{{ }}", "template: t:1: missing value for command"},
      {"{{ 1 | 2 }}", "template: t:1: non executable command in pipeline stage 2"},
      {"{{ break }}", "template: t:1: {{break}} outside {{range}}"},
      {"{{ define \"x\" }}a", "template: t:1: unexpected EOF"},
      {"{{ \"a\".b }}", "template: t:1: unexpected . after term \"\\\"a\\\"\""},
      {"{{ (1 }}", "template: t:1: unclosed left paren"},
      {"{{/* x }}", "template: t:1: unclosed comment"},
      {"{{ template x }}", "template: t:1: unexpected \"x\" in template clause"},
      {"{{ $x=1 }}", "template: t:1: bad character U+003D '='"},
      {"{{ range $a, $b, $c := . }}{{end}}", "template: t:1: too many declarations in range"},
      {"{{ 3x }}", "template: t:1: bad number syntax: \"3x\""},
      {"{{ .a@ }}", "template: t:1: bad character U+0040 '@'"},
      {"{{ if\n .x }}\n{{ else }}\n{{ els }}", "template: t:4: function \"els\" not defined"},
  };
  for (const auto& c : cases) {
    std::string err = RenderError(c.text);
    EXPECT_EQ(err, c.want) << c.text;
  }
}

TEST(TemplateErrorsTest, ParseErrorIsKindParse) {
  TemplateSet set;
  try {
    set.Parse("f.yaml", "{{ if }}");
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.kind(), TemplateError::Kind::kParse);
    EXPECT_EQ(std::string(e.what()), "template: f.yaml:1: missing value for if");
  }
}

TEST(TemplateErrorsTest, ExecutionErrorsNameTheTemplateAndPosition) {
  EXPECT_EQ(RenderError("line1\n  {{ fail \"boom\" }}"),
            "template: t:2:5: executing \"t\" at <fail \"boom\">: error calling fail: boom");
  EXPECT_EQ(RenderError("{{ nil }}"),
            "template: t:1:3: executing \"t\" at <nil>: nil is not a command");
  EXPECT_EQ(RenderError("{{ 1 2 }}"),
            "template: t:1:3: executing \"t\" at <1>: can't give argument to non-function 1");
  EXPECT_EQ(RenderError("{{ template \"nope\" }}"),
            "template: t:1:12: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not "
            "defined");
  EXPECT_EQ(RenderError("{{ range 1.5 }}{{ end }}"),
            "template: t:1:9: executing \"t\" at <1.5>: range can't iterate over 1.5");
}

TEST(TemplateErrorsTest, ErrorsInsideDefinesNameTheDefineAndItsFile) {
  TemplateSet set({{"fail", [](std::span<const json> a) -> json {
                      throw FunctionError(a[0].get<std::string>());
                    }}});
  set.Parse("c/templates/_helpers.tpl", "\n{{ define \"h\" }}{{ fail \"no\" }}{{ end }}");
  set.Parse("c/templates/a.yaml", "{{ template \"h\" . }}");
  try {
    (void)set.Execute("c/templates/a.yaml", json::object());
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.kind(), TemplateError::Kind::kExec);
    EXPECT_EQ(std::string(e.what()),
              "template: c/templates/_helpers.tpl:2:19: executing \"h\" at <fail \"no\">: error "
              "calling fail: no");
  }
}

TEST(TemplateErrorsTest, UnknownTemplateName) {
  TemplateSet set;
  try {
    (void)set.Execute("x", json::object());
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(std::string(e.what()),
              "template: no template \"x\" associated with template \"gotpl\"");
  }
}

}  // namespace
}  // namespace gpuext::helm
