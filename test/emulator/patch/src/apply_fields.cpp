// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "apply_fields.h"

#include <algorithm>
#include <deque>
#include <set>
#include <utility>

namespace gpuext::emulator::patch::internal {
namespace {

using nlohmann::json;

enum class ListShape { kAtomic, kKeyed, kSet };

struct Shape {
  ListShape list = ListShape::kAtomic;
  std::string key;
  bool atomic_map = false;
};

Shape ShapeOf(const PatchSchema* schema, const std::string& path) {
  const PatchField* field = schema == nullptr ? nullptr : schema->Find(path);
  if (field == nullptr) {
    return {};
  }
  switch (field->strategy) {
    case FieldStrategy::kMergeByKey:
      return {.list = ListShape::kKeyed, .key = field->merge_key, .atomic_map = false};
    case FieldStrategy::kMergeSet:
      return {.list = ListShape::kSet, .key = {}, .atomic_map = false};
    case FieldStrategy::kAtomicMap:
      return {.list = ListShape::kAtomic, .key = {}, .atomic_map = true};
    default:
      return {};
  }
}

bool AllKeyed(const json& list, const std::string& key) {
  return std::all_of(list.begin(), list.end(),
                     [&](const json& item) { return item.is_object() && item.contains(key); });
}

bool AllPrimitive(const json& list) {
  return std::none_of(list.begin(), list.end(),
                      [](const json& item) { return item.is_structured(); });
}

class Collector {
 public:
  Collector(const PatchSchema* schema, std::vector<std::string>* errors, FieldValues& out)
      : schema_(schema), errors_(errors), out_(out) {}

  void Object(const json& object, const std::string& path, FieldPath& prefix) {
    for (const auto& [name, value] : object.items()) {
      prefix.push_back(FieldElement(name));
      Value(value, JoinPath(path, name), prefix);
      prefix.pop_back();
    }
  }

 private:
  void Value(const json& v, const std::string& path, FieldPath& prefix) {
    const Shape shape = ShapeOf(schema_, path);
    if (v.is_object() && !v.empty() && !shape.atomic_map) {
      Object(v, path, prefix);
      return;
    }
    if (v.is_array() && !v.empty() && shape.list == ListShape::kKeyed && Keyed(v, shape, prefix)) {
      for (const json& item : v) {
        prefix.push_back(KeyElement(shape.key, item[shape.key]));
        if (out_.emplace(prefix, &item).second) {
          Object(item, path, prefix);
        }
        prefix.pop_back();
      }
      return;
    }
    if (v.is_array() && !v.empty() && shape.list == ListShape::kSet && AllPrimitive(v)) {
      for (const json& item : v) {
        prefix.push_back(ValueElement(item));
        if (!out_.emplace(prefix, &item).second && errors_ != nullptr) {
          errors_->push_back(PathString(FieldPath(prefix.begin(), prefix.end() - 1)) +
                             ": duplicate entries for key " + PathString({prefix.back()}));
        }
        prefix.pop_back();
      }
      return;
    }
    out_[prefix] = &v;
  }

  // Whether `list` can be keyed; for a configuration, reports why not.
  bool Keyed(const json& list, const Shape& shape, const FieldPath& prefix) {
    if (errors_ == nullptr) {
      return AllKeyed(list, shape.key);
    }
    bool ok = true;
    std::set<std::string> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      const json& item = list[i];
      const std::string where = PathString(prefix) + ": element " + std::to_string(i) + ": ";
      if (!item.is_object()) {
        errors_->push_back(where + "expected an object, got " + item.dump());
        ok = false;
      } else if (!item.contains(shape.key)) {
        errors_->push_back(where + "associative list with keys has an element that omits key " +
                           "field \"" + shape.key + "\" (and doesn't have default value)");
        ok = false;
      } else if (const std::string element = KeyElement(shape.key, item[shape.key]);
                 !seen.insert(element).second) {
        errors_->push_back(PathString(prefix) + ": duplicate entries for key " +
                           PathString({element}));
        ok = false;
      }
    }
    return ok;
  }

