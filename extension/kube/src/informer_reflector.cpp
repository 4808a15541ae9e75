// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Informer's reflector: list, then watch from the list's resourceVersion, resume watches, and
// relist on 410 Gone with a diff against the store (client-go's Reflector and DeltaFIFO
// Replace, folded into one place).
#include <algorithm>
#include <map>
#include <utility>

#include "gpuext/kube/api_error.h"
#include "gpuext/kube/informer.h"

namespace gpuext::kube {

using nlohmann::json;

namespace {

std::string ResourceVersionOf(const json& obj) {
  const auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) {
    return {};
  }
  return m->value("resourceVersion", "");
}

// The reflector's retry delay: doubles from `initial` up to `max`; Reset after success.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(initial), max_(max), next_(initial) {}
  std::chrono::milliseconds Next() {
    const auto current = next_;
    next_ = std::min(next_ * 2, max_);
    return current;
  }
  void Reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

}  // namespace

void Informer::Run(std::stop_token stop) {
  std::jthread dispatcher([this](std::stop_token st) { DispatchLoop(st); });
  std::jthread resync;
  if (options_.resync_period.count() > 0) {
    resync = std::jthread([this](std::stop_token st) { ResyncLoop(st); });
  }
  Backoff backoff(options_.initial_backoff, options_.max_backoff);
  bool need_list = true;
  while (!stop.stop_requested()) {
    // Boundary of the informer's thread: every failure is logged and retried after a backoff.
    try {
      if (need_list) {
        ListAndReplace();
        need_list = false;
        backoff.Reset();
      }
      switch (WatchOnce(stop)) {
        case WatchEnd::kStopped:
          break;
        case WatchEnd::kGone:
          log_.Info("Watch expired, relisting");
          need_list = true;
          break;
        case WatchEnd::kEnded:
          backoff.Reset();
          break;
        case WatchEnd::kError:
          need_list = true;
          clock_.SleepFor(backoff.Next(), stop);
          break;
        case WatchEnd::kEndedEmpty:
          clock_.SleepFor(backoff.Next(), stop);
          break;
      }
    } catch (const std::exception& e) {
      if (IsGone(e)) {
        log_.Info("Watch expired, relisting");
        need_list = true;
        continue;
      }
      log_.Error(e, need_list ? "List failed" : "Watch failed");
      clock_.SleepFor(backoff.Next(), stop);
    }
  }
  // The dispatcher and resync threads stop and join here, as their jthreads go out of scope.
}

ObjectPtr Informer::Normalize(json obj) const {
  // List items come without apiVersion/kind; watch events carry them. Fill them in so every
  // snapshot looks the same whichever way it arrived.
  if (!obj.contains("apiVersion")) {
    obj["apiVersion"] = resource_.ApiVersion();
  }
  if (!obj.contains("kind") && !kind_.empty()) {
    obj["kind"] = kind_;
  }
  return std::make_shared<const json>(std::move(obj));
}

void Informer::ListAndReplace() {
  ListOptions list_options{.ns = options_.ns,
                           .label_selector = options_.label_selector,
                           .field_selector = options_.field_selector,
                           .limit = options_.page_size,
                           .resource_version = "",  // the latest state, read consistently
                           .allow_watch_bookmarks = false,
                           .timeout_seconds = std::nullopt};
  json list = client_.List(resource_, list_options);

  std::lock_guard lock(apply_mu_);
  const std::string list_kind = list.value("kind", "");
  if (list_kind.size() > 4 && list_kind.ends_with("List")) {
    kind_ = list_kind.substr(0, list_kind.size() - 4);
  }
  std::map<std::string, ObjectPtr> listed;
  if (list.contains("items") && list["items"].is_array()) {
    for (auto& item : list["items"]) {
      ObjectPtr obj = Normalize(std::move(item));
      listed.emplace(CacheKey(*obj), std::move(obj));
    }
  }
  // Objects that vanished while we were not watching: the last known state is all we have.
  for (const auto& key : store_.ListKeys()) {
    if (!listed.contains(key)) {
      Enqueue({.kind = Notification::Kind::kDelete, .obj = store_.Remove(key)});
    }
  }
  for (auto& [key, obj] : listed) {
    const ObjectPtr previous = store_.Get(key);
    if (previous == nullptr) {
      store_.Upsert(obj);
      Enqueue({.kind = Notification::Kind::kAdd, .obj = obj, .initial = !listed_once_});
    } else if (ResourceVersionOf(*previous) != ResourceVersionOf(*obj)) {
      store_.Upsert(obj);
      Enqueue({.kind = Notification::Kind::kUpdate, .old_obj = previous, .obj = obj});
    }
  }
  if (!listed_once_) {
    listed_once_ = true;
    Enqueue({.kind = Notification::Kind::kSynced});
  }
  resource_version_ = ResourceVersionOf(list);
  log_.Debug("Listed", {{"items", listed.size()}, {"resourceVersion", resource_version_}});
}

