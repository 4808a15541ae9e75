// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// The patch metadata of the built-in kinds, one entry per line. Checked against the
// `patchStrategy`/`patchMergeKey` tags (and +structType/+listType markers) of k8s.io/api and
// k8s.io/apimachinery. Lists without tags are replaced whether listed or not; the kReplace entries
// below record lists that were checked and deliberately have no strategy.

#include "builtin_schemas.h"

#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace gpuext::emulator::patch::internal {
namespace {

using S = FieldStrategy;

struct Entry {
  std::string_view path;
  FieldStrategy strategy = S::kReplace;
  std::string_view merge_key = {};
  bool retain_keys = false;
};

// metav1.ObjectMeta, wherever it appears ("metadata", "spec.template.metadata").
constexpr Entry kObjectMeta[] = {
    {"finalizers", S::kMergeSet},
    {"ownerReferences", S::kMergeByKey, "uid"},
    {"managedFields", S::kReplace},
};

// core/v1 Container and EphemeralContainerCommon (containers, initContainers,
// ephemeralContainers).
constexpr Entry kContainer[] = {
    {"ports", S::kMergeByKey, "containerPort"},
    {"env", S::kMergeByKey, "name"},
    {"volumeMounts", S::kMergeByKey, "mountPath"},
    {"volumeDevices", S::kMergeByKey, "devicePath"},
    {"envFrom", S::kReplace},
    {"resizePolicy", S::kReplace},
    {"env.valueFrom.configMapKeyRef", S::kAtomicMap},
    {"env.valueFrom.secretKeyRef", S::kAtomicMap},
    {"env.valueFrom.fieldRef", S::kAtomicMap},
    {"env.valueFrom.resourceFieldRef", S::kAtomicMap},
};

// core/v1 PodSpec.
constexpr Entry kPodSpec[] = {
    {"volumes", S::kMergeByKey, "name", true},
    {"initContainers", S::kMergeByKey, "name"},
    {"containers", S::kMergeByKey, "name"},
    {"ephemeralContainers", S::kMergeByKey, "name"},
    {"imagePullSecrets", S::kMergeByKey, "name"},
    {"hostAliases", S::kMergeByKey, "ip"},
    {"topologySpreadConstraints", S::kMergeByKey, "topologyKey"},
    {"schedulingGates", S::kMergeByKey, "name"},
    {"resourceClaims", S::kMergeByKey, "name", true},
    {"tolerations", S::kReplace},
    {"readinessGates", S::kReplace},
    {"nodeSelector", S::kAtomicMap},
    {"affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution", S::kAtomicMap},
};

// core/v1 PodStatus. Container statuses carry no tags: they are replaced whole.
constexpr Entry kPodStatus[] = {
    {"conditions", S::kMergeByKey, "type"},
    {"podIPs", S::kMergeByKey, "ip"},
    {"hostIPs", S::kMergeByKey, "ip"},
    {"resourceClaimStatuses", S::kMergeByKey, "name", true},
    {"containerStatuses", S::kReplace},
    {"initContainerStatuses", S::kReplace},
    {"ephemeralContainerStatuses", S::kReplace},
};

// The status of the workload kinds (apps/v1 Deployment, DaemonSet, StatefulSet; batch/v1 Job).
constexpr Entry kWorkloadStatus[] = {
    {"status.conditions", S::kMergeByKey, "type"},
};

// admissionregistration/v1 Mutating/ValidatingWebhookConfiguration.
constexpr Entry kWebhookConfiguration[] = {
    {"webhooks", S::kMergeByKey, "name"},
    {"webhooks.matchConditions", S::kMergeByKey, "name"},
    {"webhooks.rules", S::kReplace},
    {"webhooks.namespaceSelector", S::kAtomicMap},
    {"webhooks.objectSelector", S::kAtomicMap},
};

// Collects the entries of one kind under their prefixes.
class KindBuilder {
 public:
  KindBuilder& Add(std::string_view prefix, std::span<const Entry> entries) {
    for (const Entry& e : entries) {
      fields_.push_back({.path = JoinPath(prefix, e.path),
                         .strategy = e.strategy,
                         .merge_key = std::string(e.merge_key),
                         .retain_keys = e.retain_keys});
    }
    return *this;
  }
  KindBuilder& Add(std::initializer_list<Entry> entries) {
    return Add("", std::span<const Entry>(entries.begin(), entries.size()));
  }
  KindBuilder& Meta() { return Add("metadata", kObjectMeta); }
  KindBuilder& PodSpec(std::string_view prefix) {
    Add(prefix, kPodSpec);
    for (std::string_view list : {"containers", "initContainers", "ephemeralContainers"}) {
      Add(JoinPath(prefix, list), kContainer);
    }
    return *this;
  }
  // A workload's pod template plus its atomic label selector.
  KindBuilder& PodTemplate() {
    Add("spec.template.metadata", kObjectMeta);
    Add({{"spec.selector", S::kAtomicMap}});
    return PodSpec("spec.template.spec");
  }
  [[nodiscard]] std::vector<PatchField> Build() const { return fields_; }

