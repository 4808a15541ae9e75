// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// ExtensionReconciler: the generic reconciler of Gardener's extensions library
// (extensions/pkg/controller/{extension,containerruntime}) for any extension kind, around an
// Actuator (DESIGN.md §7, gardener-contract.md §1). It owns, so the actuator never does:
//   - fetch (NotFound → done), the Cluster (tolerated when absent), skipping objects whose
//     shoot's last operation Failed, `wait-for-state`, and everything after a successful
//     Migrate except Restore and Delete;
//   - the operation type (ComputeOperationType) and force deletion;
//   - the finalizer: added before Reconcile/Restore, removed after a successful Delete, all
//     removed after Migrate;
//   - `gardener.cloud/operation`: `reconcile` removed before the actuator runs, `migrate` and
//     `restore` after it succeeded;
//   - status through merge patches on /status: Processing → Succeeded | Error (with ERR_*
//     codes from the thrown gpuext::Error), observedGeneration.
//
//   ExtensionReconciler reconciler(ExtensionKind::Extension("nvidia-gpu"), seed, actuator, {});
//   kube::Controller controller("nvidia-gpu-extension", cache, reconciler);
//   controller.For(reconciler.kind().resource, ExtensionPredicates(reconciler.kind(), {}));
//
// Thread safety: Reconcile may run concurrently for different objects (the actuator must then
// be safe for that too); the controller never runs two reconciles of one object at once.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/gardener/actuator.h"
#include "gpuext/kube/predicate.h"
#include "gpuext/kube/reconciler.h"
#include "gpuext/kube/resource.h"

namespace gpuext::gardener {

inline const kube::Resource kExtensions{"extensions.gardener.cloud", "v1alpha1", "extensions"};
inline const kube::Resource kContainerRuntimes{"extensions.gardener.cloud", "v1alpha1",
                                               "containerruntimes"};
inline const kube::Resource kClusters{"extensions.gardener.cloud", "v1alpha1", "clusters",
                                      /*namespaced=*/false};

// Which objects a reconciler handles and how it marks them.
struct ExtensionKind {
  kube::Resource resource;
  std::string kind;       // "Extension", for status descriptions and logs
  std::string type;       // spec.type handled, e.g. "nvidia-gpu"
  std::string finalizer;  // put on every object this reconciler has acted on

  // Extension of `type`; finalizer extensions.gardener.cloud/<type>.
  static ExtensionKind Extension(const std::string& type);
  // ContainerRuntime of `type`; the Go library's fixed finalizer
  // extensions.gardener.cloud/containerruntime.
  static ExtensionKind ContainerRuntime(const std::string& type);
};

struct ExtensionReconcilerOptions {
  // Timestamps written into status; nullptr: RealClock::Instance(). Must outlive the reconciler.
  Clock* clock = nullptr;
};

class ExtensionReconciler final : public kube::Reconciler {
 public:
  // `seed` and `actuator` must outlive the reconciler.
  ExtensionReconciler(ExtensionKind kind, kube::Client& seed, Actuator& actuator,
                      ExtensionReconcilerOptions options = {});

  kube::Result Reconcile(const kube::ReconcileContext& ctx, const kube::Request& request) override;

  [[nodiscard]] const ExtensionKind& kind() const { return kind_; }

 private:
  struct Call;

  kube::Result Run(Call& call);
  kube::Result RunDelete(Call& call);
  kube::Result RunMigrate(Call& call);
  kube::Result RunReconcileOrRestore(Call& call);
  // Runs one actuator operation between a Processing and a Succeeded/Error status. Returns
  // nullopt when the actuator is done; otherwise the requeue delay it asked for.
  std::optional<std::chrono::milliseconds> Operate(Call& call);

  void EnsureFinalizer(Call& call);
  void RemoveFinalizers(Call& call, bool all);
  void RemoveOperationAnnotation(Call& call);
  void PatchStatus(Call& call, const nlohmann::json& patch);

  const ExtensionKind kind_;
  kube::Client& seed_;
  Actuator& actuator_;
  Clock& clock_;
};

struct ExtensionPredicateOptions {
  // --ignore-operation-annotation: reconcile on generation changes instead of on gardenlet's
  // operation annotation (the controller should then also watch Cluster objects).
  bool ignore_operation_annotation = false;
};

// The event filters Gardener's extension controllers use: this kind's spec.type with class
// shoot (or none), then the operation-annotation predicates of predicates.h (or generation
// changes), so the controller does not reconcile on its own status writes.
[[nodiscard]] std::vector<kube::Predicate> ExtensionPredicates(
    const ExtensionKind& kind, const ExtensionPredicateOptions& options);

}  // namespace gpuext::gardener