Informer::WatchEnd Informer::WatchOnce(const std::stop_token& stop) {
  ListOptions watch_options{.ns = options_.ns,
                            .label_selector = options_.label_selector,
                            .field_selector = options_.field_selector,
                            .resource_version = LastSyncResourceVersion(),
                            .allow_watch_bookmarks = true,
                            .timeout_seconds = options_.watch_timeout_seconds};
  const auto stream = client_.Watch(resource_, watch_options, stop);
  std::size_t events = 0;
  while (auto event = stream->Next()) {
    ++events;
    if (event->type == WatchEvent::Type::kError) {
      const json& status = event->object;
      const int code = status.is_object() ? status.value("code", 0) : 0;
      if (code == 410) {
        return WatchEnd::kGone;
      }
      log_.Error("Watch returned an error",
                 {{"code", code},
                  {"reason", status.is_object() ? status.value("reason", "") : ""},
                  {"message", status.is_object() ? status.value("message", "") : ""}});
      return WatchEnd::kError;
    }
    ApplyWatchEvent(*event);
  }
  if (stop.stop_requested()) {
    return WatchEnd::kStopped;
  }
  return events > 0 ? WatchEnd::kEnded : WatchEnd::kEndedEmpty;
}

void Informer::ApplyWatchEvent(const WatchEvent& event) {
  std::lock_guard lock(apply_mu_);
  const std::string rv = ResourceVersionOf(event.object);
  switch (event.type) {
    case WatchEvent::Type::kBookmark:
      break;  // Only the resourceVersion moves.
    case WatchEvent::Type::kAdded:
    case WatchEvent::Type::kModified: {
      ObjectPtr obj = Normalize(event.object);
      ObjectPtr previous = store_.Upsert(obj);
      if (previous == nullptr) {
        Enqueue({.kind = Notification::Kind::kAdd, .obj = std::move(obj)});
      } else {
        Enqueue({.kind = Notification::Kind::kUpdate,
                 .old_obj = std::move(previous),
                 .obj = std::move(obj)});
      }
      break;
    }
    case WatchEvent::Type::kDeleted: {
      ObjectPtr obj = Normalize(event.object);
      if (store_.Remove(CacheKey(*obj)) != nullptr) {
        Enqueue({.kind = Notification::Kind::kDelete, .obj = std::move(obj)});
      }
      break;
    }
    case WatchEvent::Type::kError:
      break;  // Handled by WatchOnce.
  }
  if (!rv.empty()) {
    resource_version_ = rv;
  }
}

void Informer::ResyncLoop(const std::stop_token& stop) {
  while (clock_.SleepFor(options_.resync_period, stop)) {
    std::lock_guard lock(apply_mu_);
    if (!listed_once_) {
      continue;
    }
    for (const auto& obj : store_.List()) {
      Enqueue({.kind = Notification::Kind::kUpdate, .old_obj = obj, .obj = obj});
    }
  }
}

}  // namespace gpuext::kube
