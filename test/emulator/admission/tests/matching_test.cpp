// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Which webhooks kube-apiserver calls: rules, matchPolicy, scope, namespaceSelector and
// objectSelector, decided without any server.

#include "gpuext/emulator/admission/internal/matching.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gpuext::emulator::admission::internal {
namespace {

using nlohmann::json;

Attributes Pod(const std::string& operation, const std::string& subresource = "") {
  return {.operation = operation,
          .version = "v1",
          .resource = "pods",
          .subresource = subresource,
          .kind_version = "v1",
          .kind = "Pod",
          .ns = "default",
          .name = "p"};
}

Attributes Namespace(const std::string& operation) {
  return {.operation = operation,
          .version = "v1",
          .resource = "namespaces",
          .kind_version = "v1",
          .kind = "Namespace",
          .ns = operation == "CREATE" ? "" : "team",
          .name = "team",
          .namespaced = false};
}

Attributes Node() {
  return {.operation = "CREATE",
          .version = "v1",
          .resource = "nodes",
          .kind_version = "v1",
          .kind = "Node",
          .name = "n",
          .namespaced = false};
}

json Rule(json operations, json resources, const std::string& scope = "*", json versions = {"v1"}) {
  return {{"operations", std::move(operations)},
          {"apiGroups", {""}},
          {"apiVersions", std::move(versions)},
          {"resources", std::move(resources)},
          {"scope", scope}};
}

TEST(RuleMatchesTest, FollowsRulesMatcher) {
  struct Case {
    std::string name;
    json rule;
    Attributes a;
    bool want;
  };
  const std::vector<Case> cases = {
      {"exact", Rule({"CREATE"}, {"pods"}), Pod("CREATE"), true},
      {"other operation", Rule({"UPDATE"}, {"pods"}), Pod("CREATE"), false},
      {"operation wildcard", Rule({"*"}, {"pods"}), Pod("DELETE"), true},
      {"resource wildcard", Rule({"*"}, {"*"}), Pod("CREATE"), true},
      {"resource wildcard skips subresources", Rule({"*"}, {"*"}), Pod("UPDATE", "status"), false},
      {"all subresources", Rule({"*"}, {"*/*"}), Pod("UPDATE", "status"), true},
      {"named subresource", Rule({"*"}, {"pods/status"}), Pod("UPDATE", "status"), true},
      {"named subresource is not the main resource", Rule({"*"}, {"pods/status"}), Pod("UPDATE"),
       false},
      {"main resource is not a subresource", Rule({"*"}, {"pods"}), Pod("UPDATE", "status"), false},
      {"any subresource of pods", Rule({"*"}, {"pods/*"}), Pod("UPDATE", "exec"), true},
      {"other version", Rule({"*"}, {"pods"}, "*", {"v2"}), Pod("CREATE"), false},
      {"version wildcard", Rule({"*"}, {"pods"}, "*", {"*"}), Pod("CREATE"), true},
      {"Namespaced scope, namespaced object", Rule({"*"}, {"pods"}, "Namespaced"), Pod("CREATE"),
       true},
      {"Cluster scope, namespaced object", Rule({"*"}, {"pods"}, "Cluster"), Pod("CREATE"), false},
      {"Cluster scope, node", Rule({"*"}, {"nodes"}, "Cluster"), Node(), true},
      {"Namespaced scope, node", Rule({"*"}, {"nodes"}, "Namespaced"), Node(), false},
      {"Namespace object is cluster-scoped", Rule({"*"}, {"namespaces"}, "Cluster"),
       Namespace("UPDATE"), true},
      {"Namespace object is not namespaced", Rule({"*"}, {"namespaces"}, "Namespaced"),
       Namespace("UPDATE"), false},
      {"unknown scope", Rule({"*"}, {"pods"}, "Galaxy"), Pod("CREATE"), false},
      {"no apiGroups", {{"operations", {"*"}}, {"resources", {"*"}}}, Pod("CREATE"), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(RuleMatches(c.rule, c.a), c.want);
  }
}

TEST(RulesMatchTest, EquivalentMatchPolicyAcceptsOtherVersions) {
  struct Case {
    std::string name;
    json webhook;
    bool want;
  };
  const json v2_rule = json::array({Rule({"CREATE"}, {"pods"}, "*", {"v2"})});
  const std::vector<Case> cases = {
      {"default is Equivalent", {{"rules", v2_rule}}, true},
      {"Equivalent", {{"rules", v2_rule}, {"matchPolicy", "Equivalent"}}, true},
      {"Exact", {{"rules", v2_rule}, {"matchPolicy", "Exact"}}, false},
      {"no rules", {{"matchPolicy", "Equivalent"}}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(RulesMatch(c.webhook, Pod("CREATE")), c.want);
  }
}

TEST(ShouldCallTest, AppliesSelectorsLikeKubeApiserver) {
  const json ns_labels = {{"gpu", "on"}};
  Environment env{.get_namespace = [&](const std::string& name) -> std::optional<json> {
    if (name == "default" || name == "team") {
      return json{{"metadata", {{"name", name}, {"labels", ns_labels}}}};
    }
    return std::nullopt;
  }};
  const json old_labelled = {{"metadata", {{"labels", {{"app", "train"}}}}}};
  const json any_rule = json::array({Rule({"*"}, {"*"})});
  const json gpu_ns = {{"matchLabels", {{"gpu", "on"}}}};
  const json cpu_ns = {{"matchLabels", {{"gpu", "off"}}}};
  const json train = {{"matchLabels", {{"app", "train"}}}};
  struct Case {
    std::string name;
    json webhook;
    Attributes a;
    json object;
    bool want_call;
    int want_denial_code;  // 0: none
  };
  Attributes update = Pod("UPDATE");
  update.old_object = &old_labelled;
  Attributes ghost = Pod("CREATE");
  ghost.ns = "ghost";
  const json team_off = {{"metadata", {{"labels", {{"gpu", "off"}}}}}};
  const std::vector<Case> cases = {
      {"namespace labels match",
       {{"rules", any_rule}, {"namespaceSelector", gpu_ns}},
       Pod("CREATE"),
       json::object(),
       true,
       0},
      {"namespace labels differ",
       {{"rules", any_rule}, {"namespaceSelector", cpu_ns}},
       Pod("CREATE"),
       json::object(),
       false,
       0},
      {"cluster-scoped objects ignore namespaceSelector",
       {{"rules", any_rule}, {"namespaceSelector", cpu_ns}},
       Node(),
       json::object(),
       true,
       0},
      {"new Namespace is judged by its own labels",
       {{"rules", any_rule}, {"namespaceSelector", cpu_ns}},
       Namespace("CREATE"),
       team_off,
       true,
       0},
      {"deleted Namespace is judged by the stored one",
       {{"rules", any_rule}, {"namespaceSelector", cpu_ns}},
       Namespace("DELETE"),
       nullptr,
       false,
       0},
      {"missing namespace is NotFound",
       {{"rules", any_rule}, {"namespaceSelector", gpu_ns}},
       ghost,
       json::object(),
       false,
       404},
      {"missing namespace does not matter when rules do not match",
       {{"rules", json::array()}, {"namespaceSelector", gpu_ns}},
       ghost,
       json::object(),
       false,
       0},
      {"object labels match",
       {{"rules", any_rule}, {"objectSelector", train}},
       Pod("CREATE"),
       old_labelled,
       true,
       0},
      {"object labels differ",
       {{"rules", any_rule}, {"objectSelector", train}},
       Pod("CREATE"),
       json::object(),
       false,
       0},
      {"old object labels match",
       {{"rules", any_rule}, {"objectSelector", train}},
       update,
       json::object(),
       true,
       0},
      {"bad selector is an internal error",
       {{"rules", any_rule},
        {"objectSelector", {{"matchExpressions", {{{"key", "a"}, {"operator", "Near"}}}}}}},
       Pod("CREATE"),
       json::object(),
       false,
       500},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Decision d = ShouldCall(c.webhook, c.a, c.object, env);
    EXPECT_EQ(d.call, c.want_call);
    EXPECT_EQ(d.denial ? d.denial->code : 0, c.want_denial_code);
  }
}

TEST(IsExemptConfigurationResourceTest, ExemptsAdmissionConfigurationKinds) {
  Attributes a = Node();
  a.kind_group = "admissionregistration.k8s.io";
  a.kind = "ValidatingWebhookConfiguration";
  EXPECT_TRUE(IsExemptConfigurationResource(a));
  a.kind = "MutatingAdmissionPolicyBinding";
  EXPECT_TRUE(IsExemptConfigurationResource(a));
  a.kind_group = "";
  EXPECT_FALSE(IsExemptConfigurationResource(a));
}

}  // namespace
}  // namespace gpuext::emulator::admission::internal
