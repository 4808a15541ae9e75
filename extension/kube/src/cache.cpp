// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/cache.h"

#include <utility>

#include <fmt/format.h>

namespace gpuext::kube {

namespace {

// Identifies an informer: the resource (with its version) and what it selects.
std::string InformerKey(const Resource& r, const InformerOptions& o) {
  return fmt::format("{}/{}/{}|{}|{}|{}", r.group, r.version, r.resource, o.ns, o.label_selector,
                     o.field_selector);
}

}  // namespace

Cache::Cache(Client& client, CacheOptions options, Clock& clock, Logger log)
    : client_(client), options_(options), clock_(clock), log_(std::move(log)) {}

Cache::~Cache() { Stop(); }

Informer& Cache::GetInformer(const Resource& resource, const InformerOptions& options) {
  std::lock_guard lock(mu_);
  auto& slot = informers_[InformerKey(resource, options)];
  if (slot == nullptr) {
    InformerOptions effective = options;
    if (effective.resync_period.count() == 0) {
      effective.resync_period = options_.default_resync_period;
    }
    slot = std::make_unique<Informer>(client_, resource, std::move(effective), clock_, log_);
    if (started_) {
      slot->Start();
    }
  }
  return *slot;
}

void Cache::Start() {
  std::lock_guard lock(mu_);
  if (started_) {
    return;
  }
  started_ = true;
  for (auto& [key, informer] : informers_) {
    informer->Start();
  }
}

void Cache::Stop() {
  for (Informer* informer : Informers()) {
    informer->Stop();
  }
}

std::vector<Informer*> Cache::Informers() const {
  std::lock_guard lock(mu_);
  std::vector<Informer*> out;
  for (const auto& [key, informer] : informers_) {
    out.push_back(informer.get());
  }
  return out;
}

bool Cache::HasSynced() const {
  for (const Informer* informer : Informers()) {
    if (!informer->HasSynced()) {
      return false;
    }
  }
  return true;
}

bool Cache::WaitForCacheSync(std::stop_token stop, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const Informer* informer : Informers()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !informer->WaitForSync(stop, left)) {
      return false;
    }
  }
  return true;
}

}  // namespace gpuext::kube
