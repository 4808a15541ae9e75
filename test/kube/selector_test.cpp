// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/selector.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
using Op = LabelRequirement::Operator;

// Kubernetes' texts, spelled out here rather than taken from the code under test.
constexpr const char* kNameRegexError =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
constexpr const char* kValueRegexError =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

constexpr const char* kPrefixRegexError =
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
    "'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const json kLabels = {{"app", "nfd"}, {"tier", "gpu"}, {"empty", ""}, {"example.com/zone", "a"}};

TEST(LabelSelectorTest, ParsesAndMatchesLikeKubernetes) {
  struct Case {
    std::string name;
    std::string selector;
    json labels;
    bool want;
  };
  const std::vector<Case> cases = {
      {"empty selector matches everything", "", kLabels, true},
      {"only whitespace matches everything", " \t\r\n", kLabels, true},
      {"empty selector matches null labels", "", nullptr, true},
      {"equals", "app=nfd", kLabels, true},
      {"equals other value", "app=other", kLabels, false},
      {"double equals", "app==nfd", kLabels, true},
      {"not equals other value", "app!=other", kLabels, true},
      {"not equals same value", "app!=nfd", kLabels, false},
      {"not equals matches an absent key", "missing!=x", kLabels, true},
      {"equals needs the key", "missing=x", kLabels, false},
      {"empty value equals an empty label", "empty=", kLabels, true},
      {"empty value does not match an absent key", "missing=", kLabels, false},
      {"in", "tier in (cpu,gpu)", kLabels, true},
      {"in without the value", "tier in (cpu,tpu)", kLabels, false},
      {"in needs the key", "missing in (a)", kLabels, false},
      {"notin with the value", "tier notin (gpu)", kLabels, false},
      {"notin without the value", "tier notin (cpu)", kLabels, true},
      {"notin matches an absent key", "missing notin (a)", kLabels, true},
      {"empty parens are the empty value", "empty in ()", kLabels, true},
      {"leading comma adds the empty value", "empty in (,x)", kLabels, true},
      {"double comma adds the empty value", "empty in (x,,y)", kLabels, true},
      {"no empty value without empty entries", "empty in (x,y)", kLabels, false},
      {"exists", "app", kLabels, true},
      {"exists absent", "missing", kLabels, false},
      {"does not exist", "!missing", kLabels, true},
      {"does not exist present", "!app", kLabels, false},
      {"prefixed key", "example.com/zone=a", kLabels, true},
      {"all requirements must hold", "app=nfd,tier in (gpu),!legacy", kLabels, true},
      {"one failing requirement fails all", "app=nfd,tier in (cpu)", kLabels, false},
      {"whitespace around everything", "  app = nfd ,\ttier  in  ( cpu , gpu ) , ! legacy ",
       kLabels, true},
      {"no whitespace needed around in", "tier in(gpu)", kLabels, true},
      {"'in' is a value inside parens", "in in (in, notin)", json{{"in", "notin"}}, true},
      {"'notin' is a value after =", "a=notin", json{{"a", "notin"}}, true},
      {"null labels have no keys", "!app,x notin (y)", nullptr, true},
      {"null labels fail exists", "app", nullptr, false},
      {"a non-string label value equals no value", "app=1", json{{"app", 1}}, false},
      {"a non-string label value still exists", "app", json{{"app", 1}}, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name + ": " + c.selector);
    const LabelSelector selector = LabelSelector::Parse(c.selector);
    EXPECT_EQ(selector.Matches(c.labels), c.want);
  }
}

TEST(LabelSelectorTest, ToStringIsCanonicalAndSortedByKey) {
  struct Case {
    std::string selector;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"b=1,a=2", "a=2,b=1"},
      {"a==b", "a=b"},
      {"a!=", "a!="},
      {" z notin ( c , a , a ) ,!y, x", "x,!y,z notin (a,c)"},
      {"a in ()", "a in ()"},
      {"a in (b,,c)", "a in (,b,c)"},
      {"a in (b,)", "a in (,b)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.selector);
    const std::string canonical = LabelSelector::Parse(c.selector).ToString();
    EXPECT_EQ(canonical, c.want);
    EXPECT_EQ(LabelSelector::Parse(canonical).ToString(), canonical) << "not a fixed point";
  }
}

