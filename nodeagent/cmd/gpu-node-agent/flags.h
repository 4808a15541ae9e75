// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Flag parsing for gpu-node-agent's sub-commands: "--name=value" or "--name value", plus
// positional words. Unknown flags are errors, collected so the user sees all of them at once.

#include <map>
#include <set>
#include <string>
#include <vector>

namespace gpuext::nodeagent::cmd {

struct ParsedFlags {
  std::map<std::string, std::string> values = {};  // flag name without "--" -> value
  // Every value of each flag in command-line order (for repeatable flags; `values` keeps the
  // last one).
  std::map<std::string, std::vector<std::string>> all_values = {};
  std::vector<std::string> positional = {};
  std::vector<std::string> errors = {};

  [[nodiscard]] std::string Get(const std::string& name, const std::string& fallback = {}) const {
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
  [[nodiscard]] std::vector<std::string> GetAll(const std::string& name) const {
    const auto it = all_values.find(name);
    return it == all_values.end() ? std::vector<std::string>{} : it->second;
  }
};

// `known` lists the accepted flag names; `booleans` those that take no value.
[[nodiscard]] ParsedFlags ParseFlags(const std::vector<std::string>& args,
                                     const std::set<std::string>& known,
                                     const std::set<std::string>& booleans = {});

}  // namespace gpuext::nodeagent::cmd
