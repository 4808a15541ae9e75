// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Predicates: filters that decide whether an event on a watched object reaches the mapper
// (controller-runtime's predicate.Funcs). A watch passes an event on only when every one of
// its predicates lets it through; a function left empty lets everything through.
//
//   controller.For(kShoots, {GenerationChangedPredicate()});   // ignore status-only updates
//   controller.Watches(kNodes, EnqueueRequestForObject(),
//                      {Predicate{.on_delete = [](const json&) { return false; }}});
//
// Predicates are pure functions of the objects; they must not block. Safe for concurrent use.

#include <functional>
#include <span>

#include <nlohmann/json.hpp>

namespace gpuext::kube {

struct Predicate {
  std::function<bool(const nlohmann::json& obj)> on_create = {};
  std::function<bool(const nlohmann::json& old_obj, const nlohmann::json& new_obj)> on_update = {};
  std::function<bool(const nlohmann::json& obj)> on_delete = {};
  std::function<bool(const nlohmann::json& obj)> on_generic = {};
};

// One filter for every kind of event (the new object of an update).
[[nodiscard]] Predicate PredicateFromFilter(std::function<bool(const nlohmann::json& obj)> filter);
// Updates pass only when metadata.generation changed (spec changes; not status or metadata).
[[nodiscard]] Predicate GenerationChangedPredicate();
// Updates pass only when metadata.resourceVersion changed (drops resyncs).
[[nodiscard]] Predicate ResourceVersionChangedPredicate();
// Updates pass only when metadata.labels changed.
[[nodiscard]] Predicate LabelChangedPredicate();

// Whether every predicate lets the event through.
[[nodiscard]] bool AllowCreate(std::span<const Predicate> predicates, const nlohmann::json& obj);
[[nodiscard]] bool AllowUpdate(std::span<const Predicate> predicates, const nlohmann::json& old_obj,
                               const nlohmann::json& new_obj);
[[nodiscard]] bool AllowDelete(std::span<const Predicate> predicates, const nlohmann::json& obj);
[[nodiscard]] bool AllowGeneric(std::span<const Predicate> predicates, const nlohmann::json& obj);

}  // namespace gpuext::kube
