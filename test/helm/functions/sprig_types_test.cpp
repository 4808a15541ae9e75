// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "sprig_case.h"

namespace gpuext::helm::testing {
namespace {

using nlohmann::json;

class SprigTypesTest : public ::testing::TestWithParam<SprigCase> {};
TEST_P(SprigTypesTest, PrintsWhatHelmPrints) { ExpectCase(GetParam()); }

// helm: every expectation below was printed by Helm v4.1.4 for the same call.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, SprigTypesTest, ::testing::Values(
        SprigCase{"typeOf", {json::object()}, "map[string]interface {}"},
        SprigCase{"typeOf", {L({})}, "[]interface {}"},
        SprigCase{"typeOf", {nullptr}, "<nil>"},
        SprigCase{"typeOf", {2.7}, "float64"},
        SprigCase{"typeOf", {1}, "int"},
        SprigCase{"kindOf", {nullptr}, "invalid"},
        SprigCase{"kindOf", {L({})}, "slice"},
        SprigCase{"kindIs", {"map", json::object()}, "true"},
        SprigCase{"typeIsLike", {"int", 1}, "true"},
        SprigCase{"typeIs", {"float64", 1}, "false"},
        SprigCase{"deepEqual", {L({1}), L({1.0})}, "false"},
        SprigCase{"deepEqual", {json{{"a", L({"x"})}}, json{{"a", L({"x"})}}}, "true"},
        SprigCase{"default", {"d", ""}, "d"},
        SprigCase{"default", {"d", 0}, "d"},
        SprigCase{"default", {"d", 2.7}, "2.7"},
        SprigCase{"default", {"d", L({})}, "d"},
        SprigCase{"default", {"d", false}, "d"},
        SprigCase{"default", {"d"}, "d"},
        SprigCase{"coalesce", {nullptr, "", 0, "x"}, "x"},
        SprigCase{"coalesce", {nullptr, ""}, ""},
        SprigCase{"empty", {0.0}, "true"},
        SprigCase{"all", {1, "a", L({1})}, "true"},
        SprigCase{"any", {0, "", nullptr}, "false"},
        SprigCase{"ternary", {"a", "b", true}, "a"},
        Fails("ternary", {"a", "b", 1}, "wrong type for value; expected bool; got int")));
// clang-format on

}  // namespace
}  // namespace gpuext::helm::testing