 private:
  std::vector<PatchField> fields_;
};

using SchemaMap = std::map<std::pair<std::string, std::string>, PatchSchema, std::less<>>;

void Define(SchemaMap& out, std::string_view group, std::string_view kind,
            const KindBuilder& builder) {
  out.emplace(std::make_pair(std::string(group), std::string(kind)), PatchSchema(builder.Build()));
}

SchemaMap BuildAll() {
  SchemaMap m;
  // core/v1
  Define(m, "", "Pod", KindBuilder().Meta().PodSpec("spec").Add("status", kPodStatus));
  Define(m, "", "Service",
         KindBuilder().Meta().Add({
             {"spec.ports", S::kMergeByKey, "port"},
             {"spec.selector", S::kAtomicMap},
             {"status.conditions", S::kMergeByKey, "type"},
         }));
  Define(m, "", "ConfigMap", KindBuilder().Meta());
  Define(m, "", "Secret", KindBuilder().Meta());
  Define(m, "", "Namespace",
         KindBuilder().Meta().Add({
             {"spec.finalizers", S::kReplace},
             {"status.conditions", S::kMergeByKey, "type"},
         }));
  Define(m, "", "Node",
         KindBuilder().Meta().Add({
             {"spec.podCIDRs", S::kMergeSet},
             {"spec.taints", S::kReplace},
             {"status.conditions", S::kMergeByKey, "type"},
             {"status.addresses", S::kMergeByKey, "type"},
             {"status.images", S::kReplace},
             {"status.volumesAttached", S::kReplace},
         }));
  Define(m, "", "ServiceAccount",
         KindBuilder().Meta().Add({
             {"secrets", S::kMergeByKey, "name"},
             {"imagePullSecrets", S::kReplace},
         }));
  Define(m, "", "Endpoints",
         KindBuilder().Meta().Add({
             {"subsets", S::kReplace},
         }));
  Define(m, "", "Event", KindBuilder().Meta());
  Define(m, "", "ResourceQuota", KindBuilder().Meta());
  // apps/v1
  Define(m, "apps", "Deployment",
         KindBuilder()
             .Meta()
             .PodTemplate()
             .Add("", kWorkloadStatus)
             .Add({
                 {"spec.strategy", S::kMergeMap, "", true},
             }));
  Define(m, "apps", "DaemonSet", KindBuilder().Meta().PodTemplate().Add("", kWorkloadStatus));
  Define(m, "apps", "StatefulSet",
         KindBuilder()
             .Meta()
             .PodTemplate()
             .Add("", kWorkloadStatus)
             .Add({
                 {"spec.volumeClaimTemplates", S::kReplace},
             }));
  // batch/v1
  Define(m, "batch", "Job",
         KindBuilder()
             .Meta()
             .PodTemplate()
             .Add("", kWorkloadStatus)
             .Add({
                 {"spec.podFailurePolicy.rules", S::kReplace},
             }));
  // rbac.authorization.k8s.io/v1
  const KindBuilder role = KindBuilder().Meta().Add({{"rules", S::kReplace}});
  const KindBuilder binding = KindBuilder().Meta().Add({{"subjects", S::kReplace}});
  Define(m, "rbac.authorization.k8s.io", "Role", role);
  Define(m, "rbac.authorization.k8s.io", "ClusterRole",
         KindBuilder(role).Add({{"aggregationRule.clusterRoleSelectors", S::kReplace}}));
  Define(m, "rbac.authorization.k8s.io", "RoleBinding", binding);
  Define(m, "rbac.authorization.k8s.io", "ClusterRoleBinding", binding);
  // coordination.k8s.io/v1, node.k8s.io/v1
  Define(m, "coordination.k8s.io", "Lease", KindBuilder().Meta());
  Define(m, "node.k8s.io", "RuntimeClass",
         KindBuilder().Meta().Add({{"scheduling.tolerations", S::kReplace}}));
  // admissionregistration.k8s.io/v1
  Define(m, "admissionregistration.k8s.io", "MutatingWebhookConfiguration",
         KindBuilder().Meta().Add("", kWebhookConfiguration));
  Define(m, "admissionregistration.k8s.io", "ValidatingWebhookConfiguration",
         KindBuilder().Meta().Add("", kWebhookConfiguration));
  // Typed built-ins without merge keys beyond metadata.
  Define(m, "events.k8s.io", "Event", KindBuilder().Meta());
  Define(m, "discovery.k8s.io", "EndpointSlice",
         KindBuilder().Meta().Add({{"endpoints", S::kReplace}, {"ports", S::kReplace}}));
  Define(m, "apiextensions.k8s.io", "CustomResourceDefinition",
         KindBuilder().Meta().Add({{"status.conditions", S::kReplace}}));
  return m;
}

}  // namespace

const PatchSchema* BuiltinSchema(std::string_view group, std::string_view kind) {
  static const SchemaMap kSchemas = BuildAll();
  auto it = kSchemas.find(std::make_pair(std::string(group), std::string(kind)));
  return it == kSchemas.end() ? nullptr : &it->second;
}

}  // namespace gpuext::emulator::patch::internal
