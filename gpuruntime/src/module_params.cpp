// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/module_params.h"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::gpuruntime {

const std::vector<std::string>& ModuleParams::For(std::string_view module) const {
  static const std::vector<std::string> kNone;
  auto it = by_module.find(std::string(module));
  return it == by_module.end() ? kNone : it->second;
}

std::string RenderModprobeOptions(const ModuleParams& params) {
  std::string out;
  for (const auto& [module, words] : params.by_module) {
    if (words.empty()) {
      continue;
    }
    out += "options " + module;
    for (const auto& word : words) {
      out += ' ';
      out += word;
    }
    out += '\n';
  }
  return out;
}

nlohmann::json ToJson(const ModuleParams& params) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [module, words] : params.by_module) {
    out[module] = words;
  }
  return out;
}

bool IsValidModuleParam(std::string_view word) {
  size_t eq = word.find('=');
  if (eq == 0 || eq == std::string_view::npos) {
    return false;
  }
  for (char c : word.substr(0, eq)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  for (char c : word.substr(eq + 1)) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '\0') {
      return false;
    }
  }
  return true;
}

ModuleParams ModuleParamsFromJson(const nlohmann::json& value) {
  if (!value.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "module parameters must be an object");
  }
  ModuleParams params;
  for (const auto& [module, words] : value.items()) {
    if (module.empty() || !words.is_array()) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("module parameters \"{}\": must be a list of name=value", module));
    }
    auto& list = params.by_module[module];
    for (const auto& word : words) {
      if (!word.is_string() || !IsValidModuleParam(word.get_ref<const std::string&>())) {
        throw Error(
            ErrorCode::kInvalidArgument,
            fmt::format("module parameters \"{}\": {} is not name=value", module, word.dump()));
      }
      list.push_back(word.get<std::string>());
    }
  }
  return params;
}

}  // namespace gpuext::gpuruntime
