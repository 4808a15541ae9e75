// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Strategic merge patch: list merging (by merge key, as sets, `$patch` list items,
// `$deleteFromPrimitiveList`).

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

#include "go_format.h"
#include "smp_internal.h"

namespace gpuext::emulator::patch::internal {
namespace {

using nlohmann::json;

// Returns the position of the first map in `list` whose `merge_key` equals `value`, or -1.
int FindByKey(const json& list, const std::string& merge_key, const json& value) {
  for (size_t i = 0; i < list.size(); ++i) {
    auto it = list[i].find(merge_key);
    if (it != list[i].end() && GoEqual(*it, value)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// The caller's view of a live list while upstream merges into it. Upstream deletes items by
// shifting the Go slice's backing array and appends into its spare capacity, so a caller still
// holding the original slice (mergePatchIntoOriginal) sees shifted and overwritten items, and
// orders by them. We model a backing array whose capacity equals its length, as for objects that
// kube-apiserver converts from typed structs.
struct AliasedSlice {
  json items;  // the caller's view: always the original length
  size_t len = 0;
  bool attached = true;

  void Delete(size_t i) {
    for (; attached && i + 1 < len; ++i) {
      items[i] = items[i + 1];
    }
    len -= attached && len > 0 ? 1 : 0;
  }
  void Set(size_t i, const json& v) {
    if (attached && i < len) {
      items[i] = v;
    }
  }
  void Append(const json& v) {
    if (attached && len < items.size()) {
      items[len++] = v;
    } else {
      attached = false;  // the append reallocated: the caller's array is left alone
    }
  }
};

// mergeSliceWithSpecialElements: applies `$patch: delete|replace` items, returning the original
// to merge into and the patch items left to merge.
std::pair<json, json> ApplySpecialElements(json original, const json& patch,
                                           const std::string& merge_key, AliasedSlice& alias) {
  json rest = json::array();
  bool replace = false;
  for (const json& item : patch) {
    auto directive = item.find(kDirectiveMarker);
    if (directive == item.end()) {
      rest.push_back(item);
    } else if (*directive == "delete") {
      auto key = item.find(merge_key);
      if (key == item.end()) {
        FailNoMergeKey(item, merge_key);
      }
      for (int at = FindByKey(original, merge_key, *key); at >= 0;
           at = FindByKey(original, merge_key, *key)) {
        original.erase(static_cast<size_t>(at));
        alias.Delete(static_cast<size_t>(at));
      }
    } else if (*directive == "replace") {
      replace = true;
    } else if (*directive == "merge") {
      Fail(500, "merging lists cannot yet be specified in the patch");
    } else {
      Fail(500, "unknown patch type: " + GoSprintS(*directive) + " in map: " + GoValue(item));
    }
  }
  if (replace) {
    alias.attached = false;
    return {TakeVerbatim(std::move(rest)), json::array()};
  }
  return {std::move(original), std::move(rest)};
}

// mergeSlice. With `original_view`, also returns the caller's view of `original` afterwards
// (see AliasedSlice).
json MergeSlice(json original, json patch, const PatchSchema& schema, const std::string& path,
                const std::string& merge_key, bool is_delete_list, json* original_view) {
  if (original.empty() && patch.empty()) {
    return original;
  }
  const GoKind kind = SliceElementKind({&original, &patch});
  if (kind != GoKind::kMap) {
    if (is_delete_list) {
      json kept = json::array();
      for (json& item : original) {
        if (std::none_of(patch.begin(), patch.end(),
                         [&](const json& d) { return GoEqual(d, item); })) {
          kept.push_back(std::move(item));
        }
      }
      return kept;
    }
    json merged = json::array();
    for (const json* list : {&original, &patch}) {
      for (const json& item : *list) {
        if (std::none_of(merged.begin(), merged.end(),
                         [&](const json& m) { return GoEqual(m, item); })) {
          merged.push_back(item);
        }
      }
    }
    auto [in_patch, server_only] = Partition(merged, patch, "");
    return NormalizeElementOrder(std::move(in_patch), std::move(server_only), patch, original, "",
                                 kind);
  }
  if (merge_key.empty()) {
    // Only sets of strings merge without a key among the built-in kinds.
    Fail(500, "cannot merge lists without merge key for string");
  }
  AliasedSlice alias{.items = original, .len = original.size(), .attached = true};
  auto [base, items] = ApplySpecialElements(std::move(original), patch, merge_key, alias);
  json merged = base;
  for (json& item : items) {
    auto key = item.find(merge_key);
    if (key == item.end()) {
      FailNoMergeKey(item, merge_key);
    }
    const int at = FindByKey(merged, merge_key, *key);
    if (at >= 0) {
      json& target = merged[static_cast<size_t>(at)];
      target = MergeMap(std::move(target), item, schema, path);
      alias.Set(static_cast<size_t>(at), target);
    } else {
      merged.push_back(TakeVerbatim(item));
      alias.Append(merged.back());
    }
  }
  if (original_view != nullptr) {
    *original_view = std::move(alias.items);
  }
  auto [in_patch, server_only] = Partition(merged, items, merge_key);
  return NormalizeElementOrder(std::move(in_patch), std::move(server_only), items, base, merge_key,
                               kind);
}

}  // namespace

json MergeSliceHandler(json original, json patch, const PatchSchema& schema,
                       const std::string& path, bool is_delete_list, json* original_view) {
  const ListMeta meta = LookupListMeta(schema, path);
  if (meta.merge || is_delete_list) {
    return MergeSlice(std::move(original), std::move(patch), schema, path, meta.merge_key,
                      is_delete_list, original_view);
  }
  return TakeVerbatim(std::move(patch));
}

}  // namespace gpuext::emulator::patch::internal
