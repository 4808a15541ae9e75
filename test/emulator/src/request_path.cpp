// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "request_path.h"

#include <vector>

namespace gpuext::emulator {
namespace {

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) {
      slash = path.size();
    }
    if (slash > start) {
      out.push_back(path.substr(start, slash - start));
    }
    start = slash + 1;
  }
  return out;
}

}  // namespace

std::optional<ResourcePath> ParseResourcePath(const std::string& path) {
  std::vector<std::string> s = Segments(path);
  ResourcePath p;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == "api") {
    p.version = s[1];
    i = 2;
  } else if (s.size() >= 3 && s[0] == "apis") {
    p.group = s[1];
    p.version = s[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  if (i < s.size() && s[i] == "watch") {
    p.legacy_watch = true;
    ++i;
  }
  if (i >= s.size()) {
    return std::nullopt;
  }
  std::vector<std::string> rest(s.begin() + static_cast<long>(i), s.end());
  // namespaces/<ns>/<resource>[/<name>[/<sub>]], but namespaces/<name>[/<sub>] is the
  // Namespace object itself, and so are its status and finalize subresources.
  if (rest[0] == "namespaces" && rest.size() >= 3 && rest[2] != "status" && rest[2] != "finalize") {
    p.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.size() > 3) {
    return std::nullopt;
  }
  p.resource = rest[0];
  if (rest.size() > 1) {
    p.name = rest[1];
  }
  if (rest.size() > 2) {
    p.subresource = rest[2];
  }
  return p;
}

std::string VerbFor(const std::string& method, const ResourcePath& path, bool watch_param) {
  const bool named = !path.name.empty();
  if (method == "GET") {
    if (path.legacy_watch || watch_param) {
      return "watch";
    }
    return named ? "get" : "list";
  }
  if (method == "POST") {
    return "create";
  }
  if (method == "PUT") {
    return named ? "update" : "";
  }
  if (method == "PATCH") {
    return named ? "patch" : "";
  }
  if (method == "DELETE") {
    return named ? "delete" : "deletecollection";
  }
  return "";
}

}  // namespace gpuext::emulator
