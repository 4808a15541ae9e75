// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reconciler: the one method a controller calls (controller-runtime's reconcile.Reconciler).
// Reconciling is level-based: a Request names an object, not what happened to it, and the
// reconciler reads the current state (from the cache or the client) and drives the world
// towards it.
//
//   class PoolReconciler final : public kube::Reconciler {
//    public:
//     kube::Result Reconcile(const kube::ReconcileContext& ctx, const kube::Request& req) override
//     {
//       ctx.log.Info("Reconciling pool");           // carries controller, namespace, name,
//       reconcileID if (!Ready(req)) return {.requeue_after = 30s};  // "not yet" is an answer, not
//       an error return {};                                  // done: the key's backoff is
//       forgotten
//     }
//   };
//
// Failures are exceptions: the controller's worker catches everything a Reconcile throws
// (including non-std exceptions), logs it once with the reconcile ID and requeues the key
// rate-limited (5 ms, 10 ms, 20 ms, ... up to 1000 s).

#include <chrono>
#include <compare>
#include <functional>
#include <stop_token>
#include <string>
#include <utility>

#include "gpuext/clock.h"
#include "gpuext/kube/resource.h"
#include "gpuext/logger.h"

namespace gpuext::kube {

// The object to reconcile: namespace ("" when cluster-scoped) and name.
struct Request {
  std::string ns = {};
  std::string name = {};

  // "ns/name" or "name": the workqueue key.
  [[nodiscard]] std::string String() const { return ns.empty() ? name : ns + "/" + name; }
  [[nodiscard]] ObjectKey Key() const { return {ns, name}; }
  // Parses a workqueue key ("ns/name" or "name").
  [[nodiscard]] static Request FromKey(const std::string& key);

  friend bool operator==(const Request&, const Request&) = default;
  friend auto operator<=>(const Request&, const Request&) = default;
};

// What a successful Reconcile asks for next. The default value means "done": the key's
// rate-limiter memory is forgotten and it is reconciled again only on the next event.
struct Result {
  // Requeue rate-limited (with the key's backoff), as controller-runtime's Result.Requeue.
  bool requeue = false;
  // > 0: reconcile again after this long (wins over `requeue`), with the backoff forgotten.
  std::chrono::nanoseconds requeue_after{0};

  friend bool operator==(const Result&, const Result&) = default;
};

// What one Reconcile call is given besides the Request. Borrowed for the call only.
struct ReconcileContext {
  // Triggered when the manager's graceful-shutdown deadline passes while this reconcile still
  // runs: long waits should pass it to Clock::SleepUntil and give up when it fires.
  std::stop_token stop;
  // Carries controller, namespace, name and reconcileID.
  Logger log;
  // The controller's clock: use it for every wait and timestamp.
  Clock& clock;
  // A fresh UUID per Reconcile call, also in `log`.
  std::string reconcile_id;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;

  // Brings the object named by `request` to its desired state. Throws on failure (the key is
  // then requeued rate-limited). Never called twice at once for the same request; calls for
  // different requests may run concurrently (max_concurrent_reconciles > 1), so
  // implementations must then be safe for concurrent use.
  virtual Result Reconcile(const ReconcileContext& ctx, const Request& request) = 0;
};

// A Reconciler from a function, for small controllers and tests.
class ReconcilerFunc final : public Reconciler {
 public:
  using Func = std::function<Result(const ReconcileContext&, const Request&)>;
  explicit ReconcilerFunc(Func func) : func_(std::move(func)) {}

  Result Reconcile(const ReconcileContext& ctx, const Request& request) override {
    return func_(ctx, request);
  }

 private:
  const Func func_;
};

}  // namespace gpuext::kube
