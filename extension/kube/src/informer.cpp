// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Informer: lifecycle, handler registration and the dispatcher thread. The list/watch side is
// in informer_reflector.cpp.
#include "gpuext/kube/informer.h"

#include <utility>

namespace gpuext::kube {

Informer::Informer(Client& client, Resource resource, InformerOptions options, Clock& clock,
                   Logger log)
    : client_(client),
      resource_(std::move(resource)),
      options_(std::move(options)),
      clock_(clock),
      log_(log.WithName("informer").WithValues({{"resource", resource_.String()}})) {}

Informer::~Informer() { Stop(); }

void Informer::AddEventHandler(ResourceEventHandler handler) {
  // The snapshot and the registration travel through the queue together, so the handler sees
  // exactly the changes queued after the snapshot was taken.
  std::lock_guard lock(apply_mu_);
  Enqueue({.kind = Notification::Kind::kAddHandler,
           .handler = std::make_shared<ResourceEventHandler>(std::move(handler)),
           .snapshot = store_.List()});
}

void Informer::AddIndex(std::string name, IndexFunc func) {
  store_.AddIndex(std::move(name), std::move(func));
}

void Informer::Start() {
  thread_ = std::jthread([this](std::stop_token stop) { Run(std::move(stop)); });
}

void Informer::Stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

bool Informer::HasSynced() const { return synced_.load(); }

bool Informer::WaitForSync(std::stop_token stop, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(synced_mu_);
  // Real time: this waits for other threads to make progress, not for a modelled interval.
  synced_cv_.wait_for(lock, stop, timeout, [&] { return synced_.load(); });
  return synced_.load();
}

std::string Informer::LastSyncResourceVersion() const {
  std::lock_guard lock(apply_mu_);
  return resource_version_;
}

void Informer::Enqueue(Notification n) {
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back(std::move(n));
  }
  queue_cv_.notify_one();
}

void Informer::DispatchLoop(const std::stop_token& stop) {
  while (true) {
    Notification n;
    {
      std::unique_lock lock(queue_mu_);
      if (!queue_cv_.wait(lock, stop, [&] { return !queue_.empty(); })) {
        return;  // stopped
      }
      n = std::move(queue_.front());
      queue_.pop_front();
    }
    Deliver(n);
  }
}

void Informer::Deliver(const Notification& n) {
  using Kind = Notification::Kind;
  if (n.kind == Kind::kSynced) {
    {
      std::lock_guard lock(synced_mu_);
      synced_.store(true);
    }
    synced_cv_.notify_all();
    return;
  }
  if (n.kind == Kind::kAddHandler) {
    handlers_.push_back(n.handler);
  }
  const auto targets = n.kind == Kind::kAddHandler ? std::vector{n.handler} : handlers_;
  for (const auto& h : targets) {
    // Boundary: a handler's exception must not end the dispatcher thread.
    try {
      switch (n.kind) {
        case Kind::kAdd:
          if (h->on_add) {
            h->on_add(n.obj, n.initial);
          }
          break;
        case Kind::kUpdate:
          if (h->on_update) {
            h->on_update(n.old_obj, n.obj);
          }
          break;
        case Kind::kDelete:
          if (h->on_delete) {
            h->on_delete(n.obj);
          }
          break;
        case Kind::kAddHandler:
          if (h->on_add) {
            for (const auto& obj : n.snapshot) {
              h->on_add(obj, true);
            }
          }
          break;
        case Kind::kSynced:
          break;
      }
    } catch (const std::exception& e) {
      log_.Error(e, "Event handler failed");
    } catch (...) {
      log_.Error("Event handler failed", {{"error", "unknown exception"}});
    }
  }
}

}  // namespace gpuext::kube
