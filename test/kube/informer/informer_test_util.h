// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the informer tests: a handler that records what it hears, and an
// item-by-item comparison of an informer's store with the server's list.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/kube/client.h"
#include "gpuext/kube/informer.h"

namespace gpuext::kube::testing {

// Records every notification as a line: "add ns/a initial", "update ns/a 5->6", "delete ns/a".
class RecordingHandler {
 public:
  ResourceEventHandler Handler() {
    return {.on_add =
                [this](const ObjectPtr& obj, bool initial) {
                  Push("add " + CacheKey(*obj) + (initial ? " initial" : ""));
                },
            .on_update =
                [this](const ObjectPtr& old_obj, const ObjectPtr& new_obj) {
                  Push("update " + CacheKey(*new_obj) + " " + Rv(*old_obj) + "->" + Rv(*new_obj) +
                       (old_obj == new_obj ? " resync" : ""));
                },
            .on_delete = [this](const ObjectPtr& obj) { Push("delete " + CacheKey(*obj)); }};
  }

  // Waits (real time: the dispatcher thread must make progress) until `n` lines were
  // recorded; returns them all.
  std::vector<std::string> WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return lines_.size() >= n; });
    return lines_;
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    lines_.clear();
  }

  static std::string Rv(const nlohmann::json& obj) {
    return obj["metadata"].value("resourceVersion", "");
  }

 private:
  void Push(std::string line) {
    {
      std::lock_guard lock(mu_);
      lines_.push_back(std::move(line));
    }
    cv_.notify_all();
  }

  std::mutex mu_;  // Guards lines_.
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

// Expects the informer's store to hold exactly the objects of `list` (a List answer), equal
// field by field (apiVersion/kind filled in on the list side, as the informer does).
inline void ExpectStoreEqualsList(const Informer& informer, const nlohmann::json& list) {
  std::map<std::string, nlohmann::json> expected;
  const std::string kind = list.value("kind", "");
  for (nlohmann::json item : list["items"]) {
    if (!item.contains("apiVersion")) {
      item["apiVersion"] = informer.resource().ApiVersion();
    }
    if (!item.contains("kind") && kind.ends_with("List")) {
      item["kind"] = kind.substr(0, kind.size() - 4);
    }
    expected.emplace(CacheKey(item), item);
  }
  const auto stored = informer.List();
  EXPECT_EQ(stored.size(), expected.size());
  for (const auto& obj : stored) {
    const auto it = expected.find(CacheKey(*obj));
    if (it == expected.end()) {
      ADD_FAILURE() << "store holds " << CacheKey(*obj) << " which the server does not";
      continue;
    }
    EXPECT_EQ(*obj, it->second) << "object " << it->first << " differs";
  }
}

}  // namespace gpuext::kube::testing
