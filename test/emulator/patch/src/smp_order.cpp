// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Strategic merge patch: the element order of merged lists, `$setElementOrder` included.

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "go_format.h"
#include "smp_internal.h"

namespace gpuext::emulator::patch::internal {

using nlohmann::json;

namespace {

// The identity of a list item for ordering: the merge key's value, or the item itself.
const json* Identity(const json& item, const std::string& merge_key, GoKind kind) {
  if (kind != GoKind::kMap) {
    return &item;
  }
  static const json kNull;
  auto it = item.find(merge_key);
  return it == item.end() ? &kNull : &*it;
}

// index(): the position of `item` in `list`, or -1.
int IndexOf(const json& list, const json& item, const std::string& merge_key, GoKind kind) {
  const json* want = Identity(item, merge_key, kind);
  for (size_t i = 0; i < list.size(); ++i) {
    if (GoEqual(*Identity(list[i], merge_key, kind), *want)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// validateMergeKeyInLists: every item is a map carrying the merge key.
void RequireMergeKey(const json& list, const std::string& merge_key) {
  for (const json& item : list) {
    if (!item.is_object()) {
      FailBadArgType("map[string]interface {}", item);
    }
    if (!item.contains(merge_key)) {
      FailNoMergeKey(item, merge_key);
    }
  }
}

bool IsDeleteItem(const json& item) {
  auto it = item.find(kDirectiveMarker);
  return it != item.end() && *it == "delete";
}

// normalizeSliceOrder: sorts `items` by their position in `order`; `$patch: delete` items last.
json SortByOrder(json items, const json& order, const std::string& merge_key, GoKind kind) {
  json deleted = json::array();
  if (kind == GoKind::kMap) {
    RequireMergeKey(items, merge_key);
    RequireMergeKey(order, merge_key);
    json kept = json::array();
    for (json& item : items) {
      (IsDeleteItem(item) ? deleted : kept).push_back(std::move(item));
    }
    items = std::move(kept);
  }
  std::vector<std::pair<int, json>> indexed;
  for (json& item : items) {
    int index = IndexOf(order, item, merge_key, kind);
    indexed.emplace_back(index < 0 ? static_cast<int>(order.size()) : index, std::move(item));
  }
  std::stable_sort(indexed.begin(), indexed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = json::array();
  for (auto& [index, item] : indexed) {
    out.push_back(std::move(item));
  }
  for (json& item : deleted) {
    out.push_back(std::move(item));
  }
  return out;
}

// validatePatchWithSetOrderList: the patch list's items appear in `$setElementOrder` in the same
// relative order.
void ValidateSetOrder(const json& patch_list, const json& order, const std::string& merge_key) {
  if (order.empty() || patch_list.empty()) {
    return;
  }
  json items = json::array();
  for (const json& item : patch_list) {
    if (!merge_key.empty() && !item.is_object()) {
      FailBadArgType("map[string]interface {}", item);
    }
    if (merge_key.empty() || !IsDeleteItem(item)) {
      items.push_back(item);
    }
  }
  size_t p = 0;
  size_t s = 0;
  while (p < items.size() && s < order.size()) {
    if (items[p].is_object() && items[p].contains(kDirectiveMarker)) {
      ++p;
      continue;
    }
    bool equal = false;
    if (merge_key.empty()) {
      equal = GoEqual(items[p], order[s]);
    } else {
      for (const json* side : std::initializer_list<const json*>{&items[p], &order[s]}) {
        if (!side->is_object()) {
          FailBadArgType("map[string]interface {}", *side);
        }
        if (!side->contains(merge_key)) {
          FailNoMergeKey(*side, merge_key);
        }
      }
      equal = GoEqual(items[p][merge_key], order[s][merge_key]);
    }
    if (equal) {
      ++p;
    }
    ++s;
  }
  if (p < items.size() && s >= order.size()) {
    Fail(500, "The order in patch list:\n" + GoValue(patch_list) + "\n doesn't match " +
                  std::string(kSetElementOrderPrefix) + " list:\n" + GoValue(order) + "\n");
  }
}

}  // namespace

// sliceElementType: every element of every list has one Go type, and it is not a list.
GoKind SliceElementKind(std::initializer_list<const json*> lists) {
  std::optional<GoKind> kind;
  for (const json* list : lists) {
    for (const json& v : *list) {
      if (!kind.has_value()) {
        kind = KindOf(v);
        if (*kind == GoKind::kSlice) {
          Fail(422, std::string(kErrNoListOfLists));
        }
      } else if (*kind != KindOf(v)) {
        json all = json::array();
        for (const json* l : lists) {
          all.push_back(*l);
        }
        Fail(500, "list element types are not identical: " + GoValue(all));
      }
    }
  }
  if (!kind.has_value()) {
    Fail(500, "no elements in any of the given slices");
  }
  return *kind;
}

// normalizeElementOrder + mergeSortedSlice: patch items keep the patch's order, server-only items
// the live order, and the two interleave where the live order relates them.
json NormalizeElementOrder(json patch_items, json server_only, const json& patch_order,
                           const json& server_order, const std::string& merge_key, GoKind kind) {
  json right = SortByOrder(std::move(patch_items), patch_order, merge_key, kind);
  json left = SortByOrder(std::move(server_only), server_order, merge_key, kind);
  json out = json::array();
  size_t i = 0;
  size_t j = 0;
  while (i < left.size() || j < right.size()) {
    if (i >= left.size()) {
      out.push_back(std::move(right[j++]));
    } else if (j >= right.size()) {
      out.push_back(std::move(left[i++]));
    } else {
      const int li = IndexOf(server_order, left[i], merge_key, kind);
      const int ri = IndexOf(server_order, right[j], merge_key, kind);
      if (li >= 0 && ri >= 0 && li < ri) {
        out.push_back(std::move(left[i++]));
      } else {
        out.push_back(std::move(right[j++]));
      }
    }
  }
  return out;
}

// partition{Primitives,Maps}ByPresentInList: items present in `by` first, the rest second.
std::pair<json, json> Partition(const json& merged, const json& by, const std::string& merge_key) {
  json present = json::array();
  json absent = json::array();
  for (const json& item : merged) {
    bool found = false;
    if (merge_key.empty()) {
      found = std::any_of(by.begin(), by.end(), [&](const json& b) { return GoEqual(b, item); });
    } else {
      if (!item.is_object()) {
        FailBadArgType("map[string]interface {}", item);
      }
      auto key = item.find(merge_key);
      if (key == item.end()) {
        FailNoMergeKey(item, merge_key);
      }
      found = std::any_of(by.begin(), by.end(), [&](const json& b) {
        auto other = b.find(merge_key);
        return b.is_object() && other != b.end() && GoEqual(*other, *key);
      });
    }
    (found ? present : absent).push_back(item);
  }
  return {std::move(present), std::move(absent)};
}

void ApplySetElementOrder(json& original, json& patch, const PatchSchema& schema,
                          const std::string& path) {
  std::vector<std::string> directives;
  for (const auto& [key, value] : patch.items()) {
    if (key.starts_with(kSetElementOrderPrefix)) {
      directives.push_back(key);
    }
  }
  for (const std::string& directive : directives) {
    json order = std::move(patch[directive]);
    patch.erase(directive);
    if (!order.is_array()) {
      FailBadArgType("[]interface {}", order);
    }
    const std::string key = ExtractKey(directive, kSetElementOrderPrefix);
    const bool found_original = original.contains(key);
    const bool found_patch = patch.contains(key);
    const json empty = json::array();
    if (found_original && !original[key].is_array()) {
      FailBadArgType("[]interface {}", original[key]);
    }
    if (found_patch && !patch[key].is_array()) {
      FailBadArgType("[]interface {}", patch[key]);
    }
    json original_list = found_original ? original[key] : empty;
    const json& patch_list = found_patch ? patch[key] : empty;
    const std::string child_path = JoinPath(path, key);
    const ListMeta meta = LookupListMeta(schema, child_path);
    ValidateSetOrder(patch_list, order, meta.merge_key);

    json merged;
    if (found_original && !found_patch) {
      merged = original_list;
    } else if (!found_original && found_patch) {
      merged = patch_list;
      if (!TakeNewValue(merged)) {
        continue;
      }
    } else if (found_original && found_patch) {
      // Upstream orders by the original slice as the merge left it (see AliasedSlice).
      json view = original_list;
      merged = MergeSliceHandler(original_list, patch_list, schema, child_path, false, &view);
      original_list = std::move(view);
    } else {
      continue;
    }
    auto [in_order, server_only] = Partition(merged, order, meta.merge_key);
    const GoKind kind = SliceElementKind({&original_list, &patch_list});
    json result = NormalizeElementOrder(std::move(in_order), std::move(server_only), order,
                                        original_list, meta.merge_key, kind);
    original[key] = std::move(result);
    patch.erase(key);
  }
}

}  // namespace gpuext::emulator::patch::internal
