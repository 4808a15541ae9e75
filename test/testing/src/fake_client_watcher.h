// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private to FakeClient: one open watch and the stream handed to the caller.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "gpuext/kube/selector.h"
#include "gpuext/testing/fake_client.h"

namespace gpuext::kube::testing {

// The client pushes events under its own lock; the stream pops them. Safe for concurrent use.
struct FakeClient::Watcher {
  std::string resource_key;
  std::string ns;
  LabelSelector labels;
  FieldSelector fields;
  bool bookmarks = true;

  // Whether `object` is visible to this watch (namespace and selectors).
  [[nodiscard]] bool Matches(const nlohmann::json& object) const;
  void Push(WatchEvent event);
  void Close();
  [[nodiscard]] bool closed() const;
  // Blocks until an event is queued, the watch is closed (nullopt once drained) or stop fires.
  std::optional<WatchEvent> Pop(const std::stop_token& stop);

 private:
  mutable std::mutex mu_;  // Guards queue_ and closed_.
  std::condition_variable_any cv_;
  std::deque<WatchEvent> queue_;
  bool closed_ = false;
};

}  // namespace gpuext::kube::testing
