// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The Gardener CRDs from ../shared/fixtures/gardener-crds: one table per CRD, each object put
// through prune, default and validate as kube-apiserver would.

#include <gtest/gtest.h>

#include "fixture_support.h"

namespace gpuext::emulator::schema {
namespace {

using testing::FixtureCase;
using testing::RunFixtureCases;

// Extension, ContainerRuntime and OperatingSystemConfig have CEL rules, so kube-apiserver adds
// this after any blocking error (Required, Unsupported, type errors) instead of running them.
constexpr const char* kRulesNotChecked =
    R"(<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation)";

constexpr std::string_view kValidLastOperation =
    R"({"description": "done", "lastUpdateTime": "2026-08-21T10:00:00Z", "progress": 100,
        "state": "Succeeded", "type": "Reconcile"})";

std::string WithLastOperation(std::string_view last_operation) {
  return R"({"status": {"lastOperation": )" + std::string(last_operation) + "}}";
}

TEST(GardenerCrdsTest, Extension) {
  RunFixtureCases(
      "extensions.extensions.gardener.cloud",
      R"({"metadata": {"name": "gpu", "namespace": "shoot--p--s"}, "spec": {"type": "gpu"}})",
      {
          {.name = "minimal object"},
          {.name = "complete status",
           .patch = R"({"status": {"lastOperation": )" + std::string(kValidLastOperation) +
                    R"(, "conditions": [{"type": "EveryNodeReady", "status": "True",
                        "reason": "Ready", "message": "ok",
                        "lastTransitionTime": "2026-08-21T10:00:00Z",
                        "lastUpdateTime": "2026-08-21T10:00:00Z"}],
                        "observedGeneration": 3}})"},
          {.name = "providerConfig keeps unknown fields",
           .patch =
               R"({"spec": {"providerConfig": {"apiVersion": "gpu.extensions.gardener.cloud/v1alpha1",
                        "kind": "GPUConfig", "driver": {"version": "550"}}}})"},
          {.name = "wrong type",
           .patch = R"({"spec": {"type": 5}})",
           .want_errors =
               {R"(spec.type: Invalid value: "integer": spec.type in body must be of type string: "integer")",
                kRulesNotChecked}},
          {.name = "missing spec.type",
           .patch = R"({"spec": {"type": null}})",
           .want_errors = {"spec.type: Required value", kRulesNotChecked}},
          {.name = "missing spec",
           .patch = R"({"spec": null})",
           .want_errors = {"spec: Required value", kRulesNotChecked}},
          {.name = "lastOperation misses required fields",
           .patch = WithLastOperation(R"({"state": "Succeeded"})"),
           .want_errors = {"status.lastOperation.description: Required value",
                           "status.lastOperation.lastUpdateTime: Required value",
                           "status.lastOperation.progress: Required value",
                           "status.lastOperation.type: Required value", kRulesNotChecked}},
          {.name = "date-time",
           .patch =
               R"({"status": {"lastOperation": {"description": "d", "lastUpdateTime": "yesterday",
                        "progress": 1, "state": "Error", "type": "Reconcile"}}})",
           .want_errors =
               {R"(status.lastOperation.lastUpdateTime: Invalid value: "yesterday": status.lastOperation.lastUpdateTime in body must be of type date-time: "yesterday")",
                kRulesNotChecked}},
          {.name = "int32 progress out of range",
           .patch =
               R"({"status": {"lastOperation": {"description": "d", "lastUpdateTime": "2026-08-21T10:00:00Z",
                        "progress": 3000000000, "state": "Error", "type": "Reconcile"}}})",
           .want_errors =
               {R"(<nil>: Invalid value: "": Checked value must be of type integer with format int32 in status.lastOperation.progress)"}},
          {.name = "conditions report the item index",
           .patch = R"({"status": {"conditions": [{"type": "A", "status": "True", "reason": "r",
                        "message": "m", "lastTransitionTime": "2026-08-21T10:00:00Z",
                        "lastUpdateTime": "2026-08-21T10:00:00Z"}, {"type": "B", "status": "False"}]}})",
           .want_errors = {"status.conditions[1].lastTransitionTime: Required value",
                           "status.conditions[1].lastUpdateTime: Required value",
                           "status.conditions[1].message: Required value",
                           "status.conditions[1].reason: Required value", kRulesNotChecked}},
          {.name = "spec.class is immutable",
           .patch = R"({"spec": {"class": "shoot"}})",
           .old_patch = R"({"spec": {"class": "garden"}})",
           .want_errors = {R"(spec.class: Invalid value: "shoot": Value is immutable)"}},
          {.name = "spec.class unchanged",
           .patch = R"({"spec": {"class": "garden", "type": "gpu"}})",
           .old_patch = R"({"spec": {"class": "garden"}})"},
          {.name = "spec.class set for the first time",
           .patch = R"({"spec": {"class": "garden"}})",
           .old_patch = "{}"},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"flavour": "x"}, "extra": true})",
           .want_pruned = {"extra", "spec.flavour"}},
      });
}

