// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Strategic merge patch internals, split by job: smp_maps.cpp merges maps and handles the map
// directives, smp_lists.cpp merges lists, smp_order.cpp orders their items (`$setElementOrder`
// included), smp_directives.cpp holds the directive helpers they share. The functions mirror
// k8s.io/apimachinery/pkg/util/strategicpatch with kube-apiserver's options (MergeParallelList and
// IgnoreUnmatchedNulls both on).
//
// `path` arguments are schema field paths ("spec.template.spec.containers"). Arguments taken by
// value are consumed.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "go_format.h"
#include "gpuext/emulator/patch/patch_schema.h"

namespace gpuext::emulator::patch::internal {

inline constexpr std::string_view kDirectiveMarker = "$patch";
inline constexpr std::string_view kRetainKeysDirective = "$retainKeys";
inline constexpr std::string_view kDeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
inline constexpr std::string_view kSetElementOrderPrefix = "$setElementOrder";

// The messages of k8s.io/apimachinery/pkg/util/mergepatch's sentinel errors.
inline constexpr std::string_view kErrBadPatchFormatForPrimitiveList =
    "invalid patch format of primitive list";
inline constexpr std::string_view kErrBadPatchFormatForRetainKeys =
    "invalid patch format of retainKeys";
inline constexpr std::string_view kErrBadPatchFormatForSetElementOrderList =
    "invalid patch format of setElementOrder list";
inline constexpr std::string_view kErrNoListOfLists = "lists of lists are not supported";

// Throws MalformedPatch with the HTTP status kube-apiserver answers for that message.
[[noreturn]] void Fail(int http_status, const std::string& message);

// mergepatch.ErrNoMergeKey: "map: map[...] does not contain declared merge key: name" (500).
[[noreturn]] void FailNoMergeKey(const nlohmann::json& m, std::string_view merge_key);

// mergepatch.ErrBadArgType(expected, actual) (500). `expected_type` is a GoTypeName.
[[noreturn]] void FailBadArgType(std::string_view expected_type, const nlohmann::json& actual);

// Returns "x" for "$setElementOrder/x"; throws the prefix's format error (400) otherwise.
[[nodiscard]] std::string ExtractKey(std::string_view key, std::string_view prefix);

// True for "$patch", "$retainKeys" and the "$setElementOrder/" and "$deleteFromPrimitiveList/"
// keys.
[[nodiscard]] bool IsDirectiveKey(std::string_view key);

// A value new to the original (its key was absent or had another type): null fields are dropped,
// maps carrying "$patch" are dropped (a false return: keep nothing), and directive keys removed.
[[nodiscard]] bool TakeNewValue(nlohmann::json& v);

// A value upstream takes verbatim (replaced lists, `$patch: replace`, appended list items); null
// fields and directive keys go, as kube-apiserver's decoding into typed objects drops them.
[[nodiscard]] nlohmann::json TakeVerbatim(nlohmann::json v);

// The patch metadata of `path`: the merge key ("" for none) and whether the list merges.
struct ListMeta {
  bool merge = false;
  std::string merge_key;
};
[[nodiscard]] ListMeta LookupListMeta(const PatchSchema& schema, const std::string& path);

// mergeMap: merges `patch` (an object) into `original` (an object or null).
[[nodiscard]] nlohmann::json MergeMap(nlohmann::json original, nlohmann::json patch,
                                      const PatchSchema& schema, const std::string& path);

// mergeSliceHandler: merges or replaces the list at `path`. With `original_view`, also returns
// how a caller still holding `original` sees it afterwards: upstream shifts and overwrites the
// items of the live slice in place, and orders `$setElementOrder` results by what it sees.
[[nodiscard]] nlohmann::json MergeSliceHandler(nlohmann::json original, nlohmann::json patch,
                                               const PatchSchema& schema, const std::string& path,
                                               bool is_delete_list,
                                               nlohmann::json* original_view = nullptr);

// sliceElementType: the one Go type of every item of `lists`; throws for lists of lists (422),
// mixed types and all-empty lists (500).
[[nodiscard]] GoKind SliceElementKind(std::initializer_list<const nlohmann::json*> lists);

// partition{Primitives,Maps}ByPresentInList: the items of `merged` present in `by` (by merge key
// when `merge_key` is set), and the others.
[[nodiscard]] std::pair<nlohmann::json, nlohmann::json> Partition(const nlohmann::json& merged,
                                                                  const nlohmann::json& by,
                                                                  const std::string& merge_key);

// normalizeElementOrder: patch items in `patch_order`, server-only items in `server_order`,
// interleaved where `server_order` relates them (mergeSortedSlice).
[[nodiscard]] nlohmann::json NormalizeElementOrder(nlohmann::json patch_items,
                                                   nlohmann::json server_only,
                                                   const nlohmann::json& patch_order,
                                                   const nlohmann::json& server_order,
                                                   const std::string& merge_key, GoKind kind);

// mergePatchIntoOriginal: consumes every "$setElementOrder/<field>" of `patch` together with the
// field's patch list, writing the merged and ordered list into `original`.
void ApplySetElementOrder(nlohmann::json& original, nlohmann::json& patch,
                          const PatchSchema& schema, const std::string& path);

}  // namespace gpuext::emulator::patch::internal
