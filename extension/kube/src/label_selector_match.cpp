// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Matching label selectors against labels, and their canonical string form.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/kube/selector.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;
using Op = LabelRequirement::Operator;

bool HasValue(const LabelRequirement& requirement, const json& value) {
  if (!value.is_string()) {
    return false;  // labels are strings; anything else equals no value
  }
  const auto& text = value.get_ref<const std::string&>();
  return std::find(requirement.values.begin(), requirement.values.end(), text) !=
         requirement.values.end();
}

bool RequirementMatches(const LabelRequirement& requirement, const json& labels) {
  const json* value = nullptr;
  if (labels.is_object()) {
    if (const auto it = labels.find(requirement.key); it != labels.end()) {
      value = &*it;
    }
  }
  switch (requirement.op) {
    case Op::kEquals:
    case Op::kIn:
      return value != nullptr && HasValue(requirement, *value);
    case Op::kNotEquals:
    case Op::kNotIn:
      return value == nullptr || !HasValue(requirement, *value);
    case Op::kExists:
      return value != nullptr;
    case Op::kDoesNotExist:
      return value == nullptr;
  }
  return false;
}

std::string RequirementToString(const LabelRequirement& requirement) {
  std::vector<std::string> values = requirement.values;
  std::sort(values.begin(), values.end());
  std::string joined;
  for (size_t i = 0; i < values.size(); ++i) {
    joined += (i == 0 ? "" : ",") + values[i];
  }
  switch (requirement.op) {
    case Op::kEquals:
      return fmt::format("{}={}", requirement.key, joined);
    case Op::kNotEquals:
      return fmt::format("{}!={}", requirement.key, joined);
    case Op::kIn:
      return fmt::format("{} in ({})", requirement.key, joined);
    case Op::kNotIn:
      return fmt::format("{} notin ({})", requirement.key, joined);
    case Op::kExists:
      return requirement.key;
    case Op::kDoesNotExist:
      return "!" + requirement.key;
  }
  return requirement.key;
}

}  // namespace

bool LabelSelector::Matches(const json& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const LabelRequirement& r) { return RequirementMatches(r, labels); });
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (const LabelRequirement& requirement : requirements_) {
    // Two appends, not `"," + temporary`: g++ 12 -O3 flags the latter (GCC bug 105651).
    if (!out.empty()) {
      out += ',';
    }
    out += RequirementToString(requirement);
  }
  return out;
}

}  // namespace gpuext::kube
