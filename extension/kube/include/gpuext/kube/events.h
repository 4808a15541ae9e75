// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// EventRecorder: writes core/v1 Events about objects, the way client-go's record package does,
// so `kubectl describe` shows users what happened to their GPU nodes.
//
//   kube::EventRecorder events(client, {.component = "gardener-extension-gpu"});
//   events.Event(node, kube::EventType::kWarning, "DriverBuildFailed", "kernel 6.1: ...");
//
// - Asynchronous: Event() only queues and never blocks; a full queue drops the event with a log
//   line (client-go drops too). One worker thread writes them through kube::Client.
// - Repeats are aggregated: an event with the same involved object, type, reason, message and
//   source as one written recently (an LRU of `cache_size` entries, as client-go's EventLogger)
//   PATCHes count+1, lastTimestamp and message onto the existing Event instead of creating a
//   new one. If that Event is gone (404), it is created again with the counted total.
// - The Event is named "<object name>.<hex of the first timestamp's nanoseconds>" (bumped by
//   one nanosecond when that name was already used by this recorder), lives in the
//   object's namespace ("default" for cluster-scoped objects) and carries involvedObject
//   (apiVersion, kind, namespace, name, uid, resourceVersion), source, reportingComponent/
//   reportingInstance, firstTimestamp, lastTimestamp and count. Timestamps come from the Clock
//   when Event() is called.
// - Failed writes are retried up to `max_attempts` times, `retry_interval` apart (Clock);
//   AlreadyExists and Invalid are not retried.
// - Similar events are combined as client-go's EventAggregator does: events with the same
//   object, type, reason and source but different messages, each within 10 minutes of the
//   previous one, are written as usual up to the 9th distinct message; from the 10th on each is
//   written as "(combined from similar events): <message>" and those aggregate into one Event.
// Not modelled from client-go: the spam filter (a token bucket per object).
//
// Thread safety: safe for concurrent use.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"
#include "gpuext/logger.h"

namespace gpuext::kube {

enum class EventType { kNormal, kWarning };

struct EventRecorderOptions {
  std::string component = {};  // source.component / reportingComponent
  std::string host = {};       // source.host / reportingInstance
  std::size_t queue_capacity = 1000;
  std::size_t cache_size = 4096;
  int max_attempts = 12;
  std::chrono::milliseconds retry_interval{10000};
};

class EventRecorder {
 public:
  EventRecorder(Client& client, EventRecorderOptions options, Clock& clock = RealClock::Instance(),
                Logger log = Logger::Root());
  // Stops the worker; events still queued are dropped (call Flush first to write them).
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Queues an event about `object` (any Kubernetes object with apiVersion, kind and metadata).
  // Never blocks on the API.
  void Event(const nlohmann::json& object, EventType type, std::string_view reason,
             std::string_view message);

  // Waits (real time, up to `timeout`) until every queued event has been written or given up
  // on; returns whether that happened. For tests and orderly shutdown.
  bool Flush(std::chrono::milliseconds timeout);

  // Events dropped because the queue was full.
  [[nodiscard]] std::size_t dropped() const { return dropped_.load(); }

  static inline const Resource kEvents{"", "v1", "events", true};

 private:
  struct Pending {
    nlohmann::json involved;  // involvedObject
    std::string ns;
    EventType type = EventType::kNormal;
    std::string reason;
    std::string message;
    std::chrono::system_clock::time_point time;
  };
  struct Seen {  // what the LRU remembers of a written event
    std::string name;
    std::string ns;
    std::int64_t count = 0;
    std::string first_timestamp;
  };

  struct Similar {  // what the aggregator remembers per object+type+reason+source
    std::set<std::string> messages;
    std::chrono::system_clock::time_point last;
  };

  void Worker(const std::stop_token& stop);
  void Write(const Pending& p, const std::stop_token& stop);
  Seen* Lookup(const std::string& key);              // worker thread only
  void Remember(const std::string& key, Seen seen);  // worker thread only

  Client& client_;
  const EventRecorderOptions options_;
  Clock& clock_;
  const Logger log_;

  std::mutex mu_;  // Guards queue_ and busy_.
  std::condition_variable_any cv_;
  std::deque<Pending> queue_;
  bool busy_ = false;  // the worker is writing an event taken off the queue
  std::atomic<std::size_t> dropped_{0};

  // LRU of written events by aggregation key; worker thread only.
  std::list<std::pair<std::string, Seen>> lru_;
  std::unordered_map<std::string, std::list<std::pair<std::string, Seen>>::iterator> lru_index_;

  // Aggregator records by key without the message; worker thread only. Cleared wholesale
  // when it outgrows cache_size (a cheap stand-in for client-go's LRU).
  std::unordered_map<std::string, Similar> similar_;
  std::int64_t last_name_nanos_ = 0;  // worker thread only; keeps Event names unique

  std::jthread worker_;  // last: starts after everything above exists
};

}  // namespace gpuext::kube
