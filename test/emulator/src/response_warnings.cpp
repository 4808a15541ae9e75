// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "response_warnings.h"

#include <algorithm>
#include <utility>

namespace gpuext::emulator {

namespace {
thread_local std::vector<std::string> current_warnings;
}  // namespace

void AddResponseWarnings(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) {
    if (std::find(current_warnings.begin(), current_warnings.end(), w) == current_warnings.end()) {
      current_warnings.push_back(w);
    }
  }
}

std::vector<std::string> TakeResponseWarnings() { return std::exchange(current_warnings, {}); }

std::string WarningHeaderValue(const std::string& text) {
  std::string out = "299 - \"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    // A header value cannot carry line breaks.
    out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  }
  out.push_back('"');
  return out;
}

}  // namespace gpuext::emulator
