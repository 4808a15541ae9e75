// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// ValidateOsc: one row per GRM rule (gardener pkg/apis/extensions/validation/
// operatingsystemconfig.go). Each row breaks one field of a valid reconcile OSC and expects
// exactly that field's error, so a rule that stops firing or fires on the wrong path fails.

#include "gpuext/gardener/osc_validation.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gpuext::gardener {
namespace {

using nlohmann::json;

// What gardenlet writes for a reconcile OSC, plus one plugin entry, a unit with a drop-in and a
// file it restarts on, and one status file of an OS extension.
json ValidOsc() {
  return json::parse(R"({
    "apiVersion": "extensions.gardener.cloud/v1alpha1", "kind": "OperatingSystemConfig",
    "metadata": {"name": "gardener-node-agent-gpu-77ac3-original", "namespace": "shoot--dev--gpu",
                 "labels": {"worker.gardener.cloud/pool": "gpu"}},
    "spec": {
      "type": "gardenlinux", "purpose": "reconcile",
      "criConfig": {"name": "containerd", "cgroupDriver": "systemd",
                    "containerd": {"sandboxImage": "registry.k8s.io/pause:3.10",
                                   "plugins": [{"op": "add", "path": ["io.containerd.grpc.v1.cri"],
                                                "values": {"enable_cdi": true}}]}},
      "units": [{"name": "kubelet.service", "command": "start", "enable": true,
                 "dropIns": [{"name": "10-x.conf", "content": "[Service]\n"}],
                 "filePaths": ["/var/lib/kubelet/config/kubelet"]}],
      "files": [{"path": "/var/lib/kubelet/config/kubelet", "permissions": 384,
                 "content": {"inline": {"encoding": "b64", "data": "YQ=="}}},
                {"path": "/opt/bin/kubelet", "permissions": 493,
                 "content": {"imageRef": {"image": "hyperkube:v1.33.2", "filePathInImage": "/kubelet"}}},
                {"path": "/etc/ca.crt",
                 "content": {"secretRef": {"name": "ca", "dataKey": "bundle.crt"}}}]
    },
    "status": {"extensionFiles": [{"path": "/etc/os-ext.conf",
                                   "content": {"inline": {"encoding": "", "data": "x"}}}],
               "extensionUnits": [{"name": "os-ext.service", "filePaths": ["/etc/os-ext.conf"]}]}
  })");
}

std::vector<std::string> Messages(const FieldErrorList& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) {
    out.push_back(e.ToString());
  }
  return out;
}

TEST(OscValidationTest, GardenletsReconcileOscIsValid) {
  EXPECT_EQ(Messages(ValidateOsc(ValidOsc())), std::vector<std::string>{});
}

TEST(OscValidationTest, ProvisionOscWithoutContainerdIsValid) {
  json osc = ValidOsc();
  osc["spec"]["purpose"] = "provision";
  osc["spec"]["criConfig"].erase("containerd");
  EXPECT_EQ(Messages(ValidateOsc(osc)), std::vector<std::string>{});
}

TEST(OscValidationTest, AddWithoutValuesAndRemoveWithNullValuesAreValid) {
  // Go's validation looks only at non-empty raw values; op defaults to add.
  json osc = ValidOsc();
  osc["spec"]["criConfig"]["containerd"]["plugins"] = json::parse(R"([
    {"path": ["io.containerd.grpc.v1.cri", "containerd", "runtimes", "x"]},
    {"op": "remove", "path": ["io.containerd.grpc.v1.cri", "containerd", "runtimes", "y"], "values": null}
  ])");
  EXPECT_EQ(Messages(ValidateOsc(osc)), std::vector<std::string>{});
}

TEST(OscValidationTest, HostSpecificDuplicatesAreValid) {
  json osc = ValidOsc();
  json file = osc["spec"]["files"][2];
  file["hostName"] = "node-a";
  osc["spec"]["files"][2]["hostName"] = "node-b";
  osc["spec"]["files"].push_back(file);
  EXPECT_EQ(Messages(ValidateOsc(osc)), std::vector<std::string>{});
}

struct Row {
  std::string name;
  std::string pointer;  // JSON pointer of the field to set ("" = whole object)
  json value;           // the bad value; discarded() = remove the field
  std::string expected;
};

class OscValidationRuleTest : public ::testing::TestWithParam<Row> {};

TEST_P(OscValidationRuleTest, ReportsTheField) {
  const Row& row = GetParam();
  json osc = ValidOsc();
  const json::json_pointer pointer(row.pointer);
  if (row.value.is_discarded()) {
    osc[pointer.parent_pointer()].erase(pointer.back());
  } else {
    osc[pointer] = row.value;
  }
  EXPECT_EQ(Messages(ValidateOsc(osc)), std::vector<std::string>{row.expected});
}

const json kRemove = json::value_t::discarded;
const char kPlugin0[] = "/spec/criConfig/containerd/plugins/0";

