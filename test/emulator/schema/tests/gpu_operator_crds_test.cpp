// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The NVIDIA GPU operator CRDs from ../shared/fixtures/gpu-operator-crds.

#include <gtest/gtest.h>

#include "fixture_support.h"

namespace gpuext::emulator::schema {
namespace {

using testing::FixtureCase;
using testing::RunFixtureCases;

// NVIDIADriver has a CEL rule on spec, so every blocking error is followed by this.
constexpr const char* kGpuOperatorRulesNotChecked =
    R"(<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation)";

constexpr const char* kQuantityPattern =
    R"(^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$)";

TEST(GpuOperatorCrdsTest, NvidiaDriver) {
  RunFixtureCases(
      "nvidiadrivers.nvidia.com", R"({"metadata": {"name": "default"}, "spec": {}})",
      {
          {.name = "minimal object gets its defaults",
           .want_values = {{"/spec/driverType", R"("gpu")"},
                           {"/spec/image", R"("nvcr.io/nvidia/driver")"},
                           {"/spec/default", "false"},
                           {"/spec/kernelModuleType", R"("auto")"}}},
          {.name = "nested defaults",
           .patch = R"({"spec": {"upgradePolicy": {"drain": {}}}})",
           .want_values = {{"/spec/upgradePolicy/maxUnavailable", R"("25%")"},
                           {"/spec/upgradePolicy/autoUpgrade", "true"},
                           {"/spec/upgradePolicy/drain/timeoutSeconds", "300"}}},
          {.name = "enum",
           .patch = R"({"spec": {"driverType": "cuda"}})",
           .want_errors =
               {R"(spec.driverType: Unsupported value: "cuda": supported values: "gpu", "vgpu", "vgpu-host-manager")",
                kGpuOperatorRulesNotChecked}},
          {.name = "image pattern",
           .patch = R"({"spec": {"gdrcopy": {"image": "@@@"}}})",
           .want_errors =
               {R"(spec.gdrcopy.image: Invalid value: "@@@": spec.gdrcopy.image in body should match '[a-zA-Z0-9\-]+')"}},
          {.name = "quantities",
           .patch =
               R"({"spec": {"resources": {"limits": {"cpu": "500m", "memory": 2}, "requests": {"cpu": "lots"}}}})",
           .want_errors =
               {std::string(
                    R"(spec.resources.requests.cpu: Invalid value: "lots": spec.resources.requests.cpu in body should match ')") +
                kQuantityPattern + "'"}},
          {.name = "minimum",
           .patch = R"({"spec": {"livenessProbe": {"failureThreshold": 0}}})",
           .want_errors =
               {R"(spec.livenessProbe.failureThreshold: Invalid value: "0": spec.livenessProbe.failureThreshold in body should be greater than or equal to 1)"}},
          {.name = "int-or-string",
           .patch = R"({"spec": {"upgradePolicy": {"maxUnavailable": true}}})",
           .want_errors =
               {R"(spec.upgradePolicy.maxUnavailable: Invalid value: "boolean": spec.upgradePolicy.maxUnavailable in body must be of type integer,string: "boolean")",
                R"(<nil>: Invalid value: "": "spec.upgradePolicy.maxUnavailable" must validate at least one schema (anyOf))",
                R"(spec.upgradePolicy.maxUnavailable: Invalid value: "boolean": spec.upgradePolicy.maxUnavailable in body must be of type integer: "boolean")",
                kGpuOperatorRulesNotChecked}},
          {.name = "driverType is immutable",
           .patch = R"({"spec": {"driverType": "vgpu"}})",
           .old_patch = R"({"spec": {"driverType": "gpu"}})",
           .want_errors =
               {R"(spec.driverType: Invalid value: "vgpu": driverType is an immutable field. Please create a new NvidiaDriver resource instead when you want to change this setting.)"}},
          {.name = "usePrecompiled is immutable",
           .patch = R"({"spec": {"usePrecompiled": true}})",
           .old_patch = R"({"spec": {"usePrecompiled": false}})",
           .want_errors =
               {R"(spec.usePrecompiled: Invalid value: "true": usePrecompiled is an immutable field. Please create a new NvidiaDriver resource instead when you want to change this setting.)"}},
          {.name = "the skipped nodeSelector rule is not enforced",
           .patch = R"({"spec": {"default": true, "nodeSelector": {"a": "b"}}})"},
          {.name = "status needs a state",
           .patch = R"({"status": {"namespace": "gpu-operator"}})",
           .want_errors = {"status.state: Required value", kGpuOperatorRulesNotChecked}},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"bogus": 1, "rdma": {"enabled": true, "extra": "x"}}})",
           .want_pruned = {"spec.bogus", "spec.rdma.extra"}},
      });
}

TEST(GpuOperatorCrdsTest, ClusterPolicy) {
  RunFixtureCases(
      "clusterpolicies.nvidia.com",
      R"({"metadata": {"name": "cluster-policy"},
          "spec": {"daemonsets": {}, "dcgm": {}, "dcgmExporter": {}, "devicePlugin": {},
                   "driver": {}, "gfd": {}, "nodeStatusExporter": {}, "operator": {},
                   "toolkit": {}}})",
      {
          {.name = "minimal object"},
          {.name = "missing driver",
           .patch = R"({"spec": {"driver": null}})",
           .want_errors = {"spec.driver: Required value"}},
          {.name = "image pattern",
           .patch = R"({"spec": {"driver": {"image": "@@"}}})",
           .want_errors =
               {R"(spec.driver.image: Invalid value: "@@": spec.driver.image in body should match '[a-zA-Z0-9\-]+')"}},
          {.name = "duration pattern",
           .patch = R"({"spec": {"dcgmExporter": {"serviceMonitor": {"interval": "5 minutes"}}}})",
           .want_errors =
               {R"(spec.dcgmExporter.serviceMonitor.interval: Invalid value: "5 minutes": spec.dcgmExporter.serviceMonitor.interval in body should match '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$')"}},
          {.name = "defaults inside array items and enum",
           .patch =
               R"({"spec": {"dcgmExporter": {"serviceMonitor": {"relabelings": [{}, {"action": "explode"}]}}}})",
           .want_errors =
               {R"(spec.dcgmExporter.serviceMonitor.relabelings[1].action: Unsupported value: "explode": supported values: "replace", "Replace", "keep", "Keep", "drop", "Drop", "hashmod", "HashMod", "labelmap", "LabelMap", "labeldrop", "LabelDrop", "labelkeep", "LabelKeep", "lowercase", "Lowercase", "uppercase", "Uppercase", "keepequal", "KeepEqual", "dropequal", "DropEqual")"},
           .want_values = {{"/spec/dcgmExporter/serviceMonitor/relabelings/0/action",
                            R"("replace")"}}},
          {.name = "status enum",
           .patch = R"({"status": {"state": "done"}})",
           .want_errors =
               {R"(status.state: Unsupported value: "done": supported values: "ignored", "ready", "notReady")"}},
          {.name = "wrong type",
           .patch = R"({"spec": {"operator": {"defaultRuntime": 5}}})",
           .want_errors =
               {R"(spec.operator.defaultRuntime: Invalid value: "integer": spec.operator.defaultRuntime in body must be of type string: "integer")"}},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"driver": {"bogus": true}}})",
           .want_pruned = {"spec.driver.bogus"}},
      });
}

}  // namespace
}  // namespace gpuext::emulator::schema
