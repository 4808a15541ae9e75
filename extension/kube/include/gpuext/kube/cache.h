// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Cache: the informers of one process, shared by its controllers (controller-runtime's
// informer cache). One informer per resource and selector, created on first use.
//
//   kube::Cache cache(client);
//   kube::Informer& nodes = cache.GetInformer(kNodes);
//   nodes.AddEventHandler({...});
//   cache.Start();
//   if (!cache.WaitForCacheSync(stop, 2min)) { ... }  // readyz stays false until then
//
// Thread safety: safe for concurrent use. Informer references stay valid until the Cache is
// destroyed.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/kube/informer.h"
#include "gpuext/logger.h"

namespace gpuext::kube {

struct CacheOptions {
  // Resync period of informers whose options ask for none.
  std::chrono::milliseconds default_resync_period{0};
};

class Cache {
 public:
  explicit Cache(Client& client, CacheOptions options = {}, Clock& clock = RealClock::Instance(),
                 Logger log = Logger::Root());
  ~Cache();  // Stop()
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // The informer for `resource` with the namespace and selectors of `options`, created on
  // first use (its other options, such as the resync period, come from that first call). A
  // started cache starts new informers at once.
  Informer& GetInformer(const Resource& resource, const InformerOptions& options = {});

  // Starts every informer, and every one created later. Idempotent.
  void Start();
  // Stops and joins every informer.
  void Stop();

  // True when every informer created so far has synced.
  [[nodiscard]] bool HasSynced() const;
  // Waits (real time, up to `timeout`) until HasSynced or `stop` fires; returns HasSynced().
  bool WaitForCacheSync(std::stop_token stop, std::chrono::milliseconds timeout) const;

 private:
  [[nodiscard]] std::vector<Informer*> Informers() const;

  Client& client_;
  const CacheOptions options_;
  Clock& clock_;
  const Logger log_;

  mutable std::mutex mu_;  // Guards informers_ and started_.
  std::map<std::string, std::unique_ptr<Informer>> informers_;
  bool started_ = false;
};

}  // namespace gpuext::kube
