// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The structural half of server-side apply: which paths an object sets, how an applied
// configuration merges into the live object, and how owned paths are removed again. Lists follow
// the PatchSchema: kMergeByKey lists are keyed ("k:" items), kMergeSet lists are sets ("v:"
// items), every other list is one atomic value; kAtomicMap maps are one value too. A null schema
// makes every list atomic.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "field_set.h"
#include "gpuext/emulator/patch/patch_schema.h"

namespace gpuext::emulator::patch::internal {

// Every owned-able path of an object (leaves, keyed list items, set items) and its value.
// The values point into the object the map was collected from.
using FieldValues = std::map<FieldPath, const nlohmann::json*>;

// Collects the paths `object` sets. With `errors` (an applied configuration) a keyed list item
// without its key or a repeated key is reported there in structured-merge-diff's words; without
// it (a live object) such a list counts as atomic.
[[nodiscard]] FieldValues CollectFields(const nlohmann::json& object, const PatchSchema* schema,
                                        std::vector<std::string>* errors);

// Merges an applied configuration into the live object: maps merge, keyed lists and sets merge
// item by item in structured-merge-diff's order, everything else is replaced. Nulls in `config`
// are kept so that a comparison sees the change; StripNulls removes them afterwards.
[[nodiscard]] nlohmann::json MergeApplied(const nlohmann::json& live, const nlohmann::json& config,
                                          const PatchSchema* schema);

// Removes every null map entry, recursively.
void StripNulls(nlohmann::json& v);

// Removes the value at `path` from `object` (a whole subtree for a map, item or list). Maps and
// lists it empties on the way up are removed too, unless `keep` owns them or anything below them.
// A path that does not exist is ignored.
void RemovePath(nlohmann::json& object, const FieldPath& path, const FieldSet& keep);

}  // namespace gpuext::emulator::patch::internal
