// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Strategic merge patch: the entry point, map merging, `$patch` on maps and `$retainKeys`.

#include <set>
#include <string>
#include <vector>

#include "go_format.h"
#include "gpuext/emulator/patch/strategic_merge.h"
#include "smp_internal.h"

namespace gpuext::emulator::patch {
namespace internal {
namespace {

using nlohmann::json;

// handleDirectiveInMergeMap: `$patch: replace` keeps the patch map, `$patch: delete` leaves an
// empty map; anything else (including `merge`) is refused as upstream refuses it.
json HandleDirectiveInMap(json patch) {
  const json& directive = patch[std::string(kDirectiveMarker)];
  if (directive == "replace") {
    patch.erase(std::string(kDirectiveMarker));
    return TakeVerbatim(std::move(patch));
  }
  if (directive == "delete") {
    return json::object();
  }
  Fail(500, "unknown patch type: " + GoSprintS(directive) + " in map: " + GoValue(patch));
}

// applyRetainKeysDirective: drops the original's keys missing from `$retainKeys`, after checking
// that the patch sets no key outside the list.
void ApplyRetainKeys(json& original, json& patch) {
  auto it = patch.find(kRetainKeysDirective);
  if (it == patch.end()) {
    return;
  }
  const json retain = std::move(*it);
  patch.erase(it);
  if (!retain.is_array()) {
    Fail(400, std::string(kErrBadPatchFormatForRetainKeys));
  }
  std::set<std::string> keys;
  for (const json& k : retain) {
    if (k.is_string()) {
      keys.insert(k.get<std::string>());
    }
  }
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null() || key.starts_with(kDeleteFromPrimitiveListPrefix) ||
        key.starts_with(kSetElementOrderPrefix)) {
      continue;
    }
    if (!keys.contains(key)) {
      Fail(400, std::string(kErrBadPatchFormatForRetainKeys));
    }
  }
  std::vector<std::string> drop;
  for (const auto& [key, value] : original.items()) {
    if (!keys.contains(key)) {
      drop.push_back(key);
    }
  }
  for (const std::string& key : drop) {
    original.erase(key);
  }
}

}  // namespace

json MergeMap(json original, json patch, const PatchSchema& schema, const std::string& path) {
  if (patch.contains(kDirectiveMarker)) {
    return HandleDirectiveInMap(std::move(patch));
  }
  if (original.is_null()) {
    original = json::object();
  }
  ApplyRetainKeys(original, patch);
  ApplySetElementOrder(original, patch, schema, path);

  for (auto& [patch_key, patch_value] : patch.items()) {
    std::string key = patch_key;
    const bool is_delete_list = key.starts_with(kDeleteFromPrimitiveListPrefix);
    if (is_delete_list) {
      key = ExtractKey(key, kDeleteFromPrimitiveListPrefix);
    }
    // null deletes; with IgnoreUnmatchedNulls a null for an absent key is dropped.
    if (patch_value.is_null()) {
      original.erase(key);
      continue;
    }
    auto existing = original.find(key);
    if (existing == original.end() || KindOf(*existing) != KindOf(patch_value)) {
      if (!is_delete_list) {
        json value = std::move(patch_value);
        if (TakeNewValue(value)) {
          original[key] = std::move(value);
        } else {
          original.erase(key);
        }
      }
      continue;
    }
    const std::string child_path = JoinPath(path, key);
    if (existing->is_object()) {
      // No built-in map has patchStrategy=replace, so every map merges.
      *existing = MergeMap(std::move(*existing), std::move(patch_value), schema, child_path);
    } else if (existing->is_array()) {
      *existing = MergeSliceHandler(std::move(*existing), std::move(patch_value), schema,
                                    child_path, is_delete_list);
    } else {
      *existing = std::move(patch_value);
    }
  }
  return original;
}

}  // namespace internal

nlohmann::json StrategicMergePatch(const nlohmann::json& original, const nlohmann::json& patch,
                                   const PatchSchema& schema) {
  using nlohmann::json;
  if (!original.is_null() && !original.is_object()) {
    internal::Fail(500, "invalid JSON document");
  }
  if (patch.is_null()) {
    return original.is_null() ? json::object() : original;
  }
  if (!patch.is_object()) {
    const char* type = patch.is_array()     ? "array"
                       : patch.is_string()  ? "string"
                       : patch.is_boolean() ? "bool"
                                            : "number";
    internal::Fail(400, std::string("json: cannot unmarshal ") + type +
                            " into Go value of type map[string]interface {}");
  }
  return internal::MergeMap(original, patch, schema, "");
}

}  // namespace gpuext::emulator::patch
