// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// RecordUpdate: the managedFields of ordinary writes, and how applies meet them.

#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "apply_fixtures.h"
#include "gpuext/emulator/patch/server_side_apply.h"
#include "gpuext/error.h"

namespace gpuext::emulator::patch {
namespace {

using nlohmann::json;
using testing::Deployment;
using testing::DeploymentSchema;
using testing::Entry;
using testing::kDeploymentFields;
using testing::kT0;
using testing::kT1;
using testing::kT2;
using ::testing::ThrowsMessage;
using testing::WithManagedFields;

// kDeploymentFields without .spec.replicas.
constexpr char kWithoutReplicas[] = R"({
  "f:metadata": {"f:labels": {"f:app": {}}},
  "f:spec": {"f:selector": {},
             "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
                            "f:spec": {"f:containers": {"k:{\"name\":\"app\"}":
                                          {".": {}, "f:image": {}, "f:name": {}}}}}}})";

TEST(RecordUpdateTest, GivesTheWriterWhatItChanged) {
  struct Case {
    std::string name;
    std::optional<json> live;
    json updated;
    std::string manager;
    std::string subresource;
    json want;
  };
  const json applied =
      WithManagedFields(Deployment(), {Entry("kubectl", "Apply", kT1, kDeploymentFields)});
  json scaled = applied;
  scaled["spec"]["replicas"] = 5;
  json unlabelled = applied;
  unlabelled["metadata"].erase("labels");
  json with_status = applied;
  with_status["status"] = {{"replicas", 2}};
  json status_entry =
      Entry("kube-controller-manager", "Update", kT2, R"({"f:status": {"f:replicas": {}}})");
  status_entry["subresource"] = "status";
  json edited = WithManagedFields(
      Deployment(), {Entry("kubectl-edit", "Update", kT0, R"({"f:spec": {"f:paused": {}}})")});
  edited["spec"]["paused"] = true;
  json edited_again = edited;
  edited_again["spec"]["replicas"] = 3;

  const std::vector<Case> cases = {
      {"a create records every field it sets", std::nullopt, Deployment(), "kubectl-create", "",
       WithManagedFields(Deployment(),
                         {Entry("kubectl-create", "Update", kT2, kDeploymentFields)})},
      {"an update takes the changed field from the applier", applied, scaled, "hpa", "",
       WithManagedFields(scaled,
                         {Entry("kubectl", "Apply", kT1, kWithoutReplicas),
                          Entry("hpa", "Update", kT2, R"({"f:spec": {"f:replicas": {}}})")})},
      {"a write that changes nothing changes no entry", applied, applied, "hpa", "", applied},
      {"removed fields leave every entry and give the writer nothing", applied, unlabelled,
       "kubectl-edit", "",
       WithManagedFields(unlabelled,
                         {Entry("kubectl", "Apply", kT1, R"({"f:spec": {"f:replicas": {},
         "f:selector": {}, "f:template": {"f:metadata": {"f:labels": {"f:app": {}}},
         "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})")})},
      {"a status write is recorded with its subresource", applied, with_status,
       "kube-controller-manager", "status",
       WithManagedFields(with_status,
                         {Entry("kubectl", "Apply", kT1, kDeploymentFields), status_entry})},
      {"the writer's earlier entry grows", edited, edited_again, "kubectl-edit", "",
       WithManagedFields(edited_again,
                         {Entry("kubectl-edit", "Update", kT2,
                                R"({"f:spec": {"f:paused": {}, "f:replicas": {}}})")})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const json got = RecordUpdate(c.live ? &*c.live : nullptr, c.updated, c.manager, c.subresource,
                                  DeploymentSchema(), kT2);
    EXPECT_EQ(got, c.want) << got.dump(2);
  }
}

TEST(RecordUpdateTest, AnApplyThenConflictsWithTheWriter) {
  json live = WithManagedFields(Deployment(), {Entry("kubectl", "Apply", kT0, kDeploymentFields)});
  json scaled = live;
  scaled["spec"]["replicas"] = 5;
  const json after_hpa = RecordUpdate(&live, scaled, "hpa", "", DeploymentSchema(), kT1);
  EXPECT_THAT(
      [&] {
        (void)ServerSideApply(&after_hpa, Deployment(), "kubectl", false, DeploymentSchema(), kT2);
      },
      ThrowsMessage<ApplyConflict>(::testing::StrEq(
          R"(Apply failed with 1 conflict: conflict with "hpa" using apps/v1: .spec.replicas)")));
}

TEST(RecordUpdateTest, RefusesNonObjects) {
  EXPECT_THAT([] { (void)RecordUpdate(nullptr, json::array(), "m", "", nullptr, kT2); },
              ThrowsMessage<Error>(::testing::StrEq("the updated object is not a JSON object")));
}

}  // namespace
}  // namespace gpuext::emulator::patch
