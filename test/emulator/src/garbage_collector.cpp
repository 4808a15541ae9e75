// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// What kube-controller-manager's garbage collector and namespace controller and the CRD
// finalizer do, folded into one loop: ownerReference cascading (background, foreground,
// orphan), namespace finalisation and removal of a deleted CRD's objects.
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "api_server.h"
#include "api_status.h"
#include "crd.h"
#include "object_meta.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kGcPeriod{1};
// Passes are at least this far apart, so a burst of writes costs one pass, not one per write.
constexpr std::chrono::milliseconds kGcMinInterval{50};

struct Item {
  std::string key;
  ObjectPtr obj;
};

std::vector<std::string> OwnerUids(const json& obj) {
  std::vector<std::string> out;
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->contains("ownerReferences")) {
    return out;
  }
  for (const json& ref : (*meta)["ownerReferences"]) {
    out.push_back(ref.value("uid", ""));
  }
  return out;
}

bool Deleting(const json& obj) { return !Meta(obj, "deletionTimestamp").empty(); }

}  // namespace

// One pass over the whole store. Writes go through the same verbs a controller would use, so
// watches and admission see them; store conflicts are left for the next pass.
class GarbageCollector {
 public:
  explicit GarbageCollector(ApiServer& api) : api_(api) {
    for (auto& [key, obj] : api_.store_.All()) {
      uids_.insert(Meta(*obj, "uid"));
      items_.push_back({key, obj});
      for (const std::string& owner : OwnerUids(*obj)) {
        dependents_[owner].push_back(items_.size() - 1);
      }
    }
  }

  void Run() {
    for (const Item& item : items_) {
      try {
        Visit(item);
      } catch (const std::exception&) {
        // Boundary: a conflict or a vanished object; the next pass sees the new state.
      }
    }
  }

 private:
  ResourceTypePtr TypeOf(const std::string& key) const {
    const size_t slash = key.find('/');
    return api_.registry_.FindStorage(key.substr(0, slash), key.substr(slash + 1));
  }

  ApiRequest RequestFor(const ResourceTypePtr& type, const json& obj) const {
    return {.verb = "delete",
            .type = type,
            .ns = Meta(obj, "namespace"),
            .name = Meta(obj, "name"),
            .subresource = {},
            .query = {},
            .body = {},
            .content_type = {},
            .user = {"system:serviceaccount:kube-system:generic-garbage-collector",
                     {"system:serviceaccounts"}}};
  }

  void DeleteItem(const Item& item, const std::string& propagation) {
    if (Deleting(*item.obj) && propagation != "Foreground") {
      return;
    }
    const ResourceTypePtr type = TypeOf(item.key);
    if (type) {
      api_.DeleteObject(RequestFor(type, *item.obj), item.obj, propagation, 0, "");
    }
  }

  // Writes `updated` over `item` (finalizer or ownerReference bookkeeping) and removes it when
  // nothing holds it any more.
  void Write(const Item& item, json updated) {
    const ResourceTypePtr type = TypeOf(item.key);
    const ObjectPtr stored = api_.store_.Update(item.key, std::move(updated),
                                                std::stoull(Meta(*item.obj, "resourceVersion")));
    if (type) {
      api_.RemoveIfFinalized(*type, *stored);
    }
  }

  std::vector<const Item*> DependentsOf(const json& obj) const {
    std::vector<const Item*> out;
    const auto it = dependents_.find(Meta(obj, "uid"));
    if (it != dependents_.end()) {
      for (size_t i : it->second) {
        out.push_back(&items_[i]);
      }
    }
    return out;
  }

  void Visit(const Item& item) {
    const json& obj = *item.obj;
    if (Deleting(obj)) {
      if (item.key == "/namespaces") {
        FinalizeNamespace(item);
      } else if (HasFinalizer(obj, kCrdCleanupFinalizer)) {
        FinalizeCrd(item);
      } else if (HasFinalizer(obj, "foregroundDeletion")) {
        FinalizeForeground(item);
      } else if (HasFinalizer(obj, "orphan")) {
        FinalizeOrphan(item);
      }
      return;
    }
    CollectIfOrphaned(item);
  }

