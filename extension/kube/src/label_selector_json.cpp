// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The JSON form of label selectors (metav1.LabelSelector).
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/field_errors.h"
#include "gpuext/kube/selector.h"
#include "label_requirements.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;
using Op = LabelRequirement::Operator;

std::string TypeName(const json& value) { return value.type_name(); }

void AddMatchLabels(const json& match_labels, std::vector<LabelRequirement>& out,
                    FieldErrorList& errs) {
  if (!match_labels.is_object()) {
    errs.push_back(FieldError::TypeInvalid("matchLabels", TypeName(match_labels),
                                           "must be an object of strings"));
    return;
  }
  for (const auto& [key, value] : match_labels.items()) {
    if (std::string problem = ValidateLabelKey(key); !problem.empty()) {
      errs.push_back(FieldError::Invalid("matchLabels", key, std::move(problem)));
    }
    if (!value.is_string()) {
      errs.push_back(FieldError::TypeInvalid(fmt::format("matchLabels[{}]", key), TypeName(value),
                                             "must be a string"));
      continue;
    }
    if (std::string problem = ValidateLabelValue(value.get<std::string>()); !problem.empty()) {
      errs.push_back(FieldError::Invalid(fmt::format("matchLabels[{}]", key),
                                         value.get<std::string>(), std::move(problem)));
    }
    out.push_back({key, Op::kEquals, {value.get<std::string>()}});
  }
}

std::optional<Op> ParseJsonOperator(const json& expression, const std::string& path,
                                    FieldErrorList& errs) {
  const auto it = expression.find("operator");
  if (it == expression.end() || it->is_null()) {
    errs.push_back(FieldError::Required(path + ".operator"));
    return std::nullopt;
  }
  const std::string name = it->is_string() ? it->get<std::string>() : it->dump();
  static constexpr std::pair<std::string_view, Op> kOperators[] = {
      {"In", Op::kIn},
      {"NotIn", Op::kNotIn},
      {"Exists", Op::kExists},
      {"DoesNotExist", Op::kDoesNotExist}};
  for (const auto& [text, op] : kOperators) {
    if (it->is_string() && name == text) {
      return op;
    }
  }
  errs.push_back(FieldError::NotSupported(path + ".operator", name,
                                          {"In", "NotIn", "Exists", "DoesNotExist"}));
  return std::nullopt;
}

std::vector<std::string> ParseJsonValues(const json& expression, const std::string& path,
                                         FieldErrorList& errs) {
  std::vector<std::string> values;
  const auto it = expression.find("values");
  if (it == expression.end() || it->is_null()) {
    return values;
  }
  if (!it->is_array()) {
    errs.push_back(
        FieldError::TypeInvalid(path + ".values", TypeName(*it), "must be an array of strings"));
    return values;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& value = (*it)[i];
    const std::string value_path = fmt::format("{}.values[{}]", path, i);
    if (!value.is_string()) {
      errs.push_back(FieldError::TypeInvalid(value_path, TypeName(value), "must be a string"));
      continue;
    }
    if (std::string problem = ValidateLabelValue(value.get<std::string>()); !problem.empty()) {
      errs.push_back(FieldError::Invalid(value_path, value.get<std::string>(), std::move(problem)));
    }
    values.push_back(value.get<std::string>());
  }
  return values;
}

void AddMatchExpression(const json& expression, const std::string& path,
                        std::vector<LabelRequirement>& out, FieldErrorList& errs) {
  if (!expression.is_object()) {
    errs.push_back(FieldError::TypeInvalid(path, TypeName(expression), "must be an object"));
    return;
  }
  LabelRequirement requirement;
  const auto key = expression.find("key");
  if (key == expression.end() || !key->is_string()) {
    errs.push_back(FieldError::Required(path + ".key", "must be a string"));
  } else {
    requirement.key = key->get<std::string>();
    if (std::string problem = ValidateLabelKey(requirement.key); !problem.empty()) {
      errs.push_back(FieldError::Invalid(path + ".key", requirement.key, std::move(problem)));
    }
  }
  const std::optional<Op> op = ParseJsonOperator(expression, path, errs);
  requirement.values = ParseJsonValues(expression, path, errs);
  if (!op.has_value()) {
    return;
  }
  requirement.op = *op;
  const bool set_based = *op == Op::kIn || *op == Op::kNotIn;
  if (set_based && requirement.values.empty()) {
    errs.push_back(FieldError::Required(path + ".values",
                                        "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (!set_based && !requirement.values.empty()) {
    errs.push_back(FieldError::Forbidden(
        path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  }
  out.push_back(std::move(requirement));
}

}  // namespace

LabelSelector LabelSelector::FromJson(const json& selector) {
  LabelSelector out;
  if (selector.is_null()) {
    return out;
  }
  if (!selector.is_object()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("invalid label selector: must be an object, not {}", TypeName(selector)));
  }
  FieldErrorList errs;
  if (const auto it = selector.find("matchLabels"); it != selector.end() && !it->is_null()) {
    AddMatchLabels(*it, out.requirements_, errs);
  }
  if (const auto it = selector.find("matchExpressions"); it != selector.end() && !it->is_null()) {
    if (!it->is_array()) {
      errs.push_back(FieldError::TypeInvalid("matchExpressions", TypeName(*it),
                                             "must be an array of requirements"));
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        AddMatchExpression((*it)[i], fmt::format("matchExpressions[{}]", i), out.requirements_,
                           errs);
      }
    }
  }
  if (!errs.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "invalid label selector: " + ToAggregateMessage(errs));
  }
  internal::SortByKey(out.requirements_);
  return out;
}

}  // namespace gpuext::kube
