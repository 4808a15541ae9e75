// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "glob.h"

#include <re2/re2.h>

namespace gpuext::helm::internal {

std::string GlobToRegex(std::string_view glob) {
  std::string re;
  int braces = 0;
  for (size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '*') {
      if (i + 1 < glob.size() && glob[i + 1] == '*') {
        re += ".*";
        ++i;
      } else {
        re += "[^/]*";
      }
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      const size_t end = glob.find(']', i + 1);
      if (end == std::string_view::npos) {
        re += "\\[";
        continue;
      }
      std::string cls(glob.substr(i + 1, end - i - 1));
      if (!cls.empty() && cls[0] == '!') {
        cls[0] = '^';
      }
      re += "[" + cls + "]";
      i = end;
    } else if (c == '{') {
      re += "(?:";
      ++braces;
    } else if (c == '}' && braces > 0) {
      re += ")";
      --braces;
    } else if (c == ',' && braces > 0) {
      re += "|";
    } else if (c == '\\' && i + 1 < glob.size()) {
      re += RE2::QuoteMeta(std::string(1, glob[++i]));
    } else {
      re += RE2::QuoteMeta(std::string(1, c));
    }
  }
  return re;
}

bool GlobMatch(std::string_view glob, std::string_view path) {
  const RE2 re(GlobToRegex(glob));
  return re.ok() && RE2::FullMatch(path, re);
}

}  // namespace gpuext::helm::internal
