// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// YAML <-> JSON conversion with Kubernetes' (sigs.k8s.io/yaml) rules: YAML 1.1-ish scalars
// resolve to JSON types (unquoted true/false/null/~ and numbers), quoted scalars stay strings,
// multi-document streams split on '---' and empty documents are dropped.
//
//   for (const nlohmann::json& doc : ParseYamlDocuments(text)) { ... }

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gpuext {

// Parses every non-empty document of a YAML stream. Throws Error(kInvalidArgument) with the
// line and column of a syntax error.
[[nodiscard]] std::vector<nlohmann::json> ParseYamlDocuments(std::string_view text);

// Parses exactly one document (an empty stream yields null). Throws like ParseYamlDocuments,
// and when the stream holds more than one document.
[[nodiscard]] nlohmann::json ParseYaml(std::string_view text);

// Renders JSON as block-style YAML with keys in the JSON object's order (sorted for
// nlohmann::json). Strings that would read back as another type are quoted.
[[nodiscard]] std::string ToYaml(const nlohmann::json& value);

}  // namespace gpuext
