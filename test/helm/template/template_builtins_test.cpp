// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The predefined functions: and/or/not, len, index, slice, print*, html/js/urlquery and the
// comparisons with Go's type rules.

#include <gtest/gtest.h>

#include "template_test_util.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;
using testing::Render;
using testing::RenderError;

struct BuiltinCase {
  const char* text;
  const char* want;
};

const json& BuiltinData() {
  static const json data = json::parse(R"({
    "s": "str", "empty": "", "list": ["a", "b", "c"], "map": {"k": "v", "n": {"x": 1}},
    "f": 2.0, "nested": [[1, 2], [3, 4]]
  })");
  return data;
}

void RunBuiltinCases(const std::vector<BuiltinCase>& cases) {
  for (const auto& c : cases) {
    try {
      EXPECT_EQ(Render(c.text, BuiltinData()), c.want) << c.text;
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.text << ": " << e.what();
    }
  }
}

TEST(TemplateBuiltinsTest, AndOrReturnTheDecidingValueAndShortCircuit) {
  RunBuiltinCases({
      {"{{ and 1 \"x\" }}", "x"},
      {"{{ and 1 0 \"x\" }}", "0"},
      {"{{ or 0 \"\" \"y\" }}", "y"},
      {"{{ or 0 \"\" }}", ""},
      {"{{ or .s (fail \"not evaluated\") }}", "str"},
      {"{{ and .empty (fail \"not evaluated\") }}", ""},
      {"{{ not 0 }} {{ not .s }}", "true false"},
      {"{{ \"x\" | and 1 }}", "x"},
  });
}

TEST(TemplateBuiltinsTest, LenIndexSlice) {
  RunBuiltinCases({
      {"{{ len .s }} {{ len .list }} {{ len .map }}", "3 3 2"},
      {"{{ index .list 1 }} {{ index .map \"k\" }} {{ index .map \"n\" \"x\" }} {{ index .nested 1 "
       "0 }}",
       "b v 1 3"},
      {"{{ index .s 0 }}", "115"},
      {"{{ slice .list 1 }} {{ slice .list 1 2 }} {{ slice .s 1 2 }} {{ slice .list }}",
       "[b c] [b] t [a b c]"},
  });
}

TEST(TemplateBuiltinsTest, PrintFamily) {
  RunBuiltinCases({
      {"{{ print 1 2 \"a\" 3 }}", "1 2a3"},
      {"{{ println \"a\" 1 }}", "a 1\n"},
      {"{{ printf \"%s=%d %v %.1f\" \"x\" 5 .list .f }}", "x=5 [a b c] 2.0"},
      {"{{ printf \"%d\" .s }}", "%!d(string=str)"},
  });
}

TEST(TemplateBuiltinsTest, Escapers) {
  RunBuiltinCases({
      {"{{ html \"<a href='x'>&\\\"\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"},
      {"{{ js \"it's <b>\" }}", "it\\'s \\u003Cb\\u003E"},
      {"{{ urlquery \"a b&c=d/é\" }}", "a+b%26c%3Dd%2F%C3%A9"},
  });
}

TEST(TemplateBuiltinsTest, Comparisons) {
  RunBuiltinCases({
      {"{{ eq 1 1 }} {{ eq 1 2 }} {{ eq \"a\" \"a\" }} {{ eq .f 2.0 }}", "true false true true"},
      {"{{ eq 1 2 3 1 }} {{ eq \"x\" \"a\" \"b\" }}", "true false"},
      {"{{ ne 1 2 }} {{ ne \"a\" \"a\" }}", "true false"},
      {"{{ lt 1 2 }} {{ le 2 2 }} {{ gt 1 2 }} {{ ge 2 1 }}", "true true false true"},
      {"{{ lt \"a\" \"b\" }} {{ lt 1.5 2.5 }}", "true true"},
      {"{{ eq .missing \"x\" }}", "false"},
      {"{{ eq true true }}", "true"},
  });
}

TEST(TemplateBuiltinsTest, ComparisonTypeErrors) {
  EXPECT_EQ(RenderError("{{ eq 1 1.0 }}", BuiltinData()),
            "template: t:1:3: executing \"t\" at <eq 1 1.0>: error calling eq: incompatible types "
            "for comparison: int and float64");
  EXPECT_EQ(RenderError("{{ lt .f 3 }}", BuiltinData()),
            "template: t:1:3: executing \"t\" at <lt .f 3>: error calling lt: incompatible types "
            "for comparison: float64 and int");
  EXPECT_EQ(RenderError("{{ lt true false }}", BuiltinData()),
            "template: t:1:3: executing \"t\" at <lt true false>: error calling lt: invalid type "
            "for comparison");
}

TEST(TemplateBuiltinsTest, IndexErrors) {
  EXPECT_EQ(RenderError("{{ index .list 5 }}", BuiltinData()),
            "template: t:1:3: executing \"t\" at <index .list 5>: error calling index: index out "
            "of range: 5");
  EXPECT_EQ(RenderError("{{ index .s \"x\" }}", BuiltinData()),
            "template: t:1:3: executing \"t\" at <index .s \"x\">: error calling index: cannot "
            "index slice/array "
            "with type string");
}

TEST(TemplateBuiltinsTest, AddedFunctionsWinOverBuiltins) {
  // Go looks up the template's functions before the builtins; Helm's sprig `slice` relies on it.
  TemplateSet set({{"slice", [](std::span<const json>) -> json { return "sprig"; }}});
  set.Parse("t", "{{ slice \"abc\" 1 }}");
  EXPECT_EQ(set.Execute("t", json::object()), "sprig");
}

TEST(TemplateBuiltinsTest, PrintfFormatMustBeAString) {
  EXPECT_EQ(RenderError("{{ printf 1 }}"),
            "template: t:1:10: executing \"t\" at <1>: expected string; found 1");
  EXPECT_EQ(RenderError("{{ eq .list .list }}", BuiltinData()),
            "template: t:1:3: executing \"t\" at <eq .list .list>: error calling eq: "
            "non-comparable type [a b c]: "
            "[]interface {}");
}

}  // namespace
}  // namespace gpuext::helm
