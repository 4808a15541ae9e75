// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The watch verb: initial events, resourceVersion rules, bookmarks, 410 Gone, timeouts.
#include <fmt/format.h>

#include "api_server.h"
#include "api_status.h"
#include "object_meta.h"
#include "watch_filter.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// kube-apiserver's default minimum request timeout for watches is 1800 s.
constexpr std::chrono::seconds kDefaultWatchTimeout{1800};

json EventJson(const char* type, json object) {
  return {{"type", type}, {"object", std::move(object)}};
}

json Bookmark(const ResourceType& type, uint64_t rv, bool initial_events_end) {
  json meta = {{"resourceVersion", std::to_string(rv)}};
  if (initial_events_end) {
    meta["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  }
  return EventJson("BOOKMARK",
                   {{"kind", type.kind}, {"apiVersion", type.ApiVersion()}, {"metadata", meta}});
}

json ErrorEvent(const ApiStatus& status) { return EventJson("ERROR", status.ToJson()); }

std::chrono::seconds WatchTimeout(const ApiRequest& req) {
  const std::string t = req.Param("timeoutSeconds");
  if (t.empty()) {
    return kDefaultWatchTimeout;
  }
  try {
    return std::chrono::seconds(std::max(0LL, std::stoll(t)));
  } catch (const std::exception&) {
    throw BadRequest(fmt::format("invalid timeoutSeconds: {}", t));
  }
}

// The event a watcher with `selectors` sees for one change: a modification that moves an
// object into or out of the selection is an ADDED or DELETED, as the watch cache does.
const char* VisibleType(const WatchEvent& e, const Selectors& selectors) {
  const bool now = selectors.Matches(*e.object);
  switch (e.type) {
    case WatchEvent::Type::kAdded:
      return now ? "ADDED" : nullptr;
    case WatchEvent::Type::kDeleted:
      return now ? "DELETED" : nullptr;
    case WatchEvent::Type::kModified: {
      const bool before = e.previous && selectors.Matches(*e.previous);
      if (before && now) {
        return "MODIFIED";
      }
      if (now) {
        return "ADDED";
      }
      return before ? "DELETED" : nullptr;
    }
  }
  return nullptr;
}

}  // namespace

void ApiServer::ValidateWatch(const ApiRequest& req) {
  (void)Selectors::FromRequest(req);
  (void)WatchTimeout(req);
  const std::string rv = req.Param("resourceVersion");
  if (!rv.empty() && rv.find_first_not_of("0123456789") != std::string::npos) {
    throw BadRequest(fmt::format("invalid resource version: {}", rv));
  }
  if (req.Param("sendInitialEvents") == "true" &&
      (req.Param("resourceVersionMatch") != "NotOlderThan" ||
       req.Param("allowWatchBookmarks") != "true")) {
    throw Invalid("ListOptions", "meta.k8s.io", "",
                  {FieldError::Forbidden("sendInitialEvents",
                                         "sendInitialEvents requires resourceVersionMatch="
                                         "NotOlderThan and allowWatchBookmarks=true")});
  }
}

void ApiServer::Watch(const ApiRequest& req, const std::function<bool(const json&)>& write,
                      std::stop_token stop) {
  const ResourceType& type = *req.type;
  const Selectors selectors = Selectors::FromRequest(req);
  const Clock::time_point deadline = Clock::now() + WatchTimeout(req);
  const bool bookmarks = req.Param("allowWatchBookmarks") == "true";
  const std::string rv_param = req.Param("resourceVersion");
  const bool send_initial = req.Param("sendInitialEvents") == "true";
  const std::string key = type.StorageKey();
  const auto in_scope = [&](const json& obj) {
    // A named watch (fieldSelector metadata.name or the single-object URL) is a selector too.
    return (req.ns.empty() || Meta(obj, "namespace") == req.ns) &&
           (req.name.empty() || Meta(obj, "name") == req.name);
  };

  uint64_t from = 0;
  if (rv_param.empty() || rv_param == "0" || send_initial) {
    // "Start at most recent" (or any): synthetic ADDED events for the current state first.
    const ObjectStore::ListResult current = store_.List(key, req.ns);
    from = current.resource_version;
    for (const ObjectPtr& obj : current.items) {
      if (in_scope(*obj) && selectors.Matches(*obj) &&
          !write(EventJson("ADDED", Served(type, *obj)))) {
        return;
      }
    }
    if (send_initial && !write(Bookmark(type, from, true))) {
      return;
    }
  } else {
    try {
      from = std::stoull(rv_param);
    } catch (const std::exception&) {
      throw BadRequest(fmt::format("invalid resource version: {}", rv_param));
    }
  }

  Clock::time_point last_bookmark = Clock::now();
  const auto cancelled = [&] { return stop.stop_requested(); };
  while (!stop.stop_requested() && Clock::now() < deadline) {
    std::vector<WatchEvent> events;
    try {
      const Clock::time_point wake =
          bookmarks ? std::min(deadline, last_bookmark + options_.bookmark_interval) : deadline;
      events = store_.EventsAfter(from, wake, cancelled);
    } catch (const StoreError& e) {
      // The watcher's resourceVersion has been compacted away: clients relist.
      write(ErrorEvent(Gone(e.what())));
      return;
    }
    for (const WatchEvent& e : events) {
      from = e.resource_version;
      if (e.storage_key != key || !in_scope(*e.object)) {
        continue;
      }
      if (const char* visible = VisibleType(e, selectors)) {
        if (!write(EventJson(visible, Served(type, *e.object)))) {
          return;
        }
      }
    }
    if (bookmarks && Clock::now() >= last_bookmark + options_.bookmark_interval) {
      last_bookmark = Clock::now();
      if (!write(Bookmark(type, from, false))) {
        return;
      }
    }
    if (events.empty() && !write(json())) {
      return;  // an empty write is a liveness probe of the connection
    }
  }
}

}  // namespace gpuext::emulator
