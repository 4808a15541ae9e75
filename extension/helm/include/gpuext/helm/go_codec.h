// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// YAML and JSON exactly as Helm's Go libraries read and write them, for values files,
// Chart.yaml, rendered manifests and the toYaml/fromYaml/toJson/fromJson template functions.
//
//   nlohmann::json values = UnmarshalYaml(file_text);       // every number a float64
//   std::string text = MarshalYaml(values);                 // byte-identical to Helm's toYaml
//
// Numbers follow Go's decoding into interface{}: Helm reads YAML through JSON, so every
// number becomes a float64 (number_float) there; template literals stay ints.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::helm {

// sigs.k8s.io/yaml Marshal: a JSON round trip, then go-yaml v2's emitter (natural key order,
// sequences not indented under their key, folding at 80 columns, go-yaml quoting rules).
// Ends with a newline; Helm's toYaml trims it. Throws gpuext::Error(kInvalidArgument) where
// Go's encoder fails (NaN, infinities, characters the YAML reader rejects).
[[nodiscard]] std::string MarshalYaml(const nlohmann::json& value);

// go-yaml v3's encoder with indent 2 (Helm's toYamlPretty): no JSON round trip (a float64
// 1000000 prints as 1e+06), sequences indented under their key, no folding.
[[nodiscard]] std::string MarshalYamlPretty(const nlohmann::json& value);

// sigs.k8s.io/yaml Unmarshal into interface{}: YAML 1.1 scalars as go-yaml v2 resolves them
// (yes/no/on/off are bools, timestamps stay strings), non-string keys become their text,
// every number a float64. An empty document is null. Throws gpuext::Error(kInvalidArgument)
// with go-yaml-like text ("yaml: line 3: ...") on a syntax error or more than one document.
[[nodiscard]] nlohmann::json UnmarshalYaml(std::string_view text);

// The same per document of a '---' separated stream, empty documents included as null.
[[nodiscard]] std::vector<nlohmann::json> UnmarshalYamlDocuments(std::string_view text);

struct JsonStyle {
  bool escape_html = true;  // encoding/json's default: <, >, & as \u003c, \u003e, \u0026
  std::string indent = {};  // json.MarshalIndent's indent ("" = compact)
};

// encoding/json Marshal: keys in byte order, Go's float formatting, invalid UTF-8 as U+FFFD.
// Throws gpuext::Error(kInvalidArgument) for NaN and infinities (as Go's UnsupportedValueError).
[[nodiscard]] std::string MarshalJson(const nlohmann::json& value, const JsonStyle& style = {});

// encoding/json Unmarshal into interface{}: every number a float64. Throws
// gpuext::Error(kInvalidArgument) on a syntax error.
[[nodiscard]] nlohmann::json UnmarshalJson(std::string_view text);

}  // namespace gpuext::helm