INSTANTIATE_TEST_SUITE_P(
    Rules, OscValidationRuleTest,
    ::testing::Values(
        Row{"PurposeRequired", "/spec/purpose", kRemove,
            "spec.purpose: Required value: field is required"},
        Row{"PurposeSupported", "/spec/purpose", "init",
            "spec.purpose: Unsupported value: \"init\": supported values: \"provision\", "
            "\"reconcile\""},
        Row{"CgroupDriverSupported", "/spec/criConfig/cgroupDriver", "cgroupv2",
            "spec.criConfig.cgroupDriver: Unsupported value: \"cgroupv2\": supported values: "
            "\"cgroupfs\", \"systemd\""},
        Row{"ContainerdForbiddenOnProvision", "/spec/purpose", "provision",
            "spec.criConfig.containerd: Forbidden: containerd config is not allowed for "
            "OperatingSystemConfig with purpose 'provision'"},
        Row{"SandboxImageRequired", "/spec/criConfig/containerd/sandboxImage", kRemove,
            "spec.criConfig.containerd.sandboxImage: Required value: field is required"},
        Row{"PluginOpSupported", std::string(kPlugin0) + "/op", "replace",
            "spec.criConfig.containerd.plugins[0].op: Unsupported value: \"replace\": supported "
            "values: \"add\", \"remove\""},
        Row{"PluginPathRequired", std::string(kPlugin0) + "/path", json::array(),
            "spec.criConfig.containerd.plugins[0].path: Required value: must provide a path"},
        Row{"PluginValuesForbiddenOnRemove", std::string(kPlugin0) + "/op", "remove",
            "spec.criConfig.containerd.plugins[0].values: Forbidden: values must not be "
            "specified when 'remove' operation is used"},
        // A JSON-in-a-string is what the rule is for: values must be the object itself.
        Row{"PluginValuesObject", std::string(kPlugin0) + "/values", "{\"enable_cdi\": true}",
            R"(spec.criConfig.containerd.plugins[0].values: Invalid value: ""{\"enable_cdi\": true}"": provided values must be given in json format)"},
        Row{"UnitNameRequired", "/spec/units/0/name", "",
            "spec.units[0].name: Required value: field is required"},
        Row{"DropInNameRequired", "/spec/units/0/dropIns/0/name", kRemove,
            "spec.units[0].dropIns[0].name: Required value: field is required"},
        Row{"DropInContentRequired", "/spec/units/0/dropIns/0/content", "",
            "spec.units[0].dropIns[0].content: Required value: field is required"},
        Row{"FilePathsMatchFiles", "/spec/units/0/filePaths/0", "/etc/missing",
            "spec.units[0].filePaths[0]: Invalid value: \"/etc/missing\": 'filePath' requires a "
            "matching 'path' in 'spec.files'"},
        Row{"ExtensionUnitFilePathsMatchFiles", "/status/extensionUnits/0/filePaths/0", "/nope",
            "status.extensionUnits[0].filePaths[0]: Invalid value: \"/nope\": 'filePath' requires "
            "a matching 'path' in 'spec.files'"},
        Row{"FilePathRequired", "/spec/files/2/path", kRemove,
            "spec.files[2].path: Required value: field is required"},
        Row{"FileContentRequired", "/spec/files/0/content", json::object(),
            "spec.files[0].content: Required value: either 'secretRef', 'inline' or 'imageRef' "
            "must be provided"},
        Row{"FileContentExactlyOne", "/spec/files/0/content/secretRef",
            json{{"name", "a"}, {"dataKey", "b"}},
            "spec.files[0].content: Invalid value: \"{\"inline\":{\"data\":\"YQ==\",\"encoding\":"
            "\"b64\"},\"secretRef\":{\"dataKey\":\"b\",\"name\":\"a\"}}\": either 'secretRef', "
            "'inline' or 'imageRef' must be provided, not multiple at the same time"},
        Row{"InlineEncodingSupported", "/spec/files/0/content/inline/encoding", "gzip",
            "spec.files[0].content.inline.encoding: Unsupported value: \"gzip\": supported values: "
            "\"\", \"b64\""},
        Row{"InlineDataRequired", "/spec/files/0/content/inline/data", "",
            "spec.files[0].content.inline.data: Required value: field is required"},
        Row{"SecretRefNameRequired", "/spec/files/2/content/secretRef/name", kRemove,
            "spec.files[2].content.secretRef.name: Required value: field is required"},
        Row{"SecretRefDataKeyRequired", "/spec/files/2/content/secretRef/dataKey", "",
            "spec.files[2].content.secretRef.dataKey: Required value: field is required"},
        Row{"ImageRefImageRequired", "/spec/files/1/content/imageRef/image", "",
            "spec.files[1].content.imageRef.image: Required value: field is required"},
        Row{"ImageRefFilePathRequired", "/spec/files/1/content/imageRef/filePathInImage", kRemove,
            "spec.files[1].content.imageRef.filePathInImage: Required value: field is required"},
        Row{"FilePathsUnique", "/spec/files/1/path", "/etc/ca.crt",
            "spec.files[2].path: Duplicate value: \"/etc/ca.crt\""},
        Row{"FilePathsUniqueAcrossStatus", "/status/extensionFiles/-",
            json{{"path", "/etc/ca.crt"},
                 {"content", {{"inline", {{"encoding", ""}, {"data", "y"}}}}}},
            "status.extensionFiles[1].path: Duplicate value: \"/etc/ca.crt\""},
        Row{"ExtensionFileContentChecked", "/status/extensionFiles/0/content/inline/encoding",
            "b32",
            "status.extensionFiles[0].content.inline.encoding: Unsupported value: \"b32\": "
            "supported values: \"\", \"b64\""},
        Row{"WrongTypeIsTypeInvalid", "/spec/criConfig/containerd/plugins", json{{"op", "add"}},
            "spec.criConfig.containerd.plugins: Invalid value: \"{\"op\":\"add\"}\": must be a "
            "list"}),
    [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

}  // namespace
}  // namespace gpuext::gardener
