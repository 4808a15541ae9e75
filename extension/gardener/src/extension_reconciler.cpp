// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/extension_reconciler.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gardener/constants.h"
#include "gpuext/gardener/operation.h"
#include "gpuext/gardener/predicates.h"
#include "gpuext/gardener/status.h"
#include "gpuext/kube/object.h"

namespace gpuext::gardener {

using nlohmann::json;

namespace {

const json& Metadata(const json& obj) {
  static const json kEmpty = json::object();
  const auto meta = obj.find("metadata");
  return meta != obj.end() && meta->is_object() ? *meta : kEmpty;
}

std::vector<std::string> Finalizers(const json& obj) {
  std::vector<std::string> out;
  const json& meta = Metadata(obj);
  if (const auto list = meta.find("finalizers"); list != meta.end() && list->is_array()) {
    for (const json& f : *list) {
      if (f.is_string()) {
        out.push_back(f.get<std::string>());
      }
    }
  }
  return out;
}

bool HasFinalizer(const json& obj, const std::string& finalizer) {
  const auto all = Finalizers(obj);
  return std::find(all.begin(), all.end(), finalizer) != all.end();
}

// Gardener's ShootNeedsForceDeletion: the shoot is being deleted and an operator confirmed
// that its extensions may go without waiting for the shoot's cluster.
bool ShootNeedsForceDeletion(const std::optional<Cluster>& cluster) {
  if (!cluster || !cluster->IsBeingDeleted()) {
    return false;
  }
  const json& annotations = Metadata(cluster->shoot()).value("annotations", json::object());
  const auto value = annotations.find(std::string(kForceDeletionAnnotation));
  return value != annotations.end() && value->is_string() && *value == "true";
}

// Wording of the Go library's status descriptions ("Reconciling the Extension", "Successfully
// reconciled Extension", "Error reconciling Extension: ..."). Create uses the reconcile
// wording there, so it does here.
struct Wording {
  const char* gerund;
  const char* participle;
};

Wording WordingOf(OperationType type) {
  switch (type) {
    case OperationType::kDelete:
      return {"Deleting", "deleted"};
    case OperationType::kMigrate:
      return {"Migrating", "migrated"};
    case OperationType::kRestore:
      return {"Restoring", "restored"};
    case OperationType::kCreate:
    case OperationType::kReconcile:
      break;
  }
  return {"Reconciling", "reconciled"};
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

ExtensionKind ExtensionKind::Extension(const std::string& type) {
  return {kExtensions, "Extension", type, std::string(kFinalizerPrefix) + type};
}

ExtensionKind ExtensionKind::ContainerRuntime(const std::string& type) {
  return {kContainerRuntimes, "ContainerRuntime", type, std::string(kContainerRuntimeFinalizer)};
}

// State of one Reconcile call.
struct ExtensionReconciler::Call {
  const kube::ReconcileContext& ctx;
  kube::ObjectKey key;
  json obj;  // the newest version this call has seen (refreshed after each own write)
  std::optional<Cluster> cluster = std::nullopt;
  OperationType type = OperationType::kReconcile;
  Logger log = Logger::Root();
};

ExtensionReconciler::ExtensionReconciler(ExtensionKind kind, kube::Client& seed, Actuator& actuator,
                                         ExtensionReconcilerOptions options)
    : kind_(std::move(kind)),
      seed_(seed),
      actuator_(actuator),
      clock_(options.clock != nullptr ? *options.clock : RealClock::Instance()) {}

kube::Result ExtensionReconciler::Reconcile(const kube::ReconcileContext& ctx,
                                            const kube::Request& request) {
  auto obj = seed_.Get(kind_.resource, request.Key());
  if (!obj) {
    return {};  // deleted meanwhile: nothing is left to do (the finalizer made sure of that)
  }
  // Watches mapped from other kinds (Cluster) may name objects of another type.
  if (!HasTypeAndShootClass(*obj, kind_.type)) {
    return {};
  }
  Call call{.ctx = ctx, .key = request.Key(), .obj = std::move(*obj), .log = ctx.log};
  if (auto cluster = seed_.Get(kClusters, {"", request.ns})) {
    call.cluster = Cluster::FromObject(*cluster);
  }
  return Run(call);
}

kube::Result ExtensionReconciler::Run(Call& call) {
  if (call.cluster && call.cluster->IsFailed()) {
    call.log.Info("Skipping the reconciliation: the shoot's last operation failed",
                  {{"kind", kind_.kind}});
    return {};
  }
  if (OperationAnnotation(call.obj) == kOperationWaitForState) {
    call.log.Info("Skipping the reconciliation: waiting for the state to be restored",
                  {{"kind", kind_.kind}});
    return {};
  }
  call.type = ComputeOperationType(call.obj);
  call.log = call.log.WithValues(
      {{"kind", kind_.kind}, {"operation", std::string(OperationTypeName(call.type))}});
  if (IsMigrated(call.obj) && call.type != OperationType::kRestore &&
      call.type != OperationType::kDelete) {
    call.log.Info("Skipping: the object was migrated to another seed");
    return {};
  }
  if (call.type == OperationType::kMigrate) {
    return RunMigrate(call);
  }
  if (kube::IsBeingDeleted(call.obj)) {
    call.type = OperationType::kDelete;
    return RunDelete(call);
  }
  return RunReconcileOrRestore(call);
}

kube::Result ExtensionReconciler::RunReconcileOrRestore(Call& call) {
  EnsureFinalizer(call);
  if (OperationAnnotation(call.obj) == kOperationReconcile) {
    // Removed before acting: an annotation gardenlet sets while we work means "again".
    RemoveOperationAnnotation(call);
  }
  if (const auto requeue = Operate(call)) {
    return {.requeue_after = *requeue};
  }
  if (call.type == OperationType::kRestore && OperationAnnotation(call.obj) == kOperationRestore) {
    RemoveOperationAnnotation(call);
  }
  return {};
}

kube::Result ExtensionReconciler::RunDelete(Call& call) {
  if (!HasFinalizer(call.obj, kind_.finalizer)) {
    // Never acted on (or already cleaned up): nothing of ours can be left.
    call.log.Info("Deletion is a no-op: the object does not carry our finalizer");
    return {};
  }
  if (const auto requeue = Operate(call)) {
    return {.requeue_after = *requeue};
  }
  RemoveFinalizers(call, /*all=*/false);
  return {};
}

kube::Result ExtensionReconciler::RunMigrate(Call& call) {
  if (const auto requeue = Operate(call)) {
    return {.requeue_after = *requeue};
  }
  // The destination seed's gardenlet re-creates the object; nothing here may block its
  // deletion from this seed (the Go library removes every finalizer, not only its own).
  RemoveFinalizers(call, /*all=*/true);
  if (OperationAnnotation(call.obj) == kOperationMigrate) {
    RemoveOperationAnnotation(call);
  }
  return {};
}

std::optional<std::chrono::milliseconds> ExtensionReconciler::Operate(Call& call) {
  const Wording words = WordingOf(call.type);
  PatchStatus(
      call, ProcessingStatusPatch(call.obj, call.type,
                                  std::string(words.gerund) + " the " + kind_.kind, clock_.Now()));
  const ActuatorContext actx{.seed = seed_,
                             .cluster = call.cluster,
                             .log = call.log,
                             .clock = clock_,
                             .stop = call.ctx.stop};
  Outcome outcome = Outcome::Done();
  try {
    switch (call.type) {
      case OperationType::kCreate:
      case OperationType::kReconcile:
        outcome = actuator_.Reconcile(actx, call.obj);
        break;
      case OperationType::kDelete:
        outcome = ShootNeedsForceDeletion(call.cluster) ? actuator_.ForceDelete(actx, call.obj)
                                                        : actuator_.Delete(actx, call.obj);
        break;
      case OperationType::kMigrate:
        outcome = actuator_.Migrate(actx, call.obj);
        break;
      case OperationType::kRestore:
        outcome = actuator_.Restore(actx, call.obj);
        break;
    }
  } catch (...) {
    const std::exception_ptr failure = std::current_exception();
    ErrorCode code = ErrorCode::kInternal;
    try {
      std::rethrow_exception(failure);
    } catch (const Error& e) {
      code = e.code();
    } catch (...) {
    }
    const std::string description =
        "Error " + Lower(words.gerund) + " " + kind_.kind + ": " + DescribeException(failure);
    try {
      PatchStatus(call, ErrorStatusPatch(call.obj, call.type, description, code, clock_.Now()));
    } catch (const std::exception& e) {
      // The actuator's failure is what matters; the requeue retries the status too.
      call.log.Error(e, "Could not write the error status");
    }
    std::rethrow_exception(failure);
  }
  if (!outcome.done()) {
    call.log.Info("Not done yet, checking again later",
                  {{"after_ms", outcome.requeue_after()->count()}});
    return outcome.requeue_after();
  }
  PatchStatus(
      call, SucceededStatusPatch(call.obj, call.type,
                                 "Successfully " + std::string(words.participle) + " " + kind_.kind,
                                 clock_.Now()));
  return std::nullopt;
}

void ExtensionReconciler::EnsureFinalizer(Call& call) {
  if (HasFinalizer(call.obj, kind_.finalizer)) {
    return;
  }
  json updated = call.obj;
  updated["metadata"]["finalizers"].push_back(kind_.finalizer);
  // PUT with the resourceVersion we read: a concurrent change conflicts and is retried.
  call.obj = seed_.Update(kind_.resource, updated);
}

void ExtensionReconciler::RemoveFinalizers(Call& call, bool all) {
  json updated = call.obj;
  json kept = json::array();
  if (!all) {
    for (const std::string& f : Finalizers(call.obj)) {
      if (f != kind_.finalizer) {
        kept.push_back(f);
      }
    }
  }
  if (kept.size() == Finalizers(call.obj).size()) {
    return;
  }
  updated["metadata"]["finalizers"] = std::move(kept);
  call.obj = seed_.Update(kind_.resource, updated);
}

void ExtensionReconciler::RemoveOperationAnnotation(Call& call) {
  const json patch = {
      {"metadata", {{"annotations", {{std::string(kOperationAnnotation), nullptr}}}}}};
  call.obj = seed_.Patch(kind_.resource, call.key, kube::PatchType::kMerge, patch);
}

void ExtensionReconciler::PatchStatus(Call& call, const json& patch) {
  call.obj = seed_.Patch(kind_.resource, call.key, kube::PatchType::kMerge, patch,
                         kube::Subresource::kStatus);
}

std::vector<kube::Predicate> ExtensionPredicates(const ExtensionKind& kind,
                                                 const ExtensionPredicateOptions& options) {
  std::vector<kube::Predicate> out;
  out.push_back(kube::PredicateFromFilter(
      [type = kind.type](const json& obj) { return HasTypeAndShootClass(obj, type); }));
  kube::Predicate admit;
  if (options.ignore_operation_annotation) {
    admit.on_update = [](const json& old_obj, const json& new_obj) {
      return GenerationChanged(old_obj, new_obj);
    };
  } else {
    admit.on_create = [](const json& obj) { return AdmitCreate(obj); };
    admit.on_update = [](const json& old_obj, const json& new_obj) {
      return AdmitUpdate(old_obj, new_obj);
    };
  }
  // A deleted object has nothing left to reconcile (deletion runs through the finalizer while
  // it still exists); generic events come only from our own sources, which enqueue directly.
  admit.on_delete = [](const json&) { return false; };
  out.push_back(std::move(admit));
  return out;
}

}  // namespace gpuext::gardener
