// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

// Directive helpers and error construction shared by the map and list halves of strategic merge
// patch.

#include <string>
#include <vector>

#include "go_format.h"
#include "gpuext/emulator/patch/strategic_merge.h"
#include "smp_internal.h"

namespace gpuext::emulator::patch::internal {

using nlohmann::json;

void Fail(int http_status, const std::string& message) {
  throw MalformedPatch(http_status, message);
}

void FailNoMergeKey(const json& m, std::string_view merge_key) {
  Fail(500,
       "map: " + GoValue(m) + " does not contain declared merge key: " + std::string(merge_key));
}

void FailBadArgType(std::string_view expected_type, const json& actual) {
  Fail(500, "expected a " + std::string(expected_type) + ", but received a " + GoTypeName(actual));
}

std::string ExtractKey(std::string_view key, std::string_view prefix) {
  const size_t slash = key.find('/');
  if (slash == std::string_view::npos || key.substr(0, slash) != prefix) {
    if (prefix == kDeleteFromPrimitiveListPrefix) {
      Fail(400, std::string(kErrBadPatchFormatForPrimitiveList));
    }
    if (prefix == kSetElementOrderPrefix) {
      Fail(400, std::string(kErrBadPatchFormatForSetElementOrderList));
    }
    Fail(500, "fail to find unknown prefix \"" + std::string(prefix) + "\" in " + std::string(key) +
                  "\n");
  }
  return std::string(key.substr(slash + 1));
}

bool IsDirectiveKey(std::string_view key) {
  return key == kDirectiveMarker || key == kRetainKeysDirective ||
         key.starts_with(std::string(kSetElementOrderPrefix) + "/") ||
         key.starts_with(std::string(kDeleteFromPrimitiveListPrefix) + "/");
}

bool TakeNewValue(json& v) {
  if (v.is_object()) {
    auto marker = v.find(kDirectiveMarker);
    if (marker != v.end() && !marker->is_null()) {
      return false;
    }
    std::vector<std::string> drop;
    for (auto& [key, child] : v.items()) {
      if (child.is_null() || IsDirectiveKey(key) || !TakeNewValue(child)) {
        drop.push_back(key);
      }
    }
    for (const std::string& key : drop) {
      v.erase(key);
    }
  } else if (v.is_array()) {
    json kept = json::array();
    for (json& item : v) {
      if (TakeNewValue(item)) {
        kept.push_back(std::move(item));
      }
    }
    v = std::move(kept);
  }
  return true;
}

json TakeVerbatim(json v) {
  if (v.is_object()) {
    json out = json::object();
    for (auto& [key, child] : v.items()) {
      if (!child.is_null() && !IsDirectiveKey(key)) {
        out[key] = TakeVerbatim(std::move(child));
      }
    }
    return out;
  }
  if (v.is_array()) {
    for (json& item : v) {
      item = TakeVerbatim(std::move(item));
    }
  }
  return v;
}

ListMeta LookupListMeta(const PatchSchema& schema, const std::string& path) {
  const PatchField* field = schema.Find(path);
  if (field == nullptr) {
    return {};
  }
  if (field->strategy == FieldStrategy::kMergeByKey) {
    return {.merge = true, .merge_key = field->merge_key};
  }
  if (field->strategy == FieldStrategy::kMergeSet) {
    return {.merge = true, .merge_key = ""};
  }
  return {};
}

}  // namespace gpuext::emulator::patch::internal
