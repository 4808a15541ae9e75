// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// charts/gardener-extension-gpu as gardenlet renders it, with the real Helm v4.1: lint, the
// objects of DESIGN.md §8.4/§11/§19.2, the component configuration against our own decoder and
// validator, and the packed copy inside example/controller-registration.yaml.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../generate_test_util.h"
#include "gpuext/field_errors.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/yaml_json.h"

namespace gpuext::generate::testing {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr const char* kNamespace = "extension-gpu-x4kq2";

class SeedChartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string missing = gpuext::testing::Tools().Check();
    ASSERT_TRUE(missing.empty()) << missing;
  }

  // `helm template` of `chart` (a directory or .tgz) as gardenlet renders it: release name =
  // ControllerRegistration name, namespace extension-<installation>.
  std::vector<json> Render(const std::string& chart, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"template", "gpu", chart, "--namespace", kNamespace};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = Helm(args, dir_.path());
    EXPECT_EQ(r.exit_code, 0) << "helm template " << chart << " failed: " << r.stderr_text;
    return r.exit_code == 0 ? ParseYamlDocuments(r.stdout_text) : std::vector<json>{};
  }

  static std::optional<json> Find(const std::vector<json>& objects, const std::string& kind,
                                  const std::string& name) {
    for (const json& o : objects) {
      if (o.value("kind", "") == kind && o["metadata"].value("name", "") == name) {
        return o;
      }
    }
    return std::nullopt;
  }

  static json MustFind(const std::vector<json>& objects, const std::string& kind,
                       const std::string& name) {
    auto o = Find(objects, kind, name);
    if (!o) {
      ADD_FAILURE() << "the chart renders no " << kind << " " << name;
      return json::object();
    }
    return *o;
  }

  static json ContainerOf(const json& deployment) {
    return deployment["spec"]["template"]["spec"]["containers"][0];
  }

  static std::vector<std::string> Args(const json& deployment) {
    return ContainerOf(deployment)["args"].get<std::vector<std::string>>();
  }

  // The ControllerConfiguration of the rendered ConfigMap, decoded and validated by the code the
  // extension runs at start-up.
  static gpuruntime::api::Decoded<gpuruntime::api::ControllerConfiguration> DecodeConfig(
      const std::vector<json>& objects) {
    const json cm = MustFind(objects, "ConfigMap", "gardener-extension-gpu-configmap");
    return gpuruntime::api::DecodeControllerConfiguration(
        ParseYaml(cm["data"]["config.yaml"].get<std::string>()));
  }

  gpuext::testing::TempDir dir_;
};