  const PatchSchema* schema_;
  std::vector<std::string>* errors_;
  FieldValues& out_;
};

// structured-merge-diff's list merge order: live-only items stay where they were, applied items
// come in the applied order, and shared items are merged where the applied order meets them.
template <typename IdFn, typename MergeFn>
json MergeItems(const json& lhs, const json& rhs, IdFn id, MergeFn merge) {
  std::vector<std::string> lid;
  std::vector<std::string> rid;
  std::map<std::string, size_t> lpos;
  std::map<std::string, size_t> rpos;
  for (size_t i = 0; i < lhs.size(); ++i) {
    lid.push_back(id(lhs[i]));
    lpos.emplace(lid.back(), i);
  }
  for (size_t i = 0; i < rhs.size(); ++i) {
    rid.push_back(id(rhs[i]));
    rpos.emplace(rid.back(), i);
  }
  std::deque<std::string> shared;
  for (const std::string& r : rid) {
    if (lpos.contains(r)) {
      shared.push_back(r);
    }
  }
  auto next_shared = [&shared]() -> std::string {
    if (shared.empty()) {
      return {};
    }
    std::string next = shared.front();
    shared.pop_front();
    return next;
  };
  std::string upcoming = next_shared();
  std::set<std::string> merged_rhs;
  json out = json::array();
  size_t li = 0;
  size_t ri = 0;
  while (li < lhs.size() || ri < rhs.size()) {
    if (li < lhs.size() && ri < rhs.size()) {
      if (lid[li] == rid[ri]) {
        merged_rhs.insert(rid[ri]);
        out.push_back(merge(&lhs[li], rhs[ri]));
        ++li;
        ++ri;
        upcoming = next_shared();
        continue;
      }
      if (rpos.contains(lid[li]) && !upcoming.empty() && upcoming != lid[li]) {
        ++li;
        continue;
      }
    }
    if (li < lhs.size()) {
      if (!rpos.contains(lid[li])) {
        out.push_back(lhs[li]);
        ++li;
        continue;
      }
      if (merged_rhs.contains(lid[li])) {
        ++li;
      }
    }
    if (ri < rhs.size()) {
      const std::string& r = rid[ri];
      merged_rhs.insert(r);
      auto l = lpos.find(r);
      out.push_back(merge(l == lpos.end() ? nullptr : &lhs[l->second], rhs[ri]));
      ++ri;
      if (!upcoming.empty() && upcoming == r) {
        upcoming = next_shared();
      }
    }
  }
  return out;
}

json Merge(const json& live, const json& config, const std::string& path,
           const PatchSchema* schema) {
  const Shape shape = ShapeOf(schema, path);
  if (config.is_object() && live.is_object() && !shape.atomic_map) {
    json out = live;
    for (const auto& [name, value] : config.items()) {
      auto it = out.find(name);
      out[name] = it == out.end() ? value : Merge(*it, value, JoinPath(path, name), schema);
    }
    return out;
  }
  if (config.is_array() && live.is_array()) {
    if (shape.list == ListShape::kKeyed && AllKeyed(live, shape.key) &&
        AllKeyed(config, shape.key)) {
      return MergeItems(
          live, config, [&](const json& item) { return KeyElement(shape.key, item[shape.key]); },
          [&](const json* l, const json& r) {
            return l == nullptr ? r : Merge(*l, r, path, schema);
          });
    }
    if (shape.list == ListShape::kSet && AllPrimitive(live) && AllPrimitive(config)) {
      return MergeItems(
          live, config, [](const json& item) { return ValueElement(item); },
          [](const json*, const json& r) { return r; });
    }
  }
  return config;
}

// Whether `keep` owns `prefix` or anything below it.
bool OwnsAtOrUnder(const FieldSet& keep, const FieldPath& prefix) {
  auto it = keep.lower_bound(prefix);
  return it != keep.end() && IsAtOrUnder(*it, prefix);
}

// Finds the child of `node` that `element` names; returns false when there is none.
bool Locate(json& node, const std::string& element, json*& child, size_t& index) {
  if (element.starts_with("f:") && node.is_object()) {
    auto it = node.find(element.substr(2));
    if (it == node.end()) {
      return false;
    }
    child = &*it;
    return true;
  }
  if ((element.starts_with("k:") || element.starts_with("v:")) && node.is_array()) {
    const json want = json::parse(element.substr(2), nullptr, /*allow_exceptions=*/false);
    for (index = 0; index < node.size(); ++index) {
      json& item = node[index];
      bool match = element[0] == 'v' ? item == want : item.is_object() && want.is_object();
      if (element[0] == 'k' && match) {
        for (const auto& [name, value] : want.items()) {
          match = match && item.contains(name) && item[name] == value;
        }
      }
      if (match) {
        child = &item;
        return true;
      }
    }
  }
  return false;
}

void Erase(json& node, const std::string& element, size_t index) {
  if (node.is_object()) {
    node.erase(element.substr(2));
  } else {
    node.erase(index);
  }
}

bool Remove(json& node, const FieldPath& path, size_t depth, const FieldSet& keep,
            FieldPath& prefix) {
  json* child = nullptr;
  size_t index = 0;
  if (!Locate(node, path[depth], child, index)) {
    return false;
  }
  if (depth + 1 == path.size()) {
    Erase(node, path[depth], index);
    return true;
  }
  prefix.push_back(path[depth]);
  const bool removed = Remove(*child, path, depth + 1, keep, prefix);
  if (removed && child->is_structured() && child->empty() && !OwnsAtOrUnder(keep, prefix)) {
    Erase(node, path[depth], index);
  }
  prefix.pop_back();
  return removed;
}

}  // namespace

FieldValues CollectFields(const json& object, const PatchSchema* schema,
                          std::vector<std::string>* errors) {
  FieldValues out;
  FieldPath prefix;
  if (object.is_object()) {
    Collector(schema, errors, out).Object(object, "", prefix);
  }
  return out;
}

json MergeApplied(const json& live, const json& config, const PatchSchema* schema) {
  return Merge(live, config, "", schema);
}

void StripNulls(json& v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end();) {
      if (it->is_null()) {
        it = v.erase(it);
      } else {
        StripNulls(*it);
        ++it;
      }
    }
  } else if (v.is_array()) {
    for (json& item : v) {
      StripNulls(item);
    }
  }
}

void RemovePath(json& object, const FieldPath& path, const FieldSet& keep) {
  if (path.empty()) {
    return;
  }
  FieldPath prefix;
  Remove(object, path, 0, keep, prefix);
}

}  // namespace gpuext::emulator::patch::internal