TEST(LabelSelectorTest, ExposesSortedDedupedRequirements) {
  const LabelSelector selector = LabelSelector::Parse("tier in (b,a,b),!legacy,app");
  const std::vector<LabelRequirement>& requirements = selector.requirements();
  ASSERT_EQ(requirements.size(), 3u);
  EXPECT_EQ(requirements[0].key, "app");
  EXPECT_EQ(requirements[0].op, Op::kExists);
  EXPECT_TRUE(requirements[0].values.empty());
  EXPECT_EQ(requirements[1].key, "legacy");
  EXPECT_EQ(requirements[1].op, Op::kDoesNotExist);
  EXPECT_EQ(requirements[2].key, "tier");
  EXPECT_EQ(requirements[2].op, Op::kIn);
  EXPECT_THAT(requirements[2].values, ElementsAre("a", "b"));
  EXPECT_FALSE(selector.Empty());
  EXPECT_TRUE(LabelSelector::Parse("").Empty());
  EXPECT_TRUE(LabelSelector().Matches(kLabels));
}

TEST(LabelSelectorTest, RejectsInvalidSelectorsWithKubernetesMessages) {
  struct Case {
    std::string selector;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"a=b c", "at position 4: found 'c', expected: ',' or 'end of string'"},
      {"a,", "at position 2: found '', expected: identifier after ','"},
      {",a", "at position 0: found ',', expected: !, identifier, or 'end of string'"},
      {"=a", "at position 0: found '=', expected: !, identifier, or 'end of string'"},
      {"a b",
       "at position 2: unable to parse requirement: found 'b', expected: in, notin, =, ==, !="},
      {"!", "at position 1: unable to parse requirement: found '', expected: identifier"},
      {"!a=b", "at position 2: found '=', expected: ',' or 'end of string'"},
      {"a in", "at position 4: unable to parse requirement: found '' expected: '('"},
      {"a in (b", "at position 7: unable to parse requirement: found '', expected: ',' or ')'"},
      {"a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"},
      {"a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"},
      {"a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier"},
      {"a=(b)", "unable to parse requirement: found '(', expected: identifier"},
      {"a=b=c", "found '=', expected: ',' or 'end of string'"},
      {"a>1", "unable to parse requirement: operator '>' (gt, lt) is not supported"},
      {"a<1", "unable to parse requirement: operator '<' (gt, lt) is not supported"},
      {"-a=b",
       std::string("unable to parse requirement: key: Invalid value: \"-a\": ") + kNameRegexError},
      {"A.com/b", "key: Invalid value: \"A.com/b\": prefix part a lowercase RFC 1123 subdomain"},
      {"a=-b", std::string("at position 0: unable to parse requirement: values[0][a]: Invalid "
                           "value: \"-b\": ") +
                   kValueRegexError},
      {"a in (z-,-y)",
       "unable to parse requirement: [values[0][a]: Invalid value: \"-y\": a valid label must be "
       "an empty string"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.selector);
    EXPECT_THAT([&] { (void)LabelSelector::Parse(c.selector); },
                ThrowsMessage<Error>(HasSubstr(c.want)));
  }
}

TEST(LabelSelectorTest, ErrorNamesSelectorAndHasInvalidArgumentCode) {
  try {
    (void)LabelSelector::Parse("app=nfd,");
    FAIL() << "Parse accepted a trailing comma";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_STREQ(e.what(),
                 "invalid label selector \"app=nfd,\" at position 8: found '', expected: "
                 "identifier after ','");
  }
}