  void FinalizeNamespace(const Item& item) {
    const std::string ns = Meta(*item.obj, "name");
    bool remaining = false;
    for (const Item& other : items_) {
      if (other.key != "/namespaces" && Meta(*other.obj, "namespace") == ns) {
        remaining = true;
        DeleteItem(other, "Background");
      }
    }
    if (!remaining) {
      json updated = *item.obj;
      updated["spec"]["finalizers"] = json::array();
      Write(item, std::move(updated));
    }
  }

  void FinalizeCrd(const Item& item) {
    const json& spec = (*item.obj)["spec"];
    const std::string key = spec.value("group", "") + "/" + spec["names"].value("plural", "");
    bool remaining = false;
    for (const Item& other : items_) {
      if (other.key == key) {
        remaining = true;
        DeleteItem(other, "Background");
      }
    }
    if (!remaining) {
      json updated = *item.obj;
      RemoveFinalizer(updated, kCrdCleanupFinalizer);
      Write(item, std::move(updated));
    }
  }

  void FinalizeForeground(const Item& item) {
    const std::vector<const Item*> dependents = DependentsOf(*item.obj);
    for (const Item* d : dependents) {
      DeleteItem(*d, "Foreground");
    }
    if (dependents.empty()) {
      json updated = *item.obj;
      RemoveFinalizer(updated, "foregroundDeletion");
      Write(item, std::move(updated));
    }
  }

  void FinalizeOrphan(const Item& item) {
    const std::string uid = Meta(*item.obj, "uid");
    for (const Item* d : DependentsOf(*item.obj)) {
      json updated = *d->obj;
      json& refs = updated["metadata"]["ownerReferences"];
      refs.erase(std::remove_if(refs.begin(), refs.end(),
                                [&](const json& r) { return r.value("uid", "") == uid; }),
                 refs.end());
      if (refs.empty()) {
        updated["metadata"].erase("ownerReferences");
      }
      Write(*d, std::move(updated));
    }
    json updated = *item.obj;
    RemoveFinalizer(updated, "orphan");
    Write(item, std::move(updated));
  }

  // An object whose owners are all gone is deleted; dangling references next to a live owner
  // are dropped.
  void CollectIfOrphaned(const Item& item) {
    const std::vector<std::string> owners = OwnerUids(*item.obj);
    if (owners.empty()) {
      return;
    }
    size_t alive = 0;
    for (const std::string& uid : owners) {
      alive += uids_.contains(uid) ? 1 : 0;
    }
    if (alive == 0) {
      DeleteItem(item, "Background");
    } else if (alive < owners.size()) {
      json updated = *item.obj;
      json& refs = updated["metadata"]["ownerReferences"];
      refs.erase(std::remove_if(refs.begin(), refs.end(),
                                [&](const json& r) { return !uids_.contains(r.value("uid", "")); }),
                 refs.end());
      Write(item, std::move(updated));
    }
  }

  ApiServer& api_;
  std::vector<Item> items_;
  std::unordered_set<std::string> uids_;
  std::unordered_map<std::string, std::vector<size_t>> dependents_;  // owner uid → items_
};

void ApiServer::CollectGarbageOnce() { GarbageCollector(*this).Run(); }

void ApiServer::RunGarbageCollector(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(gc_mu_);
      gc_wakeup_.wait_for(lock, stop, kGcPeriod, [&] { return gc_pending_; });
      gc_pending_ = false;
    }
    if (stop.stop_requested()) {
      return;
    }
    std::this_thread::sleep_for(kGcMinInterval);
    try {
      CollectGarbageOnce();
    } catch (const std::exception& e) {
      // Boundary of the collector thread: log and try again on the next pass.
      log_.Error(e, "Garbage collection pass failed");
    }
  }
}

}  // namespace gpuext::emulator
