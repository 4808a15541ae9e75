// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "json_path.h"

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

[[noreturn]] void Unsupported(std::string_view path, std::string_view why) {
  throw Error(ErrorCode::kInvalidArgument, fmt::format("jsonPath {:?}: {}", path, why));
}

std::string_view Unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

// Applies one bracket expression (without the brackets) to `current`.
std::optional<json> Bracket(const json& current, std::string_view expr, std::string_view path) {
  if (expr.starts_with("?(@.") && expr.ends_with(")")) {
    // ?(@.field=="value"): the first array element whose field equals the literal.
    const std::string_view cond = expr.substr(4, expr.size() - 5);
    const size_t eq = cond.find("==");
    if (eq == std::string_view::npos || !current.is_array()) {
      return std::nullopt;
    }
    const std::string field(cond.substr(0, eq));
    const std::string_view literal = Unquote(cond.substr(eq + 2));
    for (const json& item : current) {
      if (item.is_object() && item.contains(field)) {
        const json& v = item[field];
        if ((v.is_string() && v.get<std::string>() == literal) ||
            (!v.is_string() && v.dump() == literal)) {
          return item;
        }
      }
    }
    return std::nullopt;
  }
  if (!expr.empty() && (expr.front() == '\'' || expr.front() == '"')) {
    const std::string key(Unquote(expr));
    if (!current.is_object() || !current.contains(key)) {
      return std::nullopt;
    }
    return current[key];
  }
  if (!expr.empty() && expr.find_first_not_of("0123456789") == std::string_view::npos) {
    const size_t index = std::stoul(std::string(expr));
    if (!current.is_array() || index >= current.size()) {
      return std::nullopt;
    }
    return current[index];
  }
  Unsupported(path, fmt::format("bracket expression [{}] is not supported", expr));
}

}  // namespace

std::optional<json> EvalJsonPath(const json& obj, std::string_view path) {
  std::string_view p = path;
  if (p.starts_with('{') && p.ends_with('}')) {
    p = p.substr(1, p.size() - 2);
  }
  if (!p.starts_with('.') && !p.starts_with('[')) {
    Unsupported(path, "must start with '.'");
  }
  json current = obj;
  size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '.') {
      const size_t end = p.find_first_of(".[", i + 1);
      const std::string key(p.substr(i + 1, end == std::string_view::npos ? end : end - i - 1));
      i = end == std::string_view::npos ? p.size() : end;
      if (key.empty()) {
        continue;
      }
      if (!current.is_object() || !current.contains(key)) {
        return std::nullopt;
      }
      json next = current[key];
      current = std::move(next);
    } else if (p[i] == '[') {
      // A filter may hold ']' inside quotes; the expression ends at the matching "]".
      size_t end = i + 1;
      char quote = 0;
      for (; end < p.size(); ++end) {
        if (quote != 0) {
          quote = p[end] == quote ? 0 : quote;
        } else if (p[end] == '\'' || p[end] == '"') {
          quote = p[end];
        } else if (p[end] == ']') {
          break;
        }
      }
      if (end >= p.size()) {
        Unsupported(path, "unterminated '['");
      }
      std::optional<json> next = Bracket(current, p.substr(i + 1, end - i - 1), path);
      if (!next) {
        return std::nullopt;
      }
      current = std::move(*next);
      i = end + 1;
    } else {
      Unsupported(path, fmt::format("unexpected {:?} at {}", p[i], i));
    }
  }
  return current;
}

}  // namespace gpuext::emulator
