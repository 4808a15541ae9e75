// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The charts under charts/: every one passes the real `helm lint --strict` with its defaults
// and each ci/*.yaml (not ci/*-error.yaml: lint turns `fail` and `required` into log lines;
// the differential test checks that those fail), and the shoot charts under
// charts/internal/ render, with our renderer, the objects DESIGN §3.3, §10, §13.1, §14 and §19
// describe. The ClusterPolicy is checked field by field against the ClusterPolicy CRD: the API
// server prunes unknown fields silently, so a misspelt key would just vanish.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/helm/chart_fs.h"
#include "gpuext/helm/go_codec.h"
#include "gpuext/helm/renderer.h"
#include "gpuext/helm/values.h"
#include "gpuext/testing/process.h"

namespace gpuext::helm {
namespace {

namespace fs = std::filesystem;
using ::gpuext::testing::RunProcess;
using ::gpuext::testing::Tools;
using nlohmann::json;

const fs::path kCharts = fs::path(GPUEXT_SOURCE_DIR) / "charts";
const fs::path kInternal = kCharts / "internal";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every chart folder (one with Chart.yaml) under charts/, at any depth, sub-charts excluded.
std::vector<fs::path> AllCharts() {
  std::vector<fs::path> out;
  for (auto it = fs::recursive_directory_iterator(kCharts); it != fs::end(it); ++it) {
    if (it->is_directory() && fs::exists(it->path() / "Chart.yaml")) {
      out.push_back(it->path());
      it.disable_recursion_pending();
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct LintCase {
  fs::path chart;
  fs::path values;  // empty: defaults
  std::string name;
};

// gtest prints parameters into the ctest name; the raw bytes would hold heap addresses.
void PrintTo(const LintCase& c, std::ostream* os) { *os << c.name; }

std::vector<LintCase> LintCases() {
  std::vector<LintCase> out;
  for (const fs::path& chart : AllCharts()) {
    const std::string name = fs::relative(chart, kCharts).generic_string();
    out.push_back({chart, {}, name + "_defaults"});
    if (fs::is_directory(chart / "ci")) {
      for (const auto& v : fs::directory_iterator(chart / "ci")) {
        if (!v.path().filename().string().ends_with("-error.yaml")) {
          out.push_back({chart, v.path(), name + "_" + v.path().stem().string()});
        }
      }
    }
  }
  return out;
}

// `helm lint --strict` on one chart, with an optional values file.
::gpuext::testing::ProcessResult Lint(const fs::path& chart, const fs::path& values = {}) {
  std::vector<std::string> argv = {Tools().helm.string(), "lint", "--strict", chart.string()};
  if (!values.empty()) {
    argv.insert(argv.end(), {"-f", values.string()});
  }
  return RunProcess(argv);
}

class HelmLintTest : public ::testing::TestWithParam<LintCase> {};

TEST_P(HelmLintTest, Lints) {
  ASSERT_EQ(Tools().Check(), "");
  const LintCase& c = GetParam();
  const auto r = Lint(c.chart, c.values);
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
}

// The lint run must be able to fail: a chart whose template does not render to valid YAML
// (an unquoted value containing ": ", the classic chart bug) is refused.
TEST(HelmLintCheckTest, RefusesABrokenChart) {
  ASSERT_EQ(Tools().Check(), "");
  ::gpuext::testing::TempDir dir;
  const fs::path chart = dir.path() / "broken";
  fs::create_directories(chart / "templates");
  std::ofstream(chart / "Chart.yaml") << "apiVersion: v2\nname: broken\nversion: 0.1.0\n";
  std::ofstream(chart / "values.yaml") << "value: \"a: b\"\n";
  std::ofstream(chart / "templates/cm.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  x: {{ .Values.value }}\n";
  const auto r = Lint(chart);
  EXPECT_NE(r.exit_code, 0) << r.stdout_text;
}

INSTANTIATE_TEST_SUITE_P(Charts, HelmLintTest, ::testing::ValuesIn(LintCases()),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (char& ch : n) {
                             ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return n;
                         });

TEST(ShootChartsTest, EveryShootChartIsLinted) {
  // The five shoot charts DESIGN §11 names; a missing one would silently drop out of the lint
  // and differential tests, which iterate over what exists.
  for (const char* name : {"shoot-shared", "nfd", "gpu-operator", "node-agent", "driver-cache"}) {
    EXPECT_TRUE(fs::exists(kInternal / name / "Chart.yaml")) << name;
    EXPECT_TRUE(fs::exists(kInternal / name / ".helmignore")) << name;
  }
}

// Our renderer's objects for a shoot chart with a ci/ values file ("" = defaults).
std::vector<json> RenderChart(const std::string& chart, const std::string& ci,
                              const std::string& ns) {
  json values = json::object();
  if (!ci.empty()) {
    values = MergeValueFiles({UnmarshalYaml(ReadFile(kInternal / chart / "ci" / ci))});
  }
  std::vector<json> out;
  for (auto& o : RenderObjects(ChartFS::FromDirectory(kInternal / chart), values,
                               {.name = chart, .ns = ns, .kube_version = "1.35.0"})) {
    out.push_back(std::move(o.object));
  }
  return out;
}

std::vector<json> OfKind(const std::vector<json>& objects, const std::string& kind) {
  std::vector<json> out;
  std::copy_if(objects.begin(), objects.end(), std::back_inserter(out),
               [&](const json& o) { return o.value("kind", "") == kind; });
  return out;
}

json Find(const std::vector<json>& objects, const std::string& kind, const std::string& name) {
  for (const json& o : objects) {
    if (o.value("kind", "") == kind && o["metadata"].value("name", "") == name) {
      return o;
    }
  }
  ADD_FAILURE() << "no " << kind << " " << name;
  return json::object();
}

json Container(const json& pod_spec, const std::string& name) {
  for (const json& c : pod_spec["containers"]) {
    if (c["name"] == name) {
      return c;
    }
  }
  ADD_FAILURE() << "no container " << name;
  return json::object();
}

// Every namespaced object names its namespace: a ManagedResource applies objects as they are,
// with no release namespace to fall back on.
void ExpectNamespaced(const std::vector<json>& objects, const std::string& ns) {
  static const std::set<std::string> kClusterScoped = {"Namespace", "ClusterRole",
                                                       "ClusterRoleBinding", "ClusterPolicy",
                                                       "CustomResourceDefinition"};
  for (const json& o : objects) {
    const std::string kind = o.value("kind", "");
    if (kClusterScoped.contains(kind)) {
      EXPECT_FALSE(o["metadata"].contains("namespace")) << kind;
    } else if (!(kind == "ServiceAccount" &&
                 o["metadata"].value("namespace", "") == "kube-system")) {
      EXPECT_EQ(o["metadata"].value("namespace", ""), ns)
          << kind << " " << o["metadata"].value("name", "");
    }
  }
}

TEST(ShootSharedChartTest, NamespacesCarryTheirPodSecurityLevel) {
  const auto objects = RenderChart("shoot-shared", "", "kube-system");
  EXPECT_EQ(Find(objects, "Namespace",
                 "gpu-node-agent")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
            "privileged");
  EXPECT_EQ(Find(objects, "Namespace",
                 "gpu-driver-cache")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
            "restricted");
  EXPECT_THAT(OfKind(objects, "RuntimeClass"), ::testing::IsEmpty())
      << "the GPU operator owns the RuntimeClass";
  const json role = Find(objects, "ClusterRole", "gpuext:health-reader");
  ASSERT_EQ(role["rules"].size(), 1U);
  EXPECT_EQ(role["rules"][0]["verbs"], json({"get", "list", "watch"}));
  EXPECT_EQ(role["rules"][0]["resources"], json({"nodes", "pods", "events"}));
  const json binding = Find(objects, "ClusterRoleBinding", "gpuext:health-reader");
  EXPECT_EQ(binding["subjects"][0], json({{"kind", "ServiceAccount"},
                                          {"name", "gardener-extension-gpu"},
                                          {"namespace", "kube-system"}}));
  Find(objects, "ServiceAccount", "gardener-extension-gpu");
}

TEST(ShootSharedChartTest, NoCacheNamespaceWithoutCacheServer) {
  const auto objects = RenderChart("shoot-shared", "no-driver-cache.yaml", "kube-system");
  const auto namespaces = OfKind(objects, "Namespace");
  ASSERT_EQ(namespaces.size(), 1U);
  EXPECT_EQ(namespaces[0]["metadata"]["name"], "gpu-node-agent");
}

TEST(NfdChartTest, ConfigWhitelistsGpuClassesAndOurLabelNamespaces) {
  const auto objects = RenderChart("nfd", "", "gpu-operator");
  ExpectNamespaced(objects, "gpu-operator");
  EXPECT_EQ(Find(objects, "Namespace",
                 "gpu-operator")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
            "privileged");
  const json worker = UnmarshalYaml(
      Find(objects, "ConfigMap", "nfd-worker-conf")["data"]["nfd-worker.conf"].get<std::string>());
  EXPECT_EQ(worker["sources"]["pci"]["deviceClassWhitelist"],
            json({"0300", "0302", "0680", "02", "0200", "0207"}));
  EXPECT_EQ(worker["sources"]["pci"]["deviceLabelFields"], json({"vendor"}));
  const json master = UnmarshalYaml(
      Find(objects, "ConfigMap", "nfd-master-conf")["data"]["nfd-master.conf"].get<std::string>());
  EXPECT_EQ(master["extraLabelNs"], json({"gpu.extensions.gardener.cloud", "node.gardener.cloud"}));
  const json ds = Find(objects, "DaemonSet", "nfd-worker");
  EXPECT_EQ(ds["spec"]["template"]["spec"]["tolerations"],
            json::parse(R"([{"operator":"Exists"}])"));
  EXPECT_FALSE(ds["spec"]["template"]["spec"].contains("nodeSelector"));
  for (const auto& [deployment, container] :
       {std::pair{"nfd-master", "master"}, std::pair{"nfd-gc", "gc"}}) {
    EXPECT_EQ(Container(Find(objects, "Deployment", deployment)["spec"]["template"]["spec"],
                        container)["image"],
              "registry.k8s.io/nfd/node-feature-discovery:v0.19.0");
  }
}

// The toolkit env of DESIGN §10.1, exactly: anything else lets the toolkit rewrite and restart
// the node's containerd.
TEST(GpuOperatorChartTest, ToolkitStaysAwayFromContainerdConfig) {
  const auto objects = RenderChart("gpu-operator", "", "gpu-operator");
  ExpectNamespaced(objects, "gpu-operator");
  const json spec = Find(objects, "ClusterPolicy", "cluster-policy")["spec"];
  EXPECT_EQ(spec["toolkit"]["env"], json::parse(R"([
      {"name": "NO_RUNTIME_CONFIG", "value": "true"},
      {"name": "RUNTIME_RESTART_MODE", "value": "none"},
      {"name": "CONTAINERD_CONFIG", "value": "/run/nvidia/gpuext-toolkit-scratch/config.toml"},
      {"name": "RUNTIME_DROP_IN_CONFIG", "value": "/run/nvidia/gpuext-toolkit-scratch/99-nvidia.toml"},
      {"name": "CONTAINERD_SOCKET", "value": "/run/containerd/containerd.sock"}])"));
  EXPECT_EQ(spec["toolkit"]["installDir"], "/opt/nvidia");
  EXPECT_EQ(spec["driver"]["enabled"], false);
  EXPECT_EQ(spec["cdi"]["enabled"], true);
  EXPECT_EQ(spec["hostPaths"],
            json::parse(R"({"driverInstallDir": "/run/nvidia/driver", "rootFS": "/"})"));
  EXPECT_EQ(spec["operator"]["runtimeClass"], "nvidia");
  EXPECT_EQ(spec["mig"]["strategy"], "none");
  EXPECT_EQ(spec["dcgmExporter"]["serviceMonitor"]["enabled"], false);
  EXPECT_EQ(spec["devicePlugin"]["config"],
            json::parse(R"({"name": "gpuext-device-plugin-config", "default": "default"})"));
  EXPECT_THAT(OfKind(objects, "Namespace"), ::testing::IsEmpty()) << "the nfd chart owns it";
  EXPECT_THAT(OfKind(objects, "RuntimeClass"), ::testing::IsEmpty());
}

TEST(GpuOperatorChartTest, DevicePluginConfigMapHasOneKeyPerConfig) {
  const auto objects = RenderChart("gpu-operator", "time-slicing-two-pools.yaml", "gpu-operator");
  const json cm = Find(objects, "ConfigMap", "gpuext-device-plugin-config");
  ASSERT_EQ(cm["data"].size(), 3U);
  const json a100 = UnmarshalYaml(cm["data"]["pool-gpu-a100"].get<std::string>());
  EXPECT_EQ(a100, json::parse(R"({"version": "v1", "flags": {"migStrategy": "none"},
      "sharing": {"timeSlicing": {"resources": [{"name": "nvidia.com/gpu", "replicas": 4.0}]}}})"));
  EXPECT_TRUE(cm["data"].contains("default"));
  EXPECT_TRUE(cm["data"].contains("pool-gpu-l4"));
}

TEST(GpuOperatorChartTest, MigMixedWritesTheMigPartedConfig) {
  const auto objects = RenderChart("gpu-operator", "mig-mixed.yaml", "gpu-operator");
  const json spec = Find(objects, "ClusterPolicy", "cluster-policy")["spec"];
  EXPECT_EQ(spec["mig"]["strategy"], "mixed");
  EXPECT_EQ(spec["migManager"]["enabled"], true);
  EXPECT_EQ(spec["migManager"]["config"]["name"], "gpuext-mig-parted-config");
  const json cm = Find(objects, "ConfigMap", "gpuext-mig-parted-config");
  const json parted = UnmarshalYaml(cm["data"]["config.yaml"].get<std::string>());
  EXPECT_TRUE(parted["mig-configs"].contains("all-disabled"));
  EXPECT_EQ(spec["devicePlugin"]["config"]["default"], "pool-gpu-h100");
}

// A strict reading of a structural schema: every field must be declared (no silent pruning),
// of the declared type and, for enums, one of the listed values.
void CheckAgainstSchema(const json& value, const json& schema, const std::string& path,
                        std::vector<std::string>& errors) {
  if (schema.value("x-kubernetes-int-or-string", false)) {
    if (!value.is_number_integer() && !value.is_string()) {
      errors.push_back(path + ": want int or string");
    }
    return;
  }
  if (schema.value("x-kubernetes-preserve-unknown-fields", false)) {
    return;
  }
  const std::string type = schema.value("type", "");
  if (schema.contains("enum") &&
      std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
    errors.push_back(path + ": " + value.dump() + " not in enum " + schema["enum"].dump());
  }
  if (type == "object") {
    if (!value.is_object()) {
      errors.push_back(path + ": want object, got " + value.dump());
      return;
    }
    for (const auto& [k, v] : value.items()) {
      if (schema.contains("properties") && schema["properties"].contains(k)) {
        CheckAgainstSchema(v, schema["properties"][k], path + "." + k, errors);
      } else if (schema.contains("additionalProperties") &&
                 schema["additionalProperties"].is_object()) {
        CheckAgainstSchema(v, schema["additionalProperties"], path + "." + k, errors);
      } else {
        errors.push_back(path + "." + k + ": not in the schema (would be pruned)");
      }
    }
    for (const json& req : schema.value("required", json::array())) {
      if (!value.contains(req.get<std::string>())) {
        errors.push_back(path + "." + req.get<std::string>() + ": required");
      }
    }
  } else if (type == "array") {
    if (!value.is_array()) {
      errors.push_back(path + ": want array, got " + value.dump());
      return;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      CheckAgainstSchema(value[i], schema["items"], path + "[" + std::to_string(i) + "]", errors);
    }
  } else if (type == "string" && !value.is_string()) {
    errors.push_back(path + ": want string, got " + value.dump());
  } else if (type == "boolean" && !value.is_boolean()) {
    errors.push_back(path + ": want boolean, got " + value.dump());
  } else if (type == "integer" && !value.is_number_integer() &&
             !(value.is_number_float() &&
               value.get<double>() == static_cast<int64_t>(value.get<double>()))) {
    errors.push_back(path + ": want integer, got " + value.dump());
  }
}

json ClusterPolicySchema() {
  const fs::path crd = fs::path(GPUEXT_SOURCE_DIR) /
                       "../shared/fixtures/gpu-operator-crds/nvidia.com_clusterpolicies.yaml";
  for (const json& doc : UnmarshalYamlDocuments(ReadFile(crd))) {
    if (doc.is_object() && doc.value("kind", "") == "CustomResourceDefinition") {
      return doc["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
    }
  }
  ADD_FAILURE() << "no ClusterPolicy CRD in " << crd;
  return json::object();
}

class ClusterPolicySchemaTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ClusterPolicySchemaTest, EveryFieldIsInTheCrd) {
  const json schema = ClusterPolicySchema();
  ASSERT_TRUE(schema.contains("properties"));
  const auto objects = RenderChart("gpu-operator", GetParam(), "gpu-operator");
  json policy = Find(objects, "ClusterPolicy", "cluster-policy");
  std::vector<std::string> errors;
  CheckAgainstSchema(policy["spec"], schema["properties"]["spec"], "spec", errors);
  EXPECT_THAT(errors, ::testing::IsEmpty());
}

TEST(ClusterPolicySchemaCheckTest, CatchesAnUnknownField) {
  // The check itself must be able to fail: an upstream-chart-only key and a wrong type.
  const json schema = ClusterPolicySchema();
  std::vector<std::string> errors;
  CheckAgainstSchema(json::parse(R"({"devicePlugin": {"config": {"create": true}},
                                     "mig": {"strategy": "some"}, "cdi": {"enabled": "yes"}})"),
                     schema["properties"]["spec"], "spec", errors);
  EXPECT_THAT(errors, ::testing::Contains(::testing::HasSubstr("spec.devicePlugin.config.create")));
  EXPECT_THAT(errors, ::testing::Contains(::testing::HasSubstr("spec.mig.strategy")));
  EXPECT_THAT(errors, ::testing::Contains(::testing::HasSubstr("spec.cdi.enabled")));
  EXPECT_THAT(errors, ::testing::Contains(::testing::HasSubstr("spec.toolkit: required")));
}

std::vector<std::string> GpuOperatorValueFiles() {
  std::vector<std::string> out = {""};
  for (const auto& v : fs::directory_iterator(kInternal / "gpu-operator/ci")) {
    if (!v.path().filename().string().ends_with("-error.yaml")) {
      out.push_back(v.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Values, ClusterPolicySchemaTest,
                         ::testing::ValuesIn(GpuOperatorValueFiles()), [](const auto& info) {
                           std::string n = info.param.empty() ? "defaults" : info.param;
                           for (char& ch : n) {
                             ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return n;
                         });

TEST(NodeAgentChartTest, DefaultsRenderNothing) {
  EXPECT_THAT(RenderChart("node-agent", "", "gpu-node-agent"), ::testing::IsEmpty());
}

TEST(NodeAgentChartTest, SharedObjects) {
  const auto objects = RenderChart("node-agent", "shared-only.yaml", "gpu-node-agent");
  ExpectNamespaced(objects, "gpu-node-agent");
  EXPECT_THAT(OfKind(objects, "DaemonSet"), ::testing::IsEmpty());
  EXPECT_EQ(Find(objects, "ServiceAccount", "gpu-node-agent")["automountServiceAccountToken"],
            false);
  const json quota = Find(objects, "ResourceQuota", "gpu-node-agent-priority");
  EXPECT_EQ(quota["spec"]["scopeSelector"]["matchExpressions"][0]["values"],
            json({"system-node-critical"}));
  EXPECT_THAT(
      Find(objects, "ConfigMap", "gpu-driver-cache-ca")["data"]["ca.crt"].get<std::string>(),
      ::testing::StartsWith("-----BEGIN CERTIFICATE-----"));
  const json role = Find(objects, "ClusterRole", "gpuext:gpu-node-agent");
  EXPECT_THAT(role["rules"].dump(), ::testing::HasSubstr(R"("pods/eviction")"));
  Find(objects, "Role", "gpu-node-agent");
  Find(objects, "RoleBinding", "gpu-node-agent");
  Find(objects, "ClusterRoleBinding", "gpuext:gpu-node-agent");
}

// DESIGN §13.1 and §10.2 step 3.
TEST(NodeAgentChartTest, PoolDaemonSetShape) {
  const auto objects = RenderChart("node-agent", "two-pools.yaml", "gpu-node-agent");
  ExpectNamespaced(objects, "gpu-node-agent");
  EXPECT_THAT(OfKind(objects, "ServiceAccount"), ::testing::IsEmpty()) << "shared objects off";
  ASSERT_EQ(OfKind(objects, "DaemonSet").size(), 2U);
  const json config = Find(objects, "ConfigMap", "gpu-node-agent-gpu-a100");
  EXPECT_EQ(UnmarshalYaml(config["data"]["config.yaml"].get<std::string>())["pool"], "gpu-a100");

  const json ds = Find(objects, "DaemonSet", "gpu-node-agent-gpu-l4");
  EXPECT_EQ(ds["spec"]["updateStrategy"],
            json::parse(R"({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}})"));
  const json pod = ds["spec"]["template"];
  EXPECT_EQ(pod["metadata"]["labels"]["gardener.cloud/role"], "gpu-node-agent");
  const json spec = pod["spec"];
  EXPECT_EQ(spec["nodeSelector"], json::parse(R"({"worker.gardener.cloud/pool": "gpu-l4",
      "example.com/numeric": "42", "worker.gardener.cloud/cri-name": "containerd"})"));
  EXPECT_EQ(spec["tolerations"], json::parse(R"([{"operator": "Exists"}])"));
  EXPECT_EQ(spec["automountServiceAccountToken"], false);
  EXPECT_NE(spec.value("hostPID", false), true);
  EXPECT_NE(spec.value("hostNetwork", false), true);
  EXPECT_FALSE(spec.contains("priorityClassName")) << "two-pools.yaml sets none";
  EXPECT_EQ(Container(spec, "agent")["image"],
            "example.invalid/gpu-node-agent@sha256:"
            "2222222222222222222222222222222222222222222222222222222222222222");

  const json agent = Container(spec, "agent");
  const json& asc = agent["securityContext"];
  EXPECT_EQ(asc["runAsUser"], 65532);
  EXPECT_EQ(asc["runAsNonRoot"], true);
  EXPECT_EQ(asc["readOnlyRootFilesystem"], true);
  EXPECT_EQ(asc["allowPrivilegeEscalation"], false);
  EXPECT_EQ(asc["capabilities"]["drop"], json({"ALL"}));
  EXPECT_FALSE(asc.contains("privileged"));
  EXPECT_EQ(agent["readinessProbe"]["exec"]["command"], json({"gpu-node-agent", "probe", "ready"}));
  EXPECT_EQ(agent["livenessProbe"]["exec"]["command"], json({"gpu-node-agent", "probe", "live"}));
  EXPECT_FALSE(agent.contains("ports")) << "the agent opens no TCP port";

  const json installer = Container(spec, "installer");
  EXPECT_EQ(installer["securityContext"]["privileged"], true);

  // Token volumes: projected serviceAccountToken sources, mounted into agent only; one of
  // them has audience gpu-driver-cache.
  std::set<std::string> token_volumes;
  bool cache_audience = false;
  for (const json& v : spec["volumes"]) {
    for (const json& s : v.value("projected", json::object()).value("sources", json::array())) {
      if (s.contains("serviceAccountToken")) {
        token_volumes.insert(v["name"].get<std::string>());
        cache_audience |= s["serviceAccountToken"].value("audience", "") == "gpu-driver-cache";
      }
    }
  }
  EXPECT_TRUE(cache_audience);
  EXPECT_EQ(token_volumes.size(), 2U);
  auto mounts = [](const json& c) {
    std::map<std::string, json> out;
    for (const json& m : c["volumeMounts"]) {
      out[m["mountPath"].get<std::string>()] = m;
    }
    return out;
  };
  const auto agent_mounts = mounts(agent);
  const auto installer_mounts = mounts(installer);
  for (const auto& [path, m] : installer_mounts) {
    EXPECT_FALSE(token_volumes.contains(m["name"].get<std::string>()))
        << "installer mounts token volume at " << path;
  }
  for (const char* ro :
       {"/host/sys", "/host/etc/os-release", "/host/proc", "/etc/gpu-node-agent"}) {
    ASSERT_TRUE(agent_mounts.contains(ro)) << ro;
    EXPECT_EQ(agent_mounts.at(ro).value("readOnly", false), true) << ro;
  }
  EXPECT_TRUE(agent_mounts.contains("/scratch"));
  EXPECT_TRUE(agent_mounts.contains("/host/var/lib/gpu-node-agent"));
  EXPECT_TRUE(agent_mounts.contains("/var/run/secrets/gpu-driver-cache-s3"));
  for (const char* rw :
       {"/host/run/nvidia", "/host/dev", "/host/sys", "/host/var/lib/gpu-node-agent", "/scratch"}) {
    ASSERT_TRUE(installer_mounts.contains(rw)) << rw;
    EXPECT_NE(installer_mounts.at(rw).value("readOnly", false), true) << rw;
  }
  ASSERT_TRUE(installer_mounts.contains("/host/lib/modules"));
  EXPECT_EQ(installer_mounts.at("/host/lib/modules").value("readOnly", false), true);
}

// Namespace gpu-driver-cache enforces "restricted" (DESIGN §3.3).
void ExpectRestrictedPod(const json& pod_spec) {
  EXPECT_EQ(pod_spec["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod_spec["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  for (const json& v : pod_spec["volumes"]) {
    EXPECT_FALSE(v.contains("hostPath")) << v.dump();
  }
  for (const json& c : pod_spec["containers"]) {
    EXPECT_EQ(c["securityContext"]["allowPrivilegeEscalation"], false);
    EXPECT_EQ(c["securityContext"]["capabilities"]["drop"], json({"ALL"}));
    EXPECT_NE(c["securityContext"].value("privileged", false), true);
  }
}

TEST(DriverCacheChartTest, FilesystemBackendHasAVolumeClaim) {
  const auto objects = RenderChart("driver-cache", "filesystem.yaml", "gpu-driver-cache");
  ExpectNamespaced(objects, "gpu-driver-cache");
  const json sts = Find(objects, "StatefulSet", "gpu-driver-cache");
  ExpectRestrictedPod(sts["spec"]["template"]["spec"]);
  ASSERT_EQ(sts["spec"]["volumeClaimTemplates"].size(), 1U);
  const json& pvc = sts["spec"]["volumeClaimTemplates"][0]["spec"];
  EXPECT_EQ(pvc["resources"]["requests"]["storage"], "200Gi");
  EXPECT_EQ(pvc["storageClassName"], "premium-rwo");
  const json svc = Find(objects, "Service", "gpu-driver-cache");
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 443);
  EXPECT_EQ(Container(sts["spec"]["template"]["spec"], "server")["ports"][0]["containerPort"],
            8443);
  const json policy = Find(objects, "NetworkPolicy", "gpu-driver-cache");
  EXPECT_EQ(policy["spec"]["ingress"][0]["ports"][0]["port"], 8443);
  EXPECT_THAT(policy["spec"]["ingress"][0]["from"].dump(),
              ::testing::AllOf(::testing::HasSubstr("gpu-node-agent"),
                               ::testing::HasSubstr("gpu-driver-builder")));
  const json role = Find(objects, "Role", "gpu-driver-cache");
  EXPECT_THAT(role["rules"].dump(), ::testing::HasSubstr(R"("pods/log")"));
  const json cluster_role = Find(objects, "ClusterRole", "gpuext:gpu-driver-cache");
  EXPECT_THAT(cluster_role["rules"].dump(), ::testing::HasSubstr(R"("tokenreviews")"));
}

TEST(DriverCacheChartTest, S3BackendHasNoVolumeClaim) {
  const auto objects = RenderChart("driver-cache", "s3.yaml", "gpu-driver-cache");
  const json sts = Find(objects, "StatefulSet", "gpu-driver-cache");
  ExpectRestrictedPod(sts["spec"]["template"]["spec"]);
  EXPECT_FALSE(sts["spec"].contains("volumeClaimTemplates"));
  EXPECT_EQ(sts["spec"]["replicas"], 2);
  EXPECT_THAT(sts["spec"]["template"]["spec"]["volumes"].dump(),
              ::testing::HasSubstr(R"("secretName":"ref-gpu-cache-s3")"));
  EXPECT_THAT(Find(objects, "Role", "gpu-driver-cache")["rules"].dump(),
              ::testing::Not(::testing::HasSubstr("jobs")))
      << "builds disabled: no Job RBAC";
}

}  // namespace
}  // namespace gpuext::helm
