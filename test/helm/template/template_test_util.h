// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Renders one template text with the engine alone (builtins only, plus a few stand-in
// functions) for table tests.

#include <cctype>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gpuext/helm/template.h"

namespace gpuext::helm::testing {

inline std::string Render(std::string_view text,
                          const nlohmann::json& data = nlohmann::json::object(),
                          MissingKey mode = MissingKey::kZero) {
  FunctionTable fns;
  // Stand-ins with sprig's names so tests can pipe into a function.
  fns["upper"] = [](std::span<const nlohmann::json> a) -> nlohmann::json {
    std::string s = a[0].get<std::string>();
    for (auto& c : s)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  fns["fail"] = [](std::span<const nlohmann::json> a) -> nlohmann::json {
    throw FunctionError(a[0].get<std::string>());
  };
  fns["list"] = [](std::span<const nlohmann::json> a) -> nlohmann::json {
    return nlohmann::json(std::vector<nlohmann::json>(a.begin(), a.end()));
  };
  TemplateSet set(std::move(fns));
  set.SetMissingKey(mode);
  set.Parse("t", text);
  return set.Execute("t", data);
}

// The error text of rendering, or "" when it succeeds.
inline std::string RenderError(std::string_view text,
                               const nlohmann::json& data = nlohmann::json::object(),
                               MissingKey mode = MissingKey::kZero) {
  try {
    (void)Render(text, data, mode);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "";
}

}  // namespace gpuext::helm::testing
