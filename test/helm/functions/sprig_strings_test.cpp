// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "sprig_case.h"

namespace gpuext::helm::testing {
namespace {

using nlohmann::json;

class SprigStringsTest : public ::testing::TestWithParam<SprigCase> {};

TEST_P(SprigStringsTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

// helm: every expectation below was printed by Helm v4.1.4 for the same call.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigStringsTest, ::testing::Values(
        SprigCase{"upper", {"abc"}, "ABC"},
        Fails("upper", {1}, "wrong type for value; expected string; got int"),
        SprigCase{"title", {"hello wORLD foo_bar foo-bar 1a"}, "Hello WORLD Foo_bar Foo-Bar 1a"},
        SprigCase{"untitle", {"Hello World FOO"}, "hello world fOO"},
        SprigCase{"swapcase", {"Hello World \xC3\x9F\xC3\x84"}, "hELLO wORLD \xC3\x9F\xC3\xA4"},
        SprigCase{"snakecase", {"HTTPServerName"}, "http_server_name"},
        SprigCase{"snakecase", {"helloWorld"}, "hello_world"},
        SprigCase{"snakecase", {"hello-world foo"}, "hello_world_foo"},
        SprigCase{"snakecase", {"Bld4Floor"}, "bld4_floor"},
        SprigCase{"snakecase", {"HTTP2xx"}, "http_2xx"},
        SprigCase{"snakecase", {"aB1c"}, "a_b_1c"},
        SprigCase{"snakecase", {"version2Name"}, "version2_name"},
        SprigCase{"snakecase", {"foo.bar"}, "foo.bar"},
        SprigCase{"snakecase", {"  foo  bar "}, "__foo__bar_"},
        SprigCase{"snakecase", {"HTTPServer_URL"}, "http_server_url"},
        SprigCase{"snakecase", {"foo_Bar"}, "foo_bar"},
        SprigCase{"kebabcase", {"GPUOperator"}, "gpu-operator"},
        SprigCase{"camelcase", {"__"}, "___"},
        SprigCase{"camelcase", {"a"}, "A"},
        SprigCase{"camelcase", {"fooBar"}, "FooBar"},
        SprigCase{"title", {"\xC3\xA9lan vital"}, "\xC3\x89lan Vital"},
        SprigCase{"title", {"hello.world"}, "Hello.World"},
        SprigCase{"abbrev", {3, "hello"}, "hello"},
        SprigCase{"abbrevboth", {0, 6, "abcdefghij"}, "abc..."},
        SprigCase{"abbrevboth", {10, 7, "abcdefghijklmnopqrstuvwxyz"}, "...k..."},
        SprigCase{"wrap", {0, "a b"}, "a\nb"},
        SprigCase{"wrap", {3, "  ab cd"}, "ab\ncd"},
        SprigCase{"wrap", {4, "ab   cd ef"}, "ab  \ncd\nef"},
        SprigCase{"wrapWith", {3, "|", "abcdefg hi"}, "abc|def|g|hi"},
        SprigCase{"toString", {true}, "true"},
        SprigCase{"camelcase", {"http_server"}, "HttpServer"},
        SprigCase{"camelcase", {"_complex__case_"}, "_Complex_Case_"},
        SprigCase{"camelcase", {"hello-world foo"}, "HelloWorldFoo"},
        SprigCase{"kebabcase", {"HTTPServerName"}, "http-server-name"},
        SprigCase{"kebabcase", {"hello_world"}, "hello-world"},
        SprigCase{ "wrapWith", {5, "\t", "Hello World abcdefghij klm"}, "Hello\tWorld\tabcde\tfghij\tklm"},
        SprigCase{"abbrev", {5, "hello world"}, "he..."},
        SprigCase{"abbrevboth", {5, 10, "1234 5678 9123"}, "...5678..."},
        SprigCase{"initials", {"First  try\there"}, "Fth"},
        SprigCase{"quote", {"a\"b\n\x01\xC3\xA9", 1, nullptr, 2.5}, "\"a\\\"b\\n\\x01\xC3\xA9\" \"1\" \"2.5\""},
        SprigCase{"squote", {"a", nullptr, 1}, "'a' '1'"},
        SprigCase{ "cat", {"a", nullptr, 2, json{{"a", 1}, {"b", {{"c", 2}}}}}, "a 2 map[a:1 b:map[c:2]]"},
        SprigCase{"join", {"-", L({1, "a", nullptr})}, "1-a"},
        SprigCase{"join", {"-", "abc"}, "abc"},
        SprigCase{"sortAlpha", {L({"b", 10, "a", 2.5})}, "[10 2.5 a b]"},
        SprigCase{"substr", {2, 4, "hello"}, "ll"},
        SprigCase{"substr", {-1, 3, "hello"}, "hel"},
        SprigCase{"substr", {2, -1, "hello"}, "llo"},
        Fails("substr", {4, 2, "hello"}, "runtime error: slice bounds out of range [4:2]"),
        SprigCase{"substr", {2, 10, "hello"}, "llo"},
        SprigCase{"trunc", {-2, "hello"}, "lo"},
        SprigCase{"trunc", {-9, "hello"}, "hello"},
        SprigCase{"trunc", {3, "hello"}, "hel"},
        Fails("trunc", {3.0, "hello"}, "wrong type for value; expected int; got float64"),
        SprigCase{"split", {",", "a,b,,c"}, "map[_0:a _1:b _2: _3:c]"},
        SprigCase{"splitn", {",", 2, "a,b,c"}, "map[_0:a _1:b,c]"},
        SprigCase{"splitList", {"", "abc"}, "[a b c]"},
        SprigCase{"replace", {"", "-", "abc"}, "-a-b-c-"},
        Fails("repeat", {-1, "a"}, "strings: negative Repeat count"),
        SprigCase{"toString", {1000000.0}, "1e+06"},
        SprigCase{"toString", {nullptr}, "<nil>"},
        SprigCase{"toStrings", {L({1, 2.5, nullptr, "a"})}, "[1 2.5 a]"},
        SprigCase{"nospace", {" a b\tc\n"}, "abc"},
        SprigCase{"trimAll", {"ab", "abxba"}, "x"},
        SprigCase{"plural", {"one", "many", 1}, "one"},
        SprigCase{"indent", {2, "a\nb"}, "  a\n  b"},
        SprigCase{"nindent", {2, "a\nb"}, "\n  a\n  b"},
        SprigCase{"trim", {"  a b \n"}, "a b"},
        SprigCase{"trimPrefix", {"-", "--a-"}, "-a-"},
        SprigCase{"trimSuffix", {"-", "--a--"}, "--a-"},
        SprigCase{"contains", {"b", "abc"}, "true"},
        SprigCase{"hasPrefix", {"ab", "abc"}, "true"},
        SprigCase{"hasSuffix", {"ab", "abc"}, "false"},
        SprigCase{"repeat", {3, "ab"}, "ababab"}));
// clang-format on

TEST(SprigStringsTest, WrapBreaksAtTheLastSpaceWithinWidth) {
  // helm: {{ wrap 5 "Hello World abcdefghij klm" | toJson }}
  EXPECT_EQ(CallSprig("wrap", {5, "Hello World abcdefghij klm"}), "Hello\nWorld\nabcdefghij\nklm");
}

TEST(SprigStringsTest, ShuffleKeepsTheRunes) {
  std::string got = CallSprig("shuffle", {"aabbc"}).get<std::string>();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, "aabbc");
}

}  // namespace
}  // namespace gpuext::helm::testing
