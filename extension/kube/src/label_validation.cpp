// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Label key and value validation.
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/kube/selector.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;

// Label key and value validation (k8s.io/apimachinery/pkg/api/validate/content). The texts are
// Kubernetes' own so that users can search for them.

constexpr size_t kLabelMaxLength = 63;
constexpr size_t kDns1123SubdomainMaxLength = 253;
constexpr std::string_view kLabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kLabelKeyErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Matches ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$.
bool MatchesLabelName(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// Matches one DNS-1123 label, ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$.
bool MatchesDns1123Label(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// Matches the DNS-1123 subdomain regex: labels joined by single dots.
bool MatchesDns1123Subdomain(std::string_view s) {
  while (true) {
    const size_t dot = s.find('.');
    if (!MatchesDns1123Label(s.substr(0, dot))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    s.remove_prefix(dot + 1);
  }
}

// Kubernetes' RegexError: the message, examples, and the regex itself.
std::string RegexError(std::string_view msg, std::string_view re,
                       const std::vector<std::string_view>& examples) {
  std::string out(msg);
  out += " (e.g. ";
  for (size_t i = 0; i < examples.size(); ++i) {
    out += fmt::format("{}'{}', ", i > 0 ? " or " : "", examples[i]);
  }
  return out + fmt::format("regex used for validation is '{}')", re);
}

std::string MaxLenError(size_t length) {
  return fmt::format("must be no more than {} bytes", length);
}

std::string JoinErrors(const std::vector<std::string>& errs) {
  std::string out;
  for (const std::string& e : errs) {
    out += (out.empty() ? "" : "; ") + e;
  }
  return out;
}

std::vector<std::string> LabelKeyErrors(std::string_view key) {
  std::vector<std::string> errs;
  std::string_view name = key;
  const size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    if (key.find('/', slash + 1) != std::string_view::npos) {
      return {"a valid label key " +
              RegexError(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}) +
              " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
    }
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part must be non-empty");
    } else {
      if (prefix.size() > kDns1123SubdomainMaxLength) {
        errs.push_back("prefix part " + MaxLenError(kDns1123SubdomainMaxLength));
      }
      if (!MatchesDns1123Subdomain(prefix)) {
        errs.push_back("prefix part " +
                       RegexError(kDns1123SubdomainErrMsg, kDns1123SubdomainFmt, {"example.com"}));
      }
    }
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > kLabelMaxLength) {
    errs.push_back("name part " + MaxLenError(kLabelMaxLength));
  }
  if (!MatchesLabelName(name)) {
    errs.push_back("name part " +
                   RegexError(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> LabelValueErrors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelMaxLength) {
    errs.push_back(MaxLenError(kLabelMaxLength));
  }
  if (!value.empty() && !MatchesLabelName(value)) {
    errs.push_back(RegexError(kLabelValueErrMsg, fmt::format("({})?", kLabelKeyFmt),
                              {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

}  // namespace

std::string ValidateLabelKey(std::string_view key) { return JoinErrors(LabelKeyErrors(key)); }

std::string ValidateLabelValue(std::string_view value) {
  return JoinErrors(LabelValueErrors(value));
}

}  // namespace gpuext::kube
