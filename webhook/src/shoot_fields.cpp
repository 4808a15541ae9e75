// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "shoot_fields.h"

#include <algorithm>

#include "gpuext/webhook/shoot_mutator.h"

namespace gpuext::webhook {

using nlohmann::json;

const json* At(const json& object, std::initializer_list<std::string_view> keys) {
  const json* node = &object;
  for (std::string_view key : keys) {
    if (!node->is_object())
      return nullptr;
    auto it = node->find(key);
    if (it == node->end())
      return nullptr;
    node = &*it;
  }
  return node;
}

std::string StringAt(const json& object, std::initializer_list<std::string_view> keys) {
  const json* node = At(object, keys);
  return node && node->is_string() ? node->get<std::string>() : std::string();
}

const json& ArrayAt(const json& object, std::initializer_list<std::string_view> keys) {
  static const json kEmpty = json::array();
  const json* node = At(object, keys);
  return node && node->is_array() ? *node : kEmpty;
}

bool PoolHasRuntime(const json& pool) {
  const json& runtimes = ArrayAt(pool, {"cri", "containerRuntimes"});
  return std::any_of(runtimes.begin(), runtimes.end(), [](const json& runtime) {
    return StringAt(runtime, {"type"}) == kRuntimeType;
  });
}

const json* FindPool(const json& shoot, const std::string& name) {
  for (const json& pool : ArrayAt(shoot, {"spec", "provider", "workers"})) {
    if (StringAt(pool, {"name"}) == name)
      return &pool;
  }
  return nullptr;
}

}  // namespace gpuext::webhook
