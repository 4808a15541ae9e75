// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// .helmignore, as Helm's ignore package reads it: one rule per line, '#' comments, '!'
// negates, a trailing '/' matches directories only, a rule with a '/' matches the path from
// the chart root, one without matches any path segment's name.
#include <sstream>
#include <vector>

#include "glob.h"
#include "gpuext/helm/chart_fs.h"

namespace gpuext::helm {
namespace {

struct Rule {
  std::string glob;
  bool negate = false;
  bool dir_only = false;
};

std::vector<Rule> ParseRules(const std::string& text) {
  std::vector<Rule> rules;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) {
      line.pop_back();
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    Rule r;
    if (line[0] == '!') {
      r.negate = true;
      line.erase(0, 1);
    }
    if (line.size() > 1 && line.back() == '/') {
      r.dir_only = true;
      line.pop_back();
    }
    if (line.size() > 1 && line[0] == '/') {
      line.erase(0, 1);
    }
    r.glob = line;
    rules.push_back(r);
  }
  return rules;
}

// Does `rule` match the file or directory `path` (is_dir says which)?
bool Matches(const Rule& r, const std::string& path, bool is_dir) {
  if (r.dir_only && !is_dir) {
    return false;
  }
  if (r.glob.find('/') != std::string::npos) {
    return internal::GlobMatch(r.glob, path);
  }
  const size_t slash = path.rfind('/');
  return internal::GlobMatch(r.glob, slash == std::string::npos ? path : path.substr(slash + 1));
}

bool Ignored(const std::vector<Rule>& rules, const std::string& path, bool is_dir) {
  bool ignored = false;
  for (const Rule& r : rules) {
    if (Matches(r, path, is_dir)) {
      ignored = !r.negate;
    }
  }
  return ignored;
}

// A file is ignored when it or any directory above it is.
bool IgnoredWithParents(const std::vector<Rule>& rules, const std::string& path) {
  for (size_t pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    if (Ignored(rules, path.substr(0, pos), true)) {
      return true;
    }
  }
  return Ignored(rules, path, false);
}

}  // namespace

std::map<std::string, std::string, std::less<>> ApplyHelmIgnore(
    std::map<std::string, std::string, std::less<>> files) {
  const auto it = files.find(".helmignore");
  if (it == files.end()) {
    return files;
  }
  const std::vector<Rule> rules = ParseRules(it->second);
  for (auto f = files.begin(); f != files.end();) {
    // Helm always skips dot-files directly inside templates/.
    const bool hidden_template = f->first.starts_with("templates/.");
    f = (hidden_template || IgnoredWithParents(rules, f->first)) ? files.erase(f) : std::next(f);
  }
  return files;
}

}  // namespace gpuext::helm