TEST(LabelSelectorTest, FromJsonBuildsRequirements) {
  struct Case {
    std::string name;
    json selector;
    std::string want_string;
    json labels;
    bool want_match;
  };
  const std::vector<Case> cases = {
      {"null matches everything", nullptr, "", kLabels, true},
      {"empty object matches everything", json::object(), "", kLabels, true},
      {"empty parts match everything",
       {{"matchLabels", json::object()}, {"matchExpressions", json::array()}},
       "",
       kLabels,
       true},
      {"matchLabels",
       {{"matchLabels", {{"tier", "gpu"}, {"app", "nfd"}}}},
       "app=nfd,tier=gpu",
       kLabels,
       true},
      {"matchLabels mismatch", {{"matchLabels", {{"app", "other"}}}}, "app=other", kLabels, false},
      {"In",
       {{"matchExpressions", {{{"key", "tier"}, {"operator", "In"}, {"values", {"gpu", "cpu"}}}}}},
       "tier in (cpu,gpu)",
       kLabels,
       true},
      {"NotIn",
       {{"matchExpressions", {{{"key", "tier"}, {"operator", "NotIn"}, {"values", {"gpu"}}}}}},
       "tier notin (gpu)",
       kLabels,
       false},
      {"Exists",
       {{"matchExpressions", {{{"key", "app"}, {"operator", "Exists"}}}}},
       "app",
       kLabels,
       true},
      {"DoesNotExist with null values",
       {{"matchExpressions",
         {{{"key", "legacy"}, {"operator", "DoesNotExist"}, {"values", nullptr}}}}},
       "!legacy",
       kLabels,
       true},
      {"both parts, sorted by key",
       {{"matchLabels", {{"tier", "gpu"}}},
        {"matchExpressions", {{{"key", "app"}, {"operator", "Exists"}}}}},
       "app,tier=gpu",
       kLabels,
       true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const LabelSelector selector = LabelSelector::FromJson(c.selector);
    EXPECT_EQ(selector.ToString(), c.want_string);
    EXPECT_EQ(selector.Matches(c.labels), c.want_match);
  }
}

TEST(LabelSelectorTest, FromJsonReportsEveryFieldError) {
  struct Case {
    std::string name;
    json selector;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"not an object", json::array(), "invalid label selector: must be an object, not array"},
      {"unknown operator",
       {{"matchExpressions", {{{"key", "a"}, {"operator", "Gt"}, {"values", {"1"}}}}}},
       "matchExpressions[0].operator: Unsupported value: \"Gt\": supported values: \"In\", "
       "\"NotIn\", \"Exists\", \"DoesNotExist\""},
      {"In without values",
       {{"matchExpressions", {{{"key", "a"}, {"operator", "In"}}}}},
       "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or "
       "'NotIn'"},
      {"Exists with values",
       {{"matchExpressions", {{{"key", "a"}, {"operator", "Exists"}, {"values", {"x"}}}}}},
       "matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' "
       "or 'DoesNotExist'"},
      {"bad key",
       {{"matchExpressions", {{{"key", "a b"}, {"operator", "Exists"}}}}},
       "matchExpressions[0].key: Invalid value: \"a b\": name part must consist of"},
      {"missing key",
       {{"matchExpressions", {{{"operator", "Exists"}}}}},
       "matchExpressions[0].key: Required value"},
      {"non-string matchLabels value",
       {{"matchLabels", {{"a", 1}}}},
       "matchLabels[a]: Invalid value: \"number\": must be a string"},
      {"bad matchLabels value",
       {{"matchLabels", {{"a", "b c"}}}},
       "matchLabels[a]: Invalid value: \"b c\": a valid label must be"},
      {"all errors at once",
       {{"matchLabels", {{"-a", "b"}}},
        {"matchExpressions", {{{"key", "c"}, {"operator", "Foo"}}}}},
       "invalid label selector: [matchLabels: Invalid value: \"-a\": name part must consist of"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT([&] { (void)LabelSelector::FromJson(c.selector); },
                ThrowsMessage<Error>(HasSubstr(c.want)));
  }
}

TEST(LabelValidationTest, ValidatesKeysLikeKubernetes) {
  struct Case {
    std::string key;
    std::string want;  // empty: valid
  };
  const std::string name_empty = "name part must be non-empty";
  const std::vector<Case> cases = {
      {"app", ""},
      {"a", ""},
      {"A_b.c-D", ""},
      {"example.com/app", ""},
      {"a-b.example.com/My_Name", ""},
      {std::string(63, 'a'), ""},
      {std::string(64, 'a'), "name part must be no more than 63 bytes"},
      {"", name_empty + "; " + kNameRegexError},
      {"example.com/", name_empty + "; " + kNameRegexError},
      {"/app", "prefix part must be non-empty"},
      {"-app", kNameRegexError},
      {"app.", kNameRegexError},
      {"a b", kNameRegexError},
      {"Example.com/app", kPrefixRegexError},
      {"a..b/app", kPrefixRegexError},
      {".a/app", kPrefixRegexError},
      {"a-/app", kPrefixRegexError},
      {std::string(253, 'a') + "/app", ""},  // Kubernetes does not limit a label to 63 here
      {std::string(254, 'a') + "/app", "prefix part must be no more than 253 bytes"},
      {"a-b.c/app", ""},
      {"a/b/c",
       "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must "
       "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
       "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with "
       "an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    EXPECT_EQ(ValidateLabelKey(c.key), c.want);
  }
}

TEST(LabelValidationTest, ValidatesValuesLikeKubernetes) {
  struct Case {
    std::string value;
    std::string want;  // empty: valid
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"gpu", ""},
      {"1.2_3-A", ""},
      {std::string(63, 'v'), ""},
      {std::string(64, 'v'), "must be no more than 63 bytes"},
      {"-v", kValueRegexError},
      {"a/b", kValueRegexError},
      {std::string(64, '-'), std::string("must be no more than 63 bytes; ") + kValueRegexError},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(ValidateLabelValue(c.value), c.want);
  }
}

TEST(FieldSelectorTest, ParsesAndMatchesLikeKubernetes) {
  const json pod = {
      {"metadata", {{"name", "foo"}, {"namespace", "kube-system"}}},
      {"spec", {{"nodeName", "node-1"}, {"hostNetwork", true}, {"priority", 3}}},
      {"status", {{"phase", "Running"}, {"message", "a,b=c\\d"}}},
  };
  struct Case {
    std::string name;
    std::string selector;
    bool want;
  };
  const std::vector<Case> cases = {
      {"empty selector", "", true},
      {"only commas", ",,", true},
      {"equals", "metadata.name=foo", true},
      {"double equals", "metadata.name==foo", true},
      {"equals other", "metadata.name=bar", false},
      {"not equals", "status.phase!=Pending", true},
      {"not equals same", "status.phase!=Running", false},
      {"absent field compares as empty", "spec.schedulerName=", true},
      {"not equals empty on a set field", "spec.nodeName!=", true},
      {"not equals empty on an absent field", "spec.schedulerName!=", false},
      {"path through a scalar is absent", "metadata.name.x=", true},
      {"booleans compare as JSON text", "spec.hostNetwork=true", true},
      {"numbers compare as JSON text", "spec.priority=3", true},
      {"escaped value", "status.message=a\\,b\\=c\\\\d", true},
      {"several terms are ANDed", "metadata.name=foo,metadata.namespace=kube-system", true},
      {"one failing term fails all", "metadata.name=foo,metadata.namespace=default", false},
      {"empty terms are skipped", ",metadata.name=foo,,", true},
      {"a term with neither field nor value is dropped", "=,metadata.name=foo", true},
      {"no whitespace trimming", "metadata.name= foo", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name + ": " + c.selector);
    EXPECT_EQ(FieldSelector::Parse(c.selector).Matches(pod), c.want);
  }
}

TEST(FieldSelectorTest, SplitsAtTheFirstOperatorAndSortsTerms) {
  const FieldSelector selector =
      FieldSelector::Parse("status.phase!=Running,metadata.name==a\\,b,a=!x");
  const std::vector<FieldRequirement>& requirements = selector.requirements();
  ASSERT_EQ(requirements.size(), 3u);
  EXPECT_EQ(requirements[0].field, "a");
  EXPECT_TRUE(requirements[0].equals);
  EXPECT_EQ(requirements[0].value, "!x");
  EXPECT_EQ(requirements[1].field, "metadata.name");
  EXPECT_TRUE(requirements[1].equals);
  EXPECT_EQ(requirements[1].value, "a,b");
  EXPECT_EQ(requirements[2].field, "status.phase");
  EXPECT_FALSE(requirements[2].equals);
  EXPECT_EQ(requirements[2].value, "Running");
  EXPECT_TRUE(FieldSelector::Parse("=").Empty());
  EXPECT_TRUE(FieldSelector().Matches(json::object()));
}

TEST(FieldSelectorTest, RejectsInvalidSelectors) {
  struct Case {
    std::string selector;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"metadata.name",
       "invalid field selector \"metadata.name\" at position 0: can't understand "
       "'metadata.name'"},
      {"a=b,c", "at position 4: can't understand 'c'"},
      {"a=b=c", "at position 3: unescaped character in value: ="},
      {"a!==b", "at position 3: unescaped character in value: ="},
      {"a=b\\x", "at position 3: invalid escape sequence: \\x"},
      {"a=b\\\xc3\xa9", "at position 3: invalid escape sequence: \\\xc3\xa9"},
      {"a=b\\", "at position 3: invalid escape sequence: \\"},
      {"a=\\\xf0\x9f\x98\x80", "at position 2: invalid escape sequence: \\\xf0\x9f\x98\x80"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.selector);
    EXPECT_THAT([&] { (void)FieldSelector::Parse(c.selector); },
                ThrowsMessage<Error>(HasSubstr(c.want)));
  }
}

}  // namespace
}  // namespace gpuext::kube
