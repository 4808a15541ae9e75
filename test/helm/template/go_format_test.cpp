// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/helm/go_format.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace gpuext::helm {
namespace {

using nlohmann::json;

TEST(GoFormatTest, FloatsPrintLikeStrconvShortestG) {
  // Checked against `helm template` printing float64 values from values.yaml.
  struct Case {
    double in;
    const char* want;
  } cases[] = {
      {1000000.0, "1e+06"}, {100000.0, "100000"}, {123456789.0, "1.23456789e+08"},
      {0.0001, "0.0001"},   {0.00001, "1e-05"},   {1e21, "1e+21"},
      {1e20, "1e+20"},      {3.5, "3.5"},         {1.5e-07, "1.5e-07"},
      {0.0, "0"},           {-2.25, "-2.25"},     {1234567.0, "1.234567e+06"},
      {0.1, "0.1"},         {1.0, "1"},           {-0.0, "-0"},
      {123.456, "123.456"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(FormatGoFloat(c.in), c.want) << c.in;
  EXPECT_EQ(FormatGoFloat(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatGoFloat(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatGoFloat(std::nan("")), "NaN");
}

TEST(GoFormatTest, ValuesPrintLikePercentV) {
  EXPECT_EQ(FormatGoValue(json()), "<nil>");
  EXPECT_EQ(FormatGoValue(json(true)), "true");
  EXPECT_EQ(FormatGoValue(json(42)), "42");
  EXPECT_EQ(FormatGoValue(json(-7)), "-7");
  EXPECT_EQ(FormatGoValue(json("s p")), "s p");
  EXPECT_EQ(FormatGoValue(json::parse(R"({"b":2.0,"a":"x","c":{"d":[1,null]}})")),
            "map[a:x b:2 c:map[d:[1 <nil>]]]");
  EXPECT_EQ(FormatGoValue(json::array()), "[]");
  EXPECT_EQ(FormatGoValue(json::object()), "map[]");
}

TEST(GoFormatTest, SprintAddsSpacesOnlyBetweenNonStrings) {
  std::vector<json> args = {1, 2, "a", 3, "b", "c"};
  EXPECT_EQ(GoSprint(args), "1 2a3bc");
  EXPECT_EQ(GoSprintln(args), "1 2 a 3 b c\n");
}

TEST(GoFormatTest, SprintfVerbs) {
  struct Case {
    const char* format;
    std::vector<json> args;
    const char* want;
  } cases[] = {
      {"%s|%v|%d", {"a", 1.5, 7}, "a|1.5|7"},
      {"%5d|%-5d|%05d", {42, 42, -42}, "   42|42   |-0042"},
      {"%x|%X|%o|%b|%#x|%#o", {255, 255, 8, 5, 255, 8}, "ff|FF|10|101|0xff|010"},
      {"%f|%.2f|%8.3f|%e|%g",
       {3.14159, 3.14159, 3.14159, 1234.5678, 0.000012},
       "3.141590|3.14|   3.142|1.234568e+03|1.2e-05"},
      {"%q|%q", {"a\"b\n", 65}, "\"a\\\"b\\n\"|'A'"},
      {"%t|%v", {true, false}, "true|false"},
      {"%c|%U", {0x263A, 0x263A}, "\xE2\x98\xBA|U+263A"},
      {"%-5s|%5s|%.2s", {"ab", "ab", "abc"}, "ab   |   ab|ab"},
      {"%x|% x|%X", {"hi", "hi", "hi"}, "6869|68 69|6869"},
      {"%%|%d%%", {50}, "%|50%"},
      {"%d", {"x"}, "%!d(string=x)"},
      {"%s", {5}, "%!s(int=5)"},
      {"%d", {1.5}, "%!d(float64=1.5)"},
      {"%s %s", {"a"}, "a %!s(MISSING)"},
      {"%s", {"a", 1}, "a%!(EXTRA int=1)"},
      {"%v %s", {nullptr, nullptr}, "<nil> %!s(<nil>)"},
      {"%v", {json::parse(R"({"a":[1,"x"]})")}, "map[a:[1 x]]"},
      {"%d", {json::parse("[1,2]")}, "[1 2]"},
      {"%T %T %T %T", {1, 1.0, "s", json::object()}, "int float64 string map[string]interface {}"},
      {"%+d|% d|%+.1f", {5, 5, 2.0}, "+5| 5|+2.0"},
      {"%*d|%-*d|", {4, 7, 3, 1}, "   7|1  |"},
      {"%.3d|%.0d", {7, 0}, "007|"},
      {"%6.2f|%-8.1e|", {-1.5, 12345.0}, " -1.50|1.2e+04 |"},
      {"%v|%.1f", {1e6, 1e6}, "1e+06|1000000.0"},
      {"abc%", {}, "abc%!(NOVERB)"},
      {"%[1]d %[1]d %[2]s", {5, "x"}, "5 5 x"},
      {"%[3]d", {1}, "%!d(BADINDEX)"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(GoSprintf(c.format, c.args), c.want) << c.format;
}

}  // namespace
}  // namespace gpuext::helm
