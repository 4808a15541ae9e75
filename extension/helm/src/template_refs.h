// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Go's reference semantics for maps, on top of json values that the executor addresses by
// pointer. In Go a map is a reference: `set .Values "x" 1` changes the map every holder of
// .Values sees, and `$s := .Values.sub` aliases the sub-map. The executor keeps one mutable
// json tree per execution and hands out pointers into it (variables, field results, range
// elements); the functions that mutate a map in Go (set, unset, merge, mergeOverwrite) are
// applied to the node their first argument points at.
//
// Writes never move or destroy a node another pointer may still see: a replaced or removed
// map entry is extracted from its std::map (node handles keep the element's address) and
// parked in a Heap until the outermost execution ends, so `$v := .Values.a` stays valid
// after `unset .Values "a"` and keeps the old value, as the Go variable would.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::helm::internal {

// Keeps replaced map entries alive for the rest of one (outermost) execution.
class Heap {
 public:
  void Keep(nlohmann::json::object_t::node_type node) { graveyard_.push_back(std::move(node)); }

 private:
  std::vector<nlohmann::json::object_t::node_type> graveyard_;
};

// Whether `name` is a function that changes its first (map) argument in Go and returns it.
[[nodiscard]] bool MutatesFirstArgument(std::string_view name);

// Makes the map `dst` equal to `want` (both objects) in place: entries that are maps on both
// sides are updated recursively (so aliases of nested maps see the change, as mergo's merge
// into existing nested maps does), changed entries are replaced, missing ones removed.
void AssignMapInPlace(nlohmann::json& dst, const nlohmann::json& want, Heap& heap);

// dst[key] = value without invalidating pointers into the old value.
void SetEntryInPlace(nlohmann::json& dst, const std::string& key, const nlohmann::json& value,
                     Heap& heap);

// delete(dst, key), keeping the removed value alive.
void RemoveEntryInPlace(nlohmann::json& dst, const std::string& key, Heap& heap);

}  // namespace gpuext::helm::internal
