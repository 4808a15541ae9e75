// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Label and field selectors with Kubernetes' syntax and semantics.
//
//   LabelSelector s = LabelSelector::Parse("app=nfd,tier in (a,b),!legacy");
//   if (s.Matches(obj["metadata"]["labels"])) { ... }
//   LabelSelector t = LabelSelector::FromJson(ds["spec"]["selector"]);  // matchLabels/Expressions
//   FieldSelector f = FieldSelector::Parse("metadata.name=foo,spec.nodeName!=");
//
// Parse errors throw gpuext::Error(kInvalidArgument) naming the selector and the position.
// Values are immutable after construction and safe for concurrent use.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::kube {

// One requirement of a label selector.
struct LabelRequirement {
  enum class Operator { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Operator op = Operator::kEquals;
  std::vector<std::string> values;  // one value for kEquals/kNotEquals; none for (Not)Exists
};

class LabelSelector {
 public:
  // The empty selector: matches everything.
  LabelSelector() = default;

  // Parses the string form used in `?labelSelector=`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
  // `a notin (x)`, `a`, `!a`, comma-separated (AND). Keys and values are validated like
  // Kubernetes label keys/values. Requirements come out sorted by key, set values sorted and
  // deduplicated, as in Kubernetes. Kubernetes' `a>1` / `a<1` (Gt/Lt) are rejected: there is
  // no Operator for them.
  static LabelSelector Parse(std::string_view text);

  // Builds from the JSON form `{matchLabels: {..}, matchExpressions: [{key, operator, values}]}`
  // (operators In, NotIn, Exists, DoesNotExist). null or {} matches everything.
  static LabelSelector FromJson(const nlohmann::json& selector);

  // `labels` is a JSON object of string values, or null/absent (treated as no labels).
  [[nodiscard]] bool Matches(const nlohmann::json& labels) const;
  [[nodiscard]] bool Empty() const { return requirements_.empty(); }
  [[nodiscard]] const std::vector<LabelRequirement>& requirements() const { return requirements_; }
  // Canonical string form (requirements sorted by key), parseable by Parse.
  [[nodiscard]] std::string ToString() const;

 private:
  std::vector<LabelRequirement> requirements_;
};

// One requirement of a field selector: `path=value`, `path==value` or `path!=value`.
struct FieldRequirement {
  std::string field;  // dotted path, e.g. "metadata.name", "spec.nodeName"
  bool equals = true;
  std::string value;
};

class FieldSelector {
 public:
  FieldSelector() = default;

  // Parses `metadata.name=foo,status.phase!=Running`. Backslash escapes `\,` `\=` `\\` in
  // values are honoured as in Kubernetes.
  static FieldSelector Parse(std::string_view text);

  // Resolves each requirement's dotted path in `object`; an absent field compares as "".
  // Booleans and numbers compare in their JSON text form ("true", "3").
  [[nodiscard]] bool Matches(const nlohmann::json& object) const;
  [[nodiscard]] bool Empty() const { return requirements_.empty(); }
  [[nodiscard]] const std::vector<FieldRequirement>& requirements() const { return requirements_; }

 private:
  std::vector<FieldRequirement> requirements_;
};

// Validates a label key (optional DNS-1123 subdomain prefix + '/' + name of at most 63 chars
// of [A-Za-z0-9_.-], alphanumeric at both ends). Returns an empty string when valid, else what
// is wrong.
[[nodiscard]] std::string ValidateLabelKey(std::string_view key);
// Validates a label value (empty, or at most 63 chars as above).
[[nodiscard]] std::string ValidateLabelValue(std::string_view value);

}  // namespace gpuext::kube
