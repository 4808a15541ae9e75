// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Field chains, nil and missing keys under each missingkey mode, and printing of values.

#include <gtest/gtest.h>

#include "template_test_util.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;
using testing::Render;
using testing::RenderError;

const json& Data() {
  static const json data = json::parse(R"({
    "a": {"b": {"c": "abc"}}, "n": null, "f": 1000000.0, "i": 3, "half": 0.5,
    "m": {"z": 1.0, "y": [1.0, "s", null, true]}, "list": [1, 2]
  })");
  return data;
}

TEST(TemplateValuesTest, FieldChains) {
  EXPECT_EQ(Render("{{ .a.b.c }}", Data()), "abc");
  EXPECT_EQ(Render("{{ (index .a \"b\").c }}", Data()), "abc");
  EXPECT_EQ(Render("{{ $x := .a }}{{ $x.b.c }}", Data()), "abc");
  EXPECT_EQ(Render("{{ with .a }}{{ .b.c }}{{ end }}", Data()), "abc");
}

TEST(TemplateValuesTest, PrintsValuesAsGoFmtDoes) {
  EXPECT_EQ(Render("{{ .f }} {{ .i }} {{ .half }}", Data()), "1e+06 3 0.5");
  EXPECT_EQ(Render("{{ .m }}", Data()), "map[y:[1 s <nil> true] z:1]");
  EXPECT_EQ(Render("{{ .list }}", Data()), "[1 2]");
}

TEST(TemplateValuesTest, MissingAndNilPrintNoValue) {
  EXPECT_EQ(Render("{{ .missing }}", Data()), "<no value>");
  EXPECT_EQ(Render("{{ .n }}", Data()), "<no value>");
  EXPECT_EQ(Render("{{ print .missing }}|{{ print .n }}", Data()), "<nil>|<nil>");
  EXPECT_EQ(Render("{{ index .a \"nope\" }}", Data()), "<no value>");
}

TEST(TemplateValuesTest, FieldOfMissingValueDependsOnMissingKeyMode) {
  // Helm (missingkey=zero): a missing key is a nil interface, and a field of it fails.
  EXPECT_EQ(
      RenderError("{{ .missing.x }}", Data(), MissingKey::kZero),
      "template: t:1:11: executing \"t\" at <.missing.x>: nil pointer evaluating interface {}.x");
  // Go's default: the missing key is "no value" and so is any field of it.
  EXPECT_EQ(Render("{{ .missing.x }}", Data(), MissingKey::kDefault), "<no value>");
  // A key that holds nil fails in every mode.
  EXPECT_EQ(RenderError("{{ .n.x }}", Data(), MissingKey::kDefault),
            "template: t:1:5: executing \"t\" at <.n.x>: nil pointer evaluating interface {}.x");
  EXPECT_EQ(RenderError("{{ .missing }}", Data(), MissingKey::kError),
            "template: t:1:3: executing \"t\" at <.missing>: map has no entry for key \"missing\"");
}

TEST(TemplateValuesTest, VariableHoldingNilYieldsNoValueForFields) {
  // The pipeline result is unwrapped: the variable holds "no value", not a nil interface.
  EXPECT_EQ(Render("{{ $x := .missing }}{{ $x.foo }}", Data()), "<no value>");
}

TEST(TemplateValuesTest, FieldOfNonMapFails) {
  EXPECT_EQ(RenderError("{{ .a.b.c.d }}", Data()),
            "template: t:1:5: executing \"t\" at <.a.b.c.d>: can't evaluate field d in type "
            "interface {}");
  EXPECT_EQ(RenderError("{{ .a.b \"x\" }}", Data()),
            "template: t:1:5: executing \"t\" at <.a.b>: b is not a method but has arguments");
}

}  // namespace
}  // namespace gpuext::helm
