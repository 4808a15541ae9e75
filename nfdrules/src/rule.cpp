// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nfdrules/rule.h"

namespace gpuext::nfdrules {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Label name rules (also values, minus emptiness): alphanumeric ends, [-._] inside.
bool IsQualifiedName(std::string_view name) {
  if (name.empty() || name.size() > 63 || !IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return false;
  }
  for (char c : name) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool IsDnsSubdomain(std::string_view name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string_view part =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 63 || !IsLowerAlnum(part.front()) ||
        !IsLowerAlnum(part.back())) {
      return false;
    }
    for (char c : part) {
      if (!IsLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return true;
}

}  // namespace

bool IsValidLabelValue(std::string_view value) { return value.empty() || IsQualifiedName(value); }

bool IsValidLabelKey(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) {
    return IsQualifiedName(key);
  }
  return IsDnsSubdomain(key.substr(0, slash)) && IsQualifiedName(key.substr(slash + 1));
}

bool IsFeatureReference(std::string_view value) {
  if (value.size() < 2 || value.front() != '@') {
    return false;
  }
  // "@feature.element": at least one dot after a non-empty feature name.
  size_t dot = value.rfind('.');
  return dot != std::string_view::npos && dot > 1 && dot + 1 < value.size();
}

}  // namespace gpuext::nfdrules
