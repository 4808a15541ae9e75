// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "flags.h"

namespace gpuext::nodeagent::cmd {

ParsedFlags ParseFlags(const std::vector<std::string>& args, const std::set<std::string>& known,
                       const std::set<std::string>& booleans) {
  ParsedFlags out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) {
      out.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (!known.contains(name)) {
      out.errors.push_back("unknown flag --" + name);
      continue;
    }
    if (booleans.contains(name)) {
      out.values[name] = has_value ? value : "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        out.errors.push_back("flag --" + name + " needs a value");
        continue;
      }
      value = args[++i];
    }
    out.values[name] = value;
    out.all_values[name].push_back(value);
  }
  return out;
}

}  // namespace gpuext::nodeagent::cmd
