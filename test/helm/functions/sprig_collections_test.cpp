// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "sprig_case.h"

namespace gpuext::helm::testing {
namespace {

using nlohmann::json;

class SprigListsTest : public ::testing::TestWithParam<SprigCase> {};
TEST_P(SprigListsTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

constexpr const char* kNilDeref =
    "runtime error: invalid memory address or nil pointer dereference";

// helm: every expectation below was printed by Helm v4.1.4 for the same call.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigListsTest, ::testing::Values(
        Fails("first", {nullptr}, kNilDeref),
        Fails("first", {"abc"}, "Cannot find first on type string"),
        Fails("mustFirst", {"abc"}, "Cannot find first on type string"),
        SprigCase{"first", {L({})}, ""},
        SprigCase{"first", {L({1, 2})}, "1"},
        SprigCase{"last", {L({1, 2})}, "2"},
        SprigCase{"rest", {L({})}, "[]"},
        SprigCase{"rest", {L({1, 2, 3})}, "[2 3]"},
        Fails("concat", {L({1}), 2}, "Cannot concat type int as list"),
        Fails("concat", {L({1}), nullptr, L({2})}, kNilDeref),
        SprigCase{"concat", {L({1}), L({2, 3})}, "[1 2 3]"},
        SprigCase{"has", {1, L({1.0})}, "false"},
        SprigCase{"has", {1, nullptr}, "false"},
        SprigCase{"has", {"a", L({"b", "a"})}, "true"},
        SprigCase{"uniq", {L({1, 1.0, "1", 1})}, "[1 1 1]"},
        SprigCase{"compact", {L({0, "", nullptr, false, 1, L({}), json::object()})}, "[1]"},
        SprigCase{"compact", {L({"a", "", "b"})}, "[a b]"},
        SprigCase{"chunk", {2, L({1, 2, 3})}, "[[1 2] [3]]"},
        SprigCase{"until", {-3}, "[0 -1 -2]"},
        SprigCase{"until", {3}, "[0 1 2]"},
        SprigCase{"untilStep", {0, 10, 3}, "[0 3 6 9]"},
        SprigCase{"untilStep", {5, 0, -2}, "[5 3 1]"},
        SprigCase{"seq", {5}, "1 2 3 4 5"},
        SprigCase{"seq", {-2}, "1 0 -1 -2"},
        SprigCase{"seq", {1, 2, 8}, "1 3 5 7"},
        SprigCase{"seq", {8, -3, 1}, "8 5 2"},
        SprigCase{"seq", {8, 3, 1}, ""},
        SprigCase{"append", {L({1}), 2}, "[1 2]"},
        SprigCase{"prepend", {L({1}), 2}, "[2 1]"},
        SprigCase{"without", {L({1, 2, 3, 1}), 1, 3}, "[2]"},
        SprigCase{"initial", {L({1, 2, 3})}, "[1 2]"},
        SprigCase{"reverse", {L({1, 2, 3})}, "[3 2 1]"},
        Fails("push", {"a", 1}, "Cannot push on type string"),
        SprigCase{"list", {1, "a", nullptr}, "[1 a <nil>]"}));
// clang-format on

class SprigDictsTest : public ::testing::TestWithParam<SprigCase> {};
TEST_P(SprigDictsTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

// helm: every expectation below was printed by Helm v4.1.4 for the same call.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigDictsTest, ::testing::Values(
        SprigCase{"dict", {"a", 1, "b"}, "map[a:1 b:]"},
        SprigCase{"dict", {1, 2}, "map[1:2]"},
        SprigCase{"get", {json{{"a", 1}}, "b"}, ""},
        SprigCase{"get", {json{{"a", 1}}, "a"}, "1"},
        SprigCase{"pluck", {"a", json{{"a", 1}}, json{{"b", 2}}, json{{"a", 3}}}, "[1 3]"},
        SprigCase{"pick", {json{{"a", 1}, {"b", 2}, {"c", 3}}, "a", "c", "z"}, "map[a:1 c:3]"},
        SprigCase{"omit", {json{{"a", 1}, {"b", 2}, {"c", 3}}, "a"}, "map[b:2 c:3]"},
        SprigCase{"dig", {"a", "b", "def", json{{"a", {{"b", 1}}}}}, "1"},
        SprigCase{"dig", {"a", "x", "def", json{{"a", {{"b", 1}}}}}, "def"},
        Fails("dig", {"a", "b", "def", json{{"a", 1}}}, "interface conversion: interface {} is int, not map[string]interface {}"),
        // merge fills keys that are missing or empty in the destination (false, 0 included).
        SprigCase{"merge", {json{{"a", false}, {"b", 0}, {"c", "x"}, {"l", L({1})}}, json{{"a", true}, {"b", 5}, {"c", "y"}, {"l", L({2})}, {"d", 4}}}, "map[a:true b:5 c:x d:4 l:[1]]"},
        // mergeOverwrite takes every source value, empty ones included.
        SprigCase{"mergeOverwrite", {json{{"a", 1}, {"b", "x"}, {"c", 3}, {"l", L({1})}}, json{{"a", 0}, {"b", ""}, {"c", nullptr}, {"l", L({})}}}, "map[a:0 b: c:<nil> l:[]]"},
        SprigCase{"mergeOverwrite", {json{{"a", {{"x", 1}, {"y", 2}}}}, json{{"a", {{"y", 3}}}}}, "map[a:map[x:1 y:3]]"},
        SprigCase{"merge", {json{{"a", {{"x", 1}}}}, json{{"a", "str"}}}, "map[a:map[x:1]]"},
        SprigCase{"mergeOverwrite", {json{{"a", {{"x", 1}}}}, json{{"a", "str"}}}, "map[a:str]"},
        SprigCase{"mergeOverwrite", {json{{"a", "str"}}, json{{"a", {{"x", 1}}}}}, "map[a:map[x:1]]"},
        SprigCase{"merge", {json{{"a", nullptr}}, json{{"a", 1}}}, "map[a:1]"},
        SprigCase{"set", {json{{"a", 1}}, "b", 2}, "map[a:1 b:2]"},
        SprigCase{"unset", {json{{"a", 1}}, "a"}, "map[]"},
        SprigCase{"hasKey", {json{{"a", nullptr}}, "a"}, "true"},
        SprigCase{"hasKey", {json{{"a", nullptr}}, "b"}, "false"},
        // Helm prints [2 1] or [1 2] (map order); we answer in key order.
        SprigCase{"values", {json{{"b", 1}, {"a", 2}}}, "[2 1]"},
        // A nil map reads as empty; writing to it fails as in Go.
        SprigCase{"hasKey", {nullptr, "a"}, "false"},
        SprigCase{"get", {nullptr, "a"}, ""},
        SprigCase{"keys", {nullptr}, "[]"},
        Fails("set", {nullptr, "a", 1}, "assignment to entry in nil map"),
        SprigCase{"merge", {nullptr, json{{"a", 1}}}, "map[a:1]"},
        SprigCase{"merge", {json{{"a", 1}}, nullptr}, "map[a:1]"},
        SprigCase{"pluck", {"a", nullptr}, "[]"},
        Fails("dig", {"a", "d", nullptr}, "interface conversion: interface {} is nil, not map[string]interface {}"),
        SprigCase{"pick", {nullptr, "a"}, "map[]"},
        SprigCase{"omit", {nullptr, "a"}, "map[]"},
        SprigCase{"values", {nullptr}, "[]"},
        SprigCase{"join", {",", nullptr}, ""},
        SprigCase{"add", {}, "0"},
        SprigCase{"regexFindAll", {"a", "aaa", 0}, "[]"},
        SprigCase{"deepCopy", {json{{"a", L({1})}}}, "map[a:[1]]"}));
// clang-format on

TEST(SprigDictsTest, KeysListsEveryDictsKeysDuplicatesIncluded) {
  // helm: keys (dict "b" 1 "a" 2) (dict "a" 3) printed [b a a]; Go's map order is random,
  // so only the multiset is comparable; ours is sorted per dict.
  EXPECT_EQ(CallSprig("keys", {json{{"b", 1}, {"a", 2}}, json{{"a", 3}}}), L({"a", "b", "a"}));
}

TEST(SprigDictsTest, MergeLeavesItsArgumentsUnchanged) {
  const json dst = {{"a", {{"x", 1}}}};
  const json src = {{"a", {{"y", 2}}}};
  std::vector<json> args{dst, src};
  EXPECT_EQ(CallSprig("merge", args), json({{"a", {{"x", 1}, {"y", 2}}}}));
  EXPECT_EQ(args[0], dst);
}

}  // namespace
}  // namespace gpuext::helm::testing
