// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// FakeClient's watch side: the change history, delivery to open watches with selector
// semantics, and the test controls (bookmarks, injected errors, compaction).
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "fake_client_watcher.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/testing/fake_client.h"

namespace gpuext::kube::testing {

using nlohmann::json;

namespace {

class FakeWatchStream final : public WatchStream {
 public:
  FakeWatchStream(std::shared_ptr<FakeClient::Watcher> watcher, std::stop_token stop)
      : watcher_(std::move(watcher)), stop_(std::move(stop)) {}
  ~FakeWatchStream() override { watcher_->Close(); }
  FakeWatchStream(const FakeWatchStream&) = delete;
  FakeWatchStream& operator=(const FakeWatchStream&) = delete;

  std::optional<WatchEvent> Next() override { return watcher_->Pop(stop_); }

 private:
  std::shared_ptr<FakeClient::Watcher> watcher_;
  std::stop_token stop_;
};

json GoneStatus(int code, const std::string& message) {
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", json::object()},
          {"status", "Failure"},
          {"message", message},
          {"reason", code == 410 ? "Expired" : "InternalError"},
          {"code", code}};
}

// The event an open watch sees for one change, or nullopt when the change is invisible to it.
// A label-selected watch sees an object leave its selector as DELETED and enter it as ADDED.
std::optional<WatchEvent> EventFor(const FakeClient::Watcher& w, WatchEvent::Type type,
                                   const json& old_object, const json& object) {
  const bool now = w.Matches(object);
  if (type == WatchEvent::Type::kModified) {
    const bool before = !old_object.is_null() && w.Matches(old_object);
    if (before && now) {
      return WatchEvent{WatchEvent::Type::kModified, object};
    }
    if (now) {
      return WatchEvent{WatchEvent::Type::kAdded, object};
    }
    if (before) {
      return WatchEvent{WatchEvent::Type::kDeleted, object};
    }
    return std::nullopt;
  }
  if (!now) {
    return std::nullopt;
  }
  return WatchEvent{type, object};
}

}  // namespace

bool FakeClient::Watcher::Matches(const json& object) const {
  if (!ns.empty()) {
    const auto m = object.find("metadata");
    if (m == object.end() || m->value("namespace", "") != ns) {
      return false;
    }
  }
  const auto m = object.find("metadata");
  const json labels_json =
      m != object.end() && m->contains("labels") ? (*m)["labels"] : json(nullptr);
  return labels.Matches(labels_json) && fields.Matches(object);
}

void FakeClient::Watcher::Push(WatchEvent event) {
  {
    std::lock_guard lock(mu_);
    if (closed_) {
      return;
    }
    queue_.push_back(std::move(event));
  }
  cv_.notify_all();
}

void FakeClient::Watcher::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool FakeClient::Watcher::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::optional<WatchEvent> FakeClient::Watcher::Pop(const std::stop_token& stop) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, stop, [&] { return !queue_.empty() || closed_; });
  if (queue_.empty()) {
    return std::nullopt;  // closed, or stopped
  }
  WatchEvent event = std::move(queue_.front());
  queue_.pop_front();
  return event;
}

void FakeClient::Record(const Resource& resource, WatchEvent::Type type, const json& old_object,
                        const json& object) {
  HistoryEntry entry{.resource_key = resource.String(),
                     .resource_version = resource_version_,
                     .type = type,
                     .old_object = old_object,
                     .object = object};
  Dispatch(entry);
  if (options_.watch_history == 0) {
    compacted_rv_ = resource_version_;
    return;
  }
  history_.push_back(std::move(entry));
  while (history_.size() > options_.watch_history) {
    compacted_rv_ = history_.front().resource_version;
    history_.pop_front();
  }
}

void FakeClient::Dispatch(const HistoryEntry& entry) {
  std::erase_if(watchers_, [](const auto& w) { return w->closed(); });
  for (const auto& w : watchers_) {
    if (w->resource_key != entry.resource_key) {
      continue;
    }
    if (auto event = EventFor(*w, entry.type, entry.old_object, entry.object)) {
      w->Push(std::move(*event));
    }
  }
}

std::unique_ptr<WatchStream> FakeClient::Watch(const Resource& resource, const ListOptions& options,
                                               std::stop_token stop) {
  RunHook({.verb = Verb::kWatch, .resource = resource, .list_options = &options});
  auto watcher = std::make_shared<Watcher>();
  watcher->resource_key = resource.String();
  watcher->ns = options.ns;
  watcher->bookmarks = options.allow_watch_bookmarks;
  try {
    watcher->labels = LabelSelector::Parse(options.label_selector);
    watcher->fields = FieldSelector::Parse(options.field_selector);
  } catch (const std::exception& e) {
    throw ApiError(400, "BadRequest", e.what());
  }

  std::lock_guard lock(mu_);
  const std::string& rv_text = options.resource_version;
  if (rv_text.empty() || rv_text == "0") {
    // "Start at the current state": synthetic ADDED for what exists now.
    for (const auto& [key, obj] : ObjectsOf(resource)) {
      if (watcher->Matches(obj)) {
        watcher->Push({WatchEvent::Type::kAdded, obj});
      }
    }
  } else {
    std::int64_t rv = 0;
    const auto [end, ec] = std::from_chars(rv_text.data(), rv_text.data() + rv_text.size(), rv);
    if (ec != std::errc() || end != rv_text.data() + rv_text.size()) {
      throw ApiError(400, "BadRequest", fmt::format("invalid resourceVersion \"{}\"", rv_text));
    }
    if (rv < compacted_rv_) {
      const std::string message =
          fmt::format("too old resource version: {} ({})", rv, compacted_rv_);
      if (options_.gone_as_exception) {
        throw ApiError(410, "Expired", message);
      }
      watcher->Push({WatchEvent::Type::kError, GoneStatus(410, message)});
      watcher->Close();
      return std::make_unique<FakeWatchStream>(watcher, std::move(stop));
    }
    for (const auto& entry : history_) {
      if (entry.resource_version > rv && entry.resource_key == watcher->resource_key) {
        if (auto event = EventFor(*watcher, entry.type, entry.old_object, entry.object)) {
          watcher->Push(std::move(*event));
        }
      }
    }
  }
  watchers_.push_back(watcher);
  return std::make_unique<FakeWatchStream>(watcher, std::move(stop));
}

void FakeClient::SendBookmarks() {
  std::lock_guard lock(mu_);
  for (const auto& w : watchers_) {
    if (w->bookmarks && !w->closed()) {
      w->Push({WatchEvent::Type::kBookmark,
               {{"metadata", {{"resourceVersion", std::to_string(resource_version_)}}}}});
    }
  }
}

void FakeClient::InjectWatchError(const Resource& resource, int code) {
  std::lock_guard lock(mu_);
  for (const auto& w : watchers_) {
    if (w->resource_key == resource.String()) {
      w->Push({WatchEvent::Type::kError, GoneStatus(code, "injected watch error")});
      w->Close();
    }
  }
}

void FakeClient::CloseWatches(const Resource& resource) {
  std::lock_guard lock(mu_);
  for (const auto& w : watchers_) {
    if (w->resource_key == resource.String()) {
      w->Close();
    }
  }
}

void FakeClient::CompactWatchHistory() {
  std::lock_guard lock(mu_);
  history_.clear();
  compacted_rv_ = resource_version_;
}

std::size_t FakeClient::OpenWatches(const Resource& resource) const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& w : watchers_) {
    n += (w->resource_key == resource.String() && !w->closed()) ? 1 : 0;
  }
  return n;
}

}  // namespace gpuext::kube::testing
