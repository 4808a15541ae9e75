// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/patch.h"

namespace gpuext::kube {

using nlohmann::json;

json CreateMergePatch(const json& original, const json& modified) {
  // RFC 7386 can only express object members; anything else (arrays, scalars, a type change)
  // is replaced whole by the modified value.
  if (!original.is_object() || !modified.is_object()) {
    return modified;
  }
  json patch = json::object();
  for (const auto& [key, value] : original.items()) {
    if (!modified.contains(key)) {
      patch[key] = nullptr;  // removed
    }
  }
  for (const auto& [key, value] : modified.items()) {
    const auto it = original.find(key);
    if (it == original.end()) {
      patch[key] = value;
    } else if (*it != value) {
      if (it->is_object() && value.is_object()) {
        patch[key] = CreateMergePatch(*it, value);
      } else {
        patch[key] = value;
      }
    }
  }
  return patch;
}

}  // namespace gpuext::kube