TEST_F(SeedChartTest, HelmLintPassesWithDefaultsAndWithGardenletValues) {
  auto r = Helm({"lint", "--strict", kChart.string()}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  r = Helm({"lint", "--strict", kChart.string(), "-f", kCiValues.string()}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
}

TEST_F(SeedChartTest, RendersEverySeedObjectOfTheDesign) {
  const auto objects = Render(kChart.string(), {"-f", kCiValues.string()});
  std::set<std::string> got;
  for (const json& o : objects) {
    got.insert(o["kind"].get<std::string>() + "/" + o["metadata"]["name"].get<std::string>());
    if (o["kind"] != "ClusterRole" && o["kind"] != "ClusterRoleBinding") {
      EXPECT_EQ(o["metadata"].value("namespace", ""), kNamespace) << o["kind"];
    }
  }
  EXPECT_EQ(got, (std::set<std::string>{
                     "ClusterRole/extensions.gardener.cloud:extension-gpu",
                     "ClusterRoleBinding/extensions.gardener.cloud:extension-gpu",
                     "ConfigMap/gardener-extension-gpu-configmap",
                     "Deployment/gardener-extension-gpu",
                     "PodDisruptionBudget/gardener-extension-gpu",
                     "Role/gardener-extension-gpu",
                     "RoleBinding/gardener-extension-gpu",
                     "Service/gardener-extension-gpu",
                     "Service/gardener-extension-gpu-metrics",
                     "ServiceAccount/gardener-extension-gpu",
                     "VerticalPodAutoscaler/gardener-extension-gpu-vpa",
                 }));
}

TEST_F(SeedChartTest, DeploymentFollowsGardenersSeedConventions) {
  const auto objects = Render(kChart.string(), {"-f", kCiValues.string()});
  const json d = MustFind(objects, "Deployment", "gardener-extension-gpu");
  EXPECT_EQ(d["spec"]["replicas"], 2);
  EXPECT_EQ(d["metadata"]["labels"]["high-availability-config.resources.gardener.cloud/type"],
            "server");
  const json pod = d["spec"]["template"];
  for (const char* label :
       {"networking.gardener.cloud/to-runtime-apiserver", "networking.gardener.cloud/to-dns",
        "networking.resources.gardener.cloud/to-all-shoots-kube-apiserver-tcp-443"}) {
    EXPECT_EQ(pod["metadata"]["labels"][label], "allowed") << label;
  }
  EXPECT_TRUE(pod["metadata"]["annotations"].contains("checksum/configmap"));
  EXPECT_EQ(pod["spec"]["priorityClassName"], "gardener-system-900");
  EXPECT_EQ(pod["spec"]["serviceAccountName"], "gardener-extension-gpu");

  // Pod Security "restricted" (the registration's namespace level).
  EXPECT_EQ(pod["spec"]["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["spec"]["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  const json c = ContainerOf(d);
  EXPECT_EQ(c["securityContext"]["allowPrivilegeEscalation"], false);
  EXPECT_EQ(c["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(c["securityContext"]["capabilities"]["drop"], json::array({"ALL"}));
  for (const json& v : pod["spec"]["volumes"]) {
    EXPECT_TRUE(v.contains("configMap") || v.contains("emptyDir")) << v.dump();
  }

  EXPECT_EQ(c["image"],
            "registry.example.org/gardener-extension-gpu/gardener-extension-gpu:v0.1.0");
  EXPECT_EQ(c["livenessProbe"]["httpGet"],
            json({{"path", "/healthz"}, {"port", 8081}, {"scheme", "HTTP"}}));
  EXPECT_EQ(c["readinessProbe"]["httpGet"],
            json({{"path", "/readyz"}, {"port", 8081}, {"scheme", "HTTP"}}));
  EXPECT_EQ(c["env"], json::parse(R"([{"name": "LEADER_ELECTION_NAMESPACE",
      "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}])"));

  // The cert dir is an emptyDir mounted where --webhook-config-cert-dir points.
  const std::string cert_dir = "/var/run/gardener-extension-gpu/certs";
  EXPECT_THAT(c["volumeMounts"],
              Contains(json({{"name", "webhook-certs"}, {"mountPath", cert_dir}})));
  EXPECT_THAT(pod["spec"]["volumes"],
              Contains(json({{"name", "webhook-certs"}, {"emptyDir", json::object()}})));
}

TEST_F(SeedChartTest, FlagsComeFromValuesAndGardenlet) {
  const auto objects = Render(kChart.string(), {"-f", kCiValues.string()});
  const auto args = Args(MustFind(objects, "Deployment", "gardener-extension-gpu"));
  const std::string ns = kNamespace;
  EXPECT_EQ(args, (std::vector<std::string>{
                      "--config=/etc/gardener-extension-gpu/config.yaml",
                      "--max-concurrent-reconciles=10",
                      "--ignore-operation-annotation=false",
                      "--gardener-version=v1.120.2",
                      "--leader-election=true",
                      "--leader-election-id=gardener-extension-gpu-leader-election",
                      "--heartbeat-namespace=" + ns,
                      "--heartbeat-renew-interval-seconds=30",
                      "--webhook-config-namespace=" + ns,
                      "--webhook-config-service-port=443",
                      "--webhook-config-server-port=10250",
                      "--webhook-config-cert-dir=/var/run/gardener-extension-gpu/certs",
                      "--metrics-bind-address=:8080",
                      "--health-bind-address=:8081",
                      "--log-level=info",
                      "--log-format=json",
                      "--disable-controllers=heartbeat",
                  }));

  // Without gardenlet's values the version flag is left out rather than passed empty.
  const auto plain =
      Args(MustFind(Render(kChart.string()), "Deployment", "gardener-extension-gpu"));
  EXPECT_THAT(plain, Each(Not(HasSubstr("--gardener-version"))));
  EXPECT_THAT(plain, Contains("--max-concurrent-reconciles=5"));
  EXPECT_THAT(plain, Each(Not(HasSubstr("--disable-"))));
}

TEST_F(SeedChartTest, ServicesPdbAndVpa) {
  const auto objects = Render(kChart.string(), {"-f", kCiValues.string()});
  const json svc = MustFind(objects, "Service", "gardener-extension-gpu");
  EXPECT_EQ(
      svc["metadata"]["annotations"]["networking.resources.gardener.cloud/from-world-to-ports"],
      R"([{"protocol":"TCP","port":10250}])");
  EXPECT_EQ(svc["spec"]["ports"], json::parse(R"([{"name": "webhook-server", "protocol": "TCP",
      "port": 443, "targetPort": 10250}])"));
  const json selector = svc["spec"]["selector"];
  const json d = MustFind(objects, "Deployment", "gardener-extension-gpu");
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"], selector);
  for (const auto& [k, v] : selector.items()) {
    EXPECT_EQ(d["spec"]["template"]["metadata"]["labels"][k], v) << k;
  }

  const json metrics = MustFind(objects, "Service", "gardener-extension-gpu-metrics");
  EXPECT_EQ(metrics["spec"]["ports"][0]["port"], 8080);
  EXPECT_EQ(metrics["spec"]["selector"], selector);

  const json pdb = MustFind(objects, "PodDisruptionBudget", "gardener-extension-gpu");
  EXPECT_EQ(pdb["spec"]["maxUnavailable"], 1);
  EXPECT_EQ(pdb["spec"]["selector"]["matchLabels"], selector);

  const json vpa = MustFind(objects, "VerticalPodAutoscaler", "gardener-extension-gpu-vpa");
  EXPECT_EQ(vpa["apiVersion"], "autoscaling.k8s.io/v1");
  EXPECT_EQ(vpa["spec"]["targetRef"]["name"], "gardener-extension-gpu");
  EXPECT_EQ(vpa["spec"]["resourcePolicy"]["containerPolicies"][0]["containerName"],
            "gardener-extension-gpu");

  const auto without_vpa = Render(kChart.string(), {"--set", "vpa.enabled=false"});
  EXPECT_FALSE(Find(without_vpa, "VerticalPodAutoscaler", "gardener-extension-gpu-vpa"));
  EXPECT_TRUE(Find(without_vpa, "Deployment", "gardener-extension-gpu"));
}

// One rule as "group|resource|verb[|name]" strings, so the expectation reads like §19.2.
std::set<std::string> Flatten(const json& rules) {
  std::set<std::string> out;
  for (const json& r : rules) {
    std::vector<std::string> names = r.value("resourceNames", std::vector<std::string>{""});
    for (const auto& g : r["apiGroups"]) {
      for (const auto& res : r["resources"]) {
        for (const auto& v : r["verbs"]) {
          for (const auto& n : names) {
            out.insert(g.get<std::string>() + "|" + res.get<std::string>() + "|" +
                       v.get<std::string>() + (n.empty() ? "" : "|" + n));
          }
        }
      }
    }
  }
  return out;
}

TEST_F(SeedChartTest, RbacIsExactlyTheDesignsRow) {
  const auto objects = Render(kChart.string(), {"-f", kCiValues.string()});
  std::set<std::string> want;
  auto add = [&want](const std::string& group, const std::vector<std::string>& resources,
                     const std::vector<std::string>& verbs, const std::string& name = "") {
    for (const auto& r : resources) {
      for (const auto& v : verbs) {
        want.insert(group + "|" + r + "|" + v + (name.empty() ? "" : "|" + name));
      }
    }
  };
  const std::vector<std::string> crud = {"create", "get",   "list",  "watch",
                                         "update", "patch", "delete"};
  add("extensions.gardener.cloud", {"clusters", "operatingsystemconfigs"},
      {"get", "list", "watch"});
  add("extensions.gardener.cloud",
      {"extensions", "extensions/status", "containerruntimes", "containerruntimes/status"},
      {"get", "list", "watch", "patch", "update"});
  add("resources.gardener.cloud", {"managedresources"}, crud);
  add("", {"secrets"}, crud);
  add("", {"namespaces"}, {"get", "list", "watch"});
  add("", {"events"}, {"create", "patch"});
  add("events.k8s.io", {"events"}, {"create", "patch"});
  add("admissionregistration.k8s.io", {"mutatingwebhookconfigurations"},
      {"create", "get", "list", "watch"});
  add("admissionregistration.k8s.io", {"mutatingwebhookconfigurations"}, {"update", "patch"},
      "gardener-extension-gpu");
  EXPECT_EQ(
      Flatten(MustFind(objects, "ClusterRole", "extensions.gardener.cloud:extension-gpu")["rules"]),
      want);

  std::set<std::string> want_ns;
  want_ns.insert("|configmaps|get");
  want_ns.insert("|configmaps|list");
  want_ns.insert("|configmaps|watch");
  want_ns.insert("coordination.k8s.io|leases|create");
  for (const char* lease :
       {"gardener-extension-gpu-leader-election", "gardener-extension-heartbeat"}) {
    for (const char* verb : {"get", "update", "patch"}) {
      want_ns.insert(std::string("coordination.k8s.io|leases|") + verb + "|" + lease);
    }
  }
  EXPECT_EQ(Flatten(MustFind(objects, "Role", "gardener-extension-gpu")["rules"]), want_ns);

  // Both bindings name the chart's ServiceAccount in the release namespace.
  const json subject = {
      {"kind", "ServiceAccount"}, {"name", "gardener-extension-gpu"}, {"namespace", kNamespace}};
  const json crb =
      MustFind(objects, "ClusterRoleBinding", "extensions.gardener.cloud:extension-gpu");
  EXPECT_EQ(crb["subjects"], json::array({subject}));
  EXPECT_EQ(crb["roleRef"]["name"], "extensions.gardener.cloud:extension-gpu");
  const json rb = MustFind(objects, "RoleBinding", "gardener-extension-gpu");
  EXPECT_EQ(rb["subjects"], json::array({subject}));
  EXPECT_EQ(rb["roleRef"], json({{"apiGroup", "rbac.authorization.k8s.io"},
                                 {"kind", "Role"},
                                 {"name", "gardener-extension-gpu"}}));

  // The leader Lease the Role grants follows the flag.
  const auto renamed =
      Render(kChart.string(), {"--set", "controller.leaderElection.id=gpu-leader"});
  EXPECT_THAT(Args(MustFind(renamed, "Deployment", "gardener-extension-gpu")),
              Contains("--leader-election-id=gpu-leader"));
  EXPECT_THAT(Flatten(MustFind(renamed, "Role", "gardener-extension-gpu")["rules"]),
              Contains("coordination.k8s.io|leases|update|gpu-leader"));
}

TEST_F(SeedChartTest, ComponentConfigurationDecodesAndValidates) {
  // The gardenlet-like values pin nothing and switch requirePinnedSources off: valid as is.
  const auto ci = DecodeConfig(Render(kChart.string(), {"-f", kCiValues.string()}));
  EXPECT_THAT(ci.errors, IsEmpty()) << ToAggregateMessage(ci.errors);
  gpuruntime::api::ControllerConfiguration config = ci.value;
  gpuruntime::api::SetDefaults(config);
  EXPECT_THAT(gpuruntime::api::Validate(config), IsEmpty())
      << ToAggregateMessage(gpuruntime::api::Validate(config));
  EXPECT_EQ(config.images.node_agent,
            "registry.example.org/gardener-extension-gpu/gpu-node-agent:v0.1.0");
  EXPECT_EQ(config.images.driver_cache,
            "registry.example.org/gardener-extension-gpu/gpu-driver-cache:v0.1.0");
  EXPECT_EQ(config.driver.default_branch, "580");
  EXPECT_EQ(gpuruntime::api::SupportedBranches(config),
            (std::vector<std::string>{"570", "580", "590"}));

  // The defaults require pinned sources and ship no checksums: the extension refuses to start
  // and names each unpinned source, nothing else.
  const auto defaults = DecodeConfig(Render(kChart.string()));
  EXPECT_THAT(defaults.errors, IsEmpty()) << ToAggregateMessage(defaults.errors);
  config = defaults.value;
  gpuruntime::api::SetDefaults(config);
  const FieldErrorList errors = gpuruntime::api::Validate(config);
  EXPECT_EQ(errors.size(), 6U) << ToAggregateMessage(errors);
  for (const FieldError& e : errors) {
    EXPECT_THAT(e.field, HasSubstr(".sha256")) << e.ToString();
    EXPECT_THAT(e.detail, HasSubstr("requirePinnedSources")) << e.ToString();
  }

  // A digest pins the shoot images.
  const auto pinned = DecodeConfig(
      Render(kChart.string(), {"--set", "images.nodeAgent.digest=sha256:" + std::string(64, 'a'),
                               "--set", "images.nodeAgent.tag=v9.9.9"}));
  EXPECT_EQ(pinned.value.images.node_agent,
            "registry.example.org/gardener-extension-gpu/gpu-node-agent:v9.9.9@sha256:" +
                std::string(64, 'a'));
}

TEST_F(SeedChartTest, PackedChartInTheRegistrationRendersLikeTheChartDirectory) {
  const json deployment = RegistrationDocument("ControllerDeployment");
  const auto tgz = WriteRawChart(deployment, dir_.path());

  // The archive holds the chart without ci/ (.helmignore).
  const auto list = gpuext::testing::RunProcess({"tar", "-tzf", tgz.string()});
  ASSERT_EQ(list.exit_code, 0) << list.stderr_text;
  EXPECT_THAT(list.stdout_text, HasSubstr("gardener-extension-gpu/Chart.yaml"));
  EXPECT_THAT(list.stdout_text, HasSubstr("gardener-extension-gpu/templates/deployment.yaml"));
  EXPECT_THAT(list.stdout_text, Not(HasSubstr("ci/")));

  auto r = Helm({"lint", "--strict", tgz.string(), "-f", kCiValues.string()}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  const auto packed = Render(tgz.string(), {"-f", kCiValues.string()});
  const auto directory = Render(kChart.string(), {"-f", kCiValues.string()});
  EXPECT_FALSE(packed.empty());
  EXPECT_EQ(packed, directory)
      << "example/controller-registration.yaml is stale: run make generate";
}

TEST_F(SeedChartTest, GeneratedCrdsCarryNoProseAndNameTheirUpstream) {
  std::map<std::string, std::string> upstream;
  for (const char* chart : {"nfd", "gpu-operator"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(kRepo / "charts/internal" / chart / "crds")) {
      const std::string text = ReadFile(entry.path());
      EXPECT_THAT(text, Not(HasSubstr("description:"))) << entry.path();
      const auto header_end = text.find("\n---");
      ASSERT_NE(header_end, std::string::npos) << entry.path();
      const std::string header = text.substr(0, header_end);
      EXPECT_THAT(header, HasSubstr("Generated by hack/generate-crds.sh")) << entry.path();
      const json crd = ParseYaml(text);
      EXPECT_EQ(crd["kind"], "CustomResourceDefinition");
      EXPECT_EQ(entry.path().filename().string(),
                crd["metadata"]["name"].get<std::string>() + ".yaml");
      // "# Upstream: <project> <version>, file <path>"
      const std::string tag = "# Upstream: ";
      const auto from = header.find(tag);
      ASSERT_NE(from, std::string::npos) << entry.path();
      const auto to = header.find(", file ", from);
      ASSERT_NE(to, std::string::npos) << entry.path();
      upstream[crd["spec"]["names"]["kind"].get<std::string>()] =
          header.substr(from + tag.size(), to - from - tag.size());
    }
  }
  EXPECT_EQ(upstream, (std::map<std::string, std::string>{
                          {"NodeFeature", "kubernetes-sigs/node-feature-discovery v0.19.0"},
                          {"NodeFeatureGroup", "kubernetes-sigs/node-feature-discovery v0.19.0"},
                          {"NodeFeatureRule", "kubernetes-sigs/node-feature-discovery v0.19.0"},
                          {"ClusterPolicy", "NVIDIA/gpu-operator v26.7.0"},
                          {"NVIDIADriver", "NVIDIA/gpu-operator v26.7.0"},
                      }));
}

}  // namespace
}  // namespace gpuext::generate::testing