TEST(GardenerCrdsTest, ContainerRuntime) {
  RunFixtureCases(
      "containerruntimes.extensions.gardener.cloud",
      R"({"metadata": {"name": "nvidia-gpu", "namespace": "shoot--p--s"},
          "spec": {"type": "nvidia", "binaryPath": "/var/bin/containerruntimes",
                   "workerPool": {"name": "gpu", "selector": {"matchLabels": {"worker.gardener.cloud/pool": "gpu"}}}}})",
      {
          {.name = "minimal object"},
          {.name = "missing workerPool.name",
           .patch = R"({"spec": {"workerPool": {"name": null}}})",
           .want_errors = {"spec.workerPool.name: Required value", kRulesNotChecked}},
          {.name = "wrong type",
           .patch = R"({"spec": {"binaryPath": 5}})",
           .want_errors =
               {R"(spec.binaryPath: Invalid value: "integer": spec.binaryPath in body must be of type string: "integer")",
                kRulesNotChecked}},
          {.name = "matchLabels values are strings",
           .patch =
               R"({"spec": {"workerPool": {"selector": {"matchLabels": {"worker.gardener.cloud/pool": true}}}}})",
           .want_errors =
               {R"(spec.workerPool.selector.matchLabels.worker.gardener.cloud/pool: Invalid value: "boolean": spec.workerPool.selector.matchLabels.worker.gardener.cloud/pool in body must be of type string: "boolean")",
                kRulesNotChecked}},
          {.name = "matchExpressions need an operator",
           .patch =
               R"({"spec": {"workerPool": {"selector": {"matchExpressions": [{"key": "a"}]}}}})",
           .want_errors = {"spec.workerPool.selector.matchExpressions[0].operator: Required value",
                           kRulesNotChecked}},
          {.name = "spec.class is immutable",
           .patch = R"({"spec": {"class": "shoot"}})",
           .old_patch = R"({"spec": {"class": "garden"}})",
           .want_errors = {R"(spec.class: Invalid value: "shoot": Value is immutable)"}},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"workerPool": {"zones": ["a"]}}})",
           .want_pruned = {"spec.workerPool.zones"}},
      });
}

