// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// os-release(5) parsing. The format is a restricted shell assignment list; we read it as data
// and never hand it to a shell.
#include <string>
#include <string_view>

#include "gpuext/nodeagent/detect.h"

namespace gpuext::nodeagent {
namespace {

std::string_view TrimView(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) {
    return {};
  }
  const size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

// Unquotes one value: "a \"b\"" -> a "b"; 'a b' -> a b; a trailing unmatched quote is kept as
// text, so a broken line degrades to its raw value instead of vanishing.
std::string Unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    return std::string(value.substr(1, value.size() - 2));
  }
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    return std::string(value);
  }
  std::string out;
  const std::string_view inner = value.substr(1, value.size() - 2);
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) {
      ++i;
    }
    out += inner[i];
  }
  return out;
}

}  // namespace

OsRelease ParseOsRelease(std::string_view text) {
  OsRelease os;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = TrimView(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      continue;
    }
    const std::string key(TrimView(line.substr(0, eq)));
    os.fields[key] = Unquote(TrimView(line.substr(eq + 1)));
  }
  const auto get = [&os](const char* key) {
    const auto it = os.fields.find(key);
    return it == os.fields.end() ? std::string() : it->second;
  };
  os.id = get("ID");
  os.version_id = get("VERSION_ID");
  os.gardenlinux_version = get("GARDENLINUX_VERSION");
  os.pretty_name = get("PRETTY_NAME");
  return os;
}

}  // namespace gpuext::nodeagent
