// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/predicate.h"

#include <utility>

#include "gpuext/kube/object.h"

namespace gpuext::kube {

using nlohmann::json;

Predicate PredicateFromFilter(std::function<bool(const json& obj)> filter) {
  return {.on_create = filter,
          .on_update = [filter](const json& /*old_obj*/,
                                const json& new_obj) { return filter(new_obj); },
          .on_delete = filter,
          .on_generic = filter};
}

Predicate GenerationChangedPredicate() {
  return {.on_update = [](const json& old_obj, const json& new_obj) {
    return Generation(old_obj) != Generation(new_obj);
  }};
}

Predicate ResourceVersionChangedPredicate() {
  return {.on_update = [](const json& old_obj, const json& new_obj) {
    return ResourceVersion(old_obj) != ResourceVersion(new_obj);
  }};
}

Predicate LabelChangedPredicate() {
  return {.on_update = [](const json& old_obj, const json& new_obj) {
    return Labels(old_obj) != Labels(new_obj);
  }};
}

bool AllowCreate(std::span<const Predicate> predicates, const json& obj) {
  for (const Predicate& p : predicates) {
    if (p.on_create && !p.on_create(obj)) {
      return false;
    }
  }
  return true;
}

bool AllowUpdate(std::span<const Predicate> predicates, const json& old_obj, const json& new_obj) {
  for (const Predicate& p : predicates) {
    if (p.on_update && !p.on_update(old_obj, new_obj)) {
      return false;
    }
  }
  return true;
}

bool AllowDelete(std::span<const Predicate> predicates, const json& obj) {
  for (const Predicate& p : predicates) {
    if (p.on_delete && !p.on_delete(obj)) {
      return false;
    }
  }
  return true;
}

bool AllowGeneric(std::span<const Predicate> predicates, const json& obj) {
  for (const Predicate& p : predicates) {
    if (p.on_generic && !p.on_generic(obj)) {
      return false;
    }
  }
  return true;
}

}  // namespace gpuext::kube