TEST(GardenerCrdsTest, OperatingSystemConfig) {
  RunFixtureCases(
      "operatingsystemconfigs.extensions.gardener.cloud",
      R"({"metadata": {"name": "osc", "namespace": "shoot--p--s"},
          "spec": {"type": "gardenlinux", "purpose": "reconcile"}})",
      {
          {.name = "minimal object"},
          {.name = "with a CRI config",
           .patch = R"({"spec": {"criConfig": {"name": "containerd"}}})"},
          {.name = "missing purpose",
           .patch = R"({"spec": {"purpose": null}})",
           .want_errors = {"spec.purpose: Required value", kRulesNotChecked}},
          {.name = "enum",
           .patch = R"({"spec": {"criConfig": {"name": "docker"}}})",
           .want_errors =
               {R"(spec.criConfig.name: Unsupported value: "docker": supported values: "containerd")",
                kRulesNotChecked}},
          {.name = "files need content",
           .patch =
               R"({"spec": {"files": [{"path": "/etc/a", "content": {"inline": {"data": "x", "encoding": ""}}},
                                            {"path": "/etc/b"}]}})",
           .want_errors = {"spec.files[1].content: Required value", kRulesNotChecked}},
          {.name = "file permissions are integers",
           .patch = R"({"spec": {"files": [{"path": "/etc/a", "permissions": "0644",
                                             "content": {"inline": {"data": "x", "encoding": ""}}}]}})",
           .want_errors =
               {R"(spec.files[0].permissions: Invalid value: "string": spec.files[0].permissions in body must be of type integer: "string")",
                kRulesNotChecked}},
          {.name = "spec.class is immutable",
           .patch = R"({"spec": {"class": "shoot"}})",
           .old_patch = R"({"spec": {"class": "garden"}})",
           .want_errors = {R"(spec.class: Invalid value: "shoot": Value is immutable)"}},
          {.name = "spec.criConfig.name unchanged",
           .patch = R"({"spec": {"criConfig": {"name": "containerd", "cgroupDriver": "systemd"}}})",
           .old_patch = R"({"spec": {"criConfig": {"name": "containerd"}}})"},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"units": [{"name": "a.service", "bogus": 1}]}})",
           .want_pruned = {"spec.units[0].bogus"}},
      });
}

TEST(GardenerCrdsTest, ManagedResource) {
  RunFixtureCases(
      "managedresources.resources.gardener.cloud",
      R"({"metadata": {"name": "extension-gpu-shared", "namespace": "shoot--p--s"},
          "spec": {"secretRefs": [{"name": "managedresource-extension-gpu-shared"}]}})",
      {
          {.name = "minimal object"},
          {.name = "defaults inside array items",
           .patch = R"({"spec": {"secretRefs": [{}]}})",
           .want_values = {{"/spec/secretRefs/0/name", R"("")"}}},
          {.name = "missing secretRefs",
           .patch = R"({"spec": {"secretRefs": null}})",
           .want_errors = {"spec.secretRefs: Required value"}},
          {.name = "wrong type",
           .patch = R"({"spec": {"keepObjects": "yes"}})",
           .want_errors =
               {R"(spec.keepObjects: Invalid value: "string": spec.keepObjects in body must be of type boolean: "string")"}},
          {.name = "injectLabels values are strings",
           .patch = R"({"spec": {"injectLabels": {"a": "x", "b": 5}}})",
           .want_errors =
               {R"(spec.injectLabels.b: Invalid value: "integer": spec.injectLabels.b in body must be of type string: "integer")"}},
          {.name = "equivalences are lists of lists",
           .patch = R"({"spec": {"equivalences": [[{"group": "apps"}]]}})",
           .want_errors = {"spec.equivalences[0][0].kind: Required value"}},
          {.name = "unknown fields are pruned",
           .patch = R"({"spec": {"secretRefs": [{"name": "a", "namespace": "b"}]}})",
           .want_pruned = {"spec.secretRefs[0].namespace"}},
      });
}

TEST(GardenerCrdsTest, Cluster) {
  RunFixtureCases(
      "clusters.extensions.gardener.cloud",
      R"({"metadata": {"name": "shoot--p--s"},
          "spec": {"cloudProfile": {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "CloudProfile"},
                   "seed": {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Seed"},
                   "shoot": {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Shoot",
                             "spec": {"provider": {"workers": [{"name": "gpu"}]}}}}})",
      {
          {.name = "minimal object"},
          {.name = "missing shoot",
           .patch = R"({"spec": {"shoot": null}})",
           .want_errors = {"spec.shoot: Required value"}},
          {.name = "wrong type",
           .patch = R"({"spec": {"cloudProfile": "aws"}})",
           .want_errors =
               {R"(spec.cloudProfile: Invalid value: "string": spec.cloudProfile in body must be of type object: "string")"}},
          {.name = "unknown fields are pruned, preserved ones are not",
           .patch = R"({"spec": {"garden": {}, "shoot": {"status": {"anything": 1}}}})",
           .want_pruned = {"spec.garden"}},
      });
}

}  // namespace
}  // namespace gpuext::emulator::schema
