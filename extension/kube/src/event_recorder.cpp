// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "gpuext/kube/api_error.h"
#include "gpuext/kube/events.h"
#include "gpuext/time_format.h"

namespace gpuext::kube {

using nlohmann::json;

namespace {

std::string EventSubjectMeta(const json& obj, const char* field) {
  const auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) {
    return {};
  }
  const auto f = m->find(field);
  return f != m->end() && f->is_string() ? f->get<std::string>() : std::string();
}

// client-go's EventAggregator defaults.
constexpr std::size_t kMaxSimilar = 10;
constexpr auto kSimilarWindow = std::chrono::minutes(10);

std::string_view TypeName(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

}  // namespace

EventRecorder::EventRecorder(Client& client, EventRecorderOptions options, Clock& clock, Logger log)
    : client_(client),
      options_(std::move(options)),
      clock_(clock),
      log_(log.WithName("events")),
      worker_([this](std::stop_token stop) { Worker(stop); }) {}

EventRecorder::~EventRecorder() {
  worker_.request_stop();
  cv_.notify_all();
}

void EventRecorder::Event(const json& object, EventType type, std::string_view reason,
                          std::string_view message) {
  json involved = {{"apiVersion", object.value("apiVersion", "")},
                   {"kind", object.value("kind", "")},
                   {"name", EventSubjectMeta(object, "name")},
                   {"uid", EventSubjectMeta(object, "uid")},
                   {"resourceVersion", EventSubjectMeta(object, "resourceVersion")}};
  std::string ns = EventSubjectMeta(object, "namespace");
  if (!ns.empty()) {
    involved["namespace"] = ns;
  } else {
    ns = "default";  // Events about cluster-scoped objects live in "default", as in client-go.
  }
  Pending p{.involved = std::move(involved),
            .ns = std::move(ns),
            .type = type,
            .reason = std::string(reason),
            .message = std::string(message),
            .time = clock_.Now()};
  {
    std::lock_guard lock(mu_);
    if (queue_.size() < options_.queue_capacity) {
      queue_.push_back(std::move(p));
      cv_.notify_all();
      return;
    }
  }
  dropped_.fetch_add(1);
  log_.Error("Event queue full, dropping event",
             {{"object", p.involved.value("name", "")}, {"reason", p.reason}});
}

bool EventRecorder::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  // Real time: waits for the worker thread to make progress.
  return cv_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

void EventRecorder::Worker(const std::stop_token& stop) {
  while (true) {
    Pending p;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait(lock, stop, [&] { return !queue_.empty(); })) {
        return;  // stopped
      }
      p = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    // Boundary of the worker thread: a failed event is logged, never fatal.
    try {
      Write(p, stop);
    } catch (const std::exception& e) {
      log_.Error(e, "Could not write event", {{"reason", p.reason}});
    }
    {
      std::lock_guard lock(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

EventRecorder::Seen* EventRecorder::Lookup(const std::string& key) {
  const auto it = lru_index_.find(key);
  if (it == lru_index_.end()) {
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first
  return &it->second->second;
}

void EventRecorder::Remember(const std::string& key, Seen seen) {
  if (Seen* existing = Lookup(key)) {
    *existing = std::move(seen);
    return;
  }
  lru_.emplace_front(key, std::move(seen));
  lru_index_[key] = lru_.begin();
  while (lru_.size() > options_.cache_size) {
    lru_index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

void EventRecorder::Write(const Pending& p, const std::stop_token& stop) {
  const json& o = p.involved;
  const std::string similar_key = fmt::format(
      "{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", options_.component, options_.host,
      o.value("apiVersion", ""), o.value("kind", ""), o.value("namespace", ""), o.value("name", ""),
      o.value("uid", ""), TypeName(p.type), p.reason);
  // client-go's EventAggregator: too many different messages for the same thing in a short
  // time are combined into one aggregated Event.
  if (similar_.size() > options_.cache_size) {
    similar_.clear();
  }
  Similar& similar = similar_[similar_key];
  if (similar.last + kSimilarWindow < p.time) {
    similar.messages.clear();
  }
  similar.last = p.time;
  similar.messages.insert(p.message);
  const bool combined = similar.messages.size() >= kMaxSimilar;
  const std::string message = combined ? "(combined from similar events): " + p.message : p.message;
  // client-go's EventLogger key: everything that identifies "the same event again". Combined
  // events share the key without the message, so they count up one Event.
  const std::string key = combined ? similar_key : similar_key + "\x1f" + p.message;
  const std::string now = FormatRfc3339(p.time);

  Seen seen;
  if (const Seen* previous = Lookup(key)) {
    seen = *previous;
    seen.count++;
  } else {
    // Unique per recorder even when the clock stands still (a fake clock, a coarse one).
    const std::int64_t nanos = std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(p.time.time_since_epoch()).count(),
        last_name_nanos_ + 1);
    last_name_nanos_ = nanos;
    seen = {.name = fmt::format("{}.{:x}", o.value("name", ""), nanos),
            .ns = p.ns,
            .count = 1,
            .first_timestamp = now};
  }
  json event = {{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", seen.name}, {"namespace", seen.ns}}},
                {"involvedObject", o},
                {"reason", p.reason},
                {"message", message},
                {"type", TypeName(p.type)},
                {"source", {{"component", options_.component}}},
                {"reportingComponent", options_.component},
                {"reportingInstance", options_.host},
                {"firstTimestamp", seen.first_timestamp},
                {"lastTimestamp", now},
                {"count", seen.count}};
  if (!options_.host.empty()) {
    event["source"]["host"] = options_.host;
  }
  // The LRU counts the occurrence even if the write fails, as client-go's does.
  Remember(key, seen);

  for (int attempt = 1;; ++attempt) {
    try {
      if (seen.count > 1) {
        try {
          client_.Patch(kEvents, {seen.ns, seen.name}, PatchType::kStrategic,
                        {{"count", seen.count}, {"lastTimestamp", now}, {"message", message}});
          return;
        } catch (const std::exception& e) {
          if (!IsNotFound(e)) {
            throw;
          }
          // The aggregated Event is gone (TTL, deleted): write it again with the total count.
        }
      }
      client_.Create(kEvents, event);
      return;
    } catch (const std::exception& e) {
      if (IsAlreadyExists(e) || IsInvalid(e)) {
        log_.Error(e, "Server rejected event, not retrying", {{"event", seen.name}});
        return;
      }
      if (attempt >= options_.max_attempts) {
        throw;
      }
      log_.Debug("Event write failed, retrying", {{"event", seen.name}, {"attempt", attempt}});
      if (!clock_.SleepFor(options_.retry_interval, stop)) {
        return;
      }
    }
  }
}

}  // namespace gpuext::kube
