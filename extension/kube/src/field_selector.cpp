// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Field selectors.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/kube/selector.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;

// Field selectors (k8s.io/apimachinery/pkg/fields/selector.go).

struct FieldTerm {
  std::string_view text;
  size_t position = 0;  // byte offset in the selector
};

// Splits at commas that are not escaped; the backslashes stay in the terms.
std::vector<FieldTerm> SplitFieldTerms(std::string_view text) {
  std::vector<FieldTerm> terms;
  if (text.empty()) {
    return terms;
  }
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (text[i] == '\\') {
      escaped = true;
    } else if (text[i] == ',') {
      terms.push_back({text.substr(start, i - start), start});
      start = i + 1;
    }
  }
  terms.push_back({text.substr(start), start});
  return terms;
}

// Length of the UTF-8 sequence that starts with `lead` (1 for anything malformed).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) {
    return 4;
  }
  if (lead >= 0xE0) {
    return lead < 0xF0 ? 3 : 1;
  }
  return lead >= 0xC0 ? 2 : 1;
}

class FieldParser {
 public:
  explicit FieldParser(std::string_view text) : text_(text) {}

  std::vector<FieldRequirement> Parse() const {
    std::vector<FieldTerm> terms = SplitFieldTerms(text_);
    // Kubernetes sorts the raw terms, so the order is deterministic.
    std::stable_sort(terms.begin(), terms.end(),
                     [](const FieldTerm& a, const FieldTerm& b) { return a.text < b.text; });
    std::vector<FieldRequirement> requirements;
    for (const FieldTerm& term : terms) {
      if (term.text.empty()) {
        continue;
      }
      FieldRequirement requirement = ParseTerm(term);
      // Kubernetes' Transform drops a term with neither field nor value ("=" alone).
      if (!requirement.field.empty() || !requirement.value.empty()) {
        requirements.push_back(std::move(requirement));
      }
    }
    return requirements;
  }

 private:
  [[noreturn]] void Fail(size_t position, std::string_view message) const {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("invalid field selector {:?} at position {}: {}", text_, position, message));
  }

  // The first operator from the left splits the term: the field cannot contain one. At each
  // position "!=" and "==" win over "=" so that no '=' is left on the value.
  FieldRequirement ParseTerm(const FieldTerm& term) const {
    for (size_t i = 0; i < term.text.size(); ++i) {
      const std::string_view rest = term.text.substr(i);
      for (const std::string_view op : {"!=", "==", "="}) {
        if (rest.starts_with(op)) {
          const size_t value_position = term.position + i + op.size();
          return {std::string(term.text.substr(0, i)),
                  op != "!=", Unescape(rest.substr(op.size()), value_position)};
        }
      }
    }
    Fail(term.position, fmt::format("can't understand '{}'", term.text));
  }

  // Resolves `\\`, `\,` and `\=`; any other escape, and a bare ',' or '=', is an error.
  std::string Unescape(std::string_view value, size_t position) const {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      if (c == ',' || c == '=') {
        Fail(position + i, fmt::format("unescaped character in value: {}", c));
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i + 1 == value.size()) {
        Fail(position + i, "invalid escape sequence: \\");
      }
      const char next = value[i + 1];
      if (next != '\\' && next != ',' && next != '=') {
        const size_t length = Utf8Length(static_cast<unsigned char>(next));
        Fail(position + i,
             fmt::format("invalid escape sequence: \\{}", value.substr(i + 1, length)));
      }
      out += next;
      ++i;
    }
    return out;
  }

  std::string_view text_;
};

// The field at dotted `path` as text: "" when absent or null, strings as they are, anything
// else in its JSON text form ("true", "3").
std::string FieldValue(const json& object, std::string_view path) {
  const json* current = &object;
  while (true) {
    const size_t dot = path.find('.');
    if (!current->is_object()) {
      return "";
    }
    const auto it = current->find(std::string(path.substr(0, dot)));
    if (it == current->end()) {
      return "";
    }
    current = &*it;
    if (dot == std::string_view::npos) {
      break;
    }
    path.remove_prefix(dot + 1);
  }
  if (current->is_string()) {
    return current->get<std::string>();
  }
  return current->is_null() ? "" : current->dump();
}

}  // namespace

FieldSelector FieldSelector::Parse(std::string_view text) {
  FieldSelector selector;
  selector.requirements_ = FieldParser(text).Parse();
  return selector;
}

bool FieldSelector::Matches(const json& object) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const FieldRequirement& r) {
    return (FieldValue(object, r.field) == r.value) == r.equals;
  });
}

}  // namespace gpuext::kube
