// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// In-place map writes for the executor (see template_refs.h).

#include "template_refs.h"

#include <array>
#include <iterator>
#include <string_view>

#include "sprig_registry.h"

namespace gpuext::helm::internal {

using nlohmann::json;

bool MutatesFirstArgument(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kNames = {
      "set", "unset", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite"};
  for (std::string_view n : kNames) {
    if (n == name) {
      return true;
    }
  }
  return false;
}

void SetEntryInPlace(json& dst, const std::string& key, const json& value, Heap& heap) {
  auto& map = dst.get_ref<json::object_t&>();
  auto it = map.find(key);
  if (it != map.end()) {
    if (GoDeepEqual(it->second, value)) {
      return;
    }
    heap.Keep(map.extract(it));
  }
  map.emplace(key, value);
}

void RemoveEntryInPlace(json& dst, const std::string& key, Heap& heap) {
  auto& map = dst.get_ref<json::object_t&>();
  auto it = map.find(key);
  if (it != map.end()) {
    heap.Keep(map.extract(it));
  }
}

void AssignMapInPlace(json& dst, const json& want, Heap& heap) {
  auto& map = dst.get_ref<json::object_t&>();
  for (auto it = map.begin(); it != map.end();) {
    auto next = std::next(it);
    if (!want.contains(it->first)) {
      heap.Keep(map.extract(it));
    }
    it = next;
  }
  for (const auto& [key, value] : want.items()) {
    auto it = map.find(key);
    if (it != map.end() && it->second.is_object() && value.is_object()) {
      AssignMapInPlace(it->second, value, heap);
      continue;
    }
    SetEntryInPlace(dst, key, value, heap);
  }
}

}  // namespace gpuext::helm::internal
