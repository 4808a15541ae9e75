// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "sprig_case.h"

namespace gpuext::helm::testing {
namespace {

using nlohmann::json;

class SprigRegexTest : public ::testing::TestWithParam<SprigCase> {};
TEST_P(SprigRegexTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

// helm: every expectation below was printed by Helm v4.1.4 for the same call.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigRegexTest, ::testing::Values(
        SprigCase{"regexMatch", {"^[a-z]+$", "abc"}, "true"},
        SprigCase{"regexMatch", {"(", "abc"}, "false"},  // compile error dropped
        Fails("mustRegexMatch", {"(", "abc"}, "error parsing regexp: missing closing ): `(`"),
        SprigCase{"regexFindAll", {"a*", "baaab", -1}, "[ aaa ]"},
        SprigCase{"regexFindAll", {"[0-9]+", "a1b22c333", 2}, "[1 22]"},
        SprigCase{"regexFind", {"[0-9]+", "a1b22"}, "1"},
        SprigCase{"regexReplaceAll", {"a(x*)b", "-ab-axxb-", "${1}W"}, "-W-xxW-"},
        SprigCase{"regexReplaceAll", {"a(x*)b", "-ab-axxb-", "$1W"}, "---"},
        SprigCase{"regexReplaceAll", {"(?P<first>\\w+) (?P<last>\\w+)", "John Smith", "$last, $first"}, "Smith, John"},
        SprigCase{"regexReplaceAll", {"a*", "baaac", "-"}, "-b-c-"},
        SprigCase{"regexReplaceAll", {"x", "axb", "$$ $ ${ $2"}, "a$ $ ${ b"},
        SprigCase{"regexReplaceAllLiteral", {"a(x*)b", "-ab-axxb-", "${1}"}, "-${1}-${1}-"},
        SprigCase{"regexSplit", {"z+", "pizza", -1}, "[pi a]"},
        SprigCase{"regexSplit", {"", "abc", -1}, "[a b c]"},
        SprigCase{"regexSplit", {"a", "", -1}, "[]"},
        SprigCase{"regexSplit", {"z+", "pizzazz", 2}, "[pi azz]"},
        SprigCase{"regexQuoteMeta", {"1.2+[x]"}, "1\\.2\\+\\[x\\]"}));
// clang-format on

}  // namespace
}  // namespace gpuext::helm::testing
