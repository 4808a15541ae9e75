// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helm's own encoding functions (pkg/engine/funcs.go), on top of SprigFunctions():
//
//   toYaml toYamlPretty fromYaml fromYamlArray toJson fromJson fromJsonArray mustToJson
//   toPrettyJson toRawJson
//
// They behave as Helm's do, including how they fail: toYaml/toJson return "" on an encoding
// error, fromYaml/fromJson return {"Error": "<message>"} (the *Array forms ["<message>"]),
// only mustToJson fails the template (FunctionError). The engine merges this table with
// SprigFunctions() and its own engine-bound functions (include, tpl, required, ...).

#include "gpuext/helm/functions.h"

namespace gpuext::helm {

[[nodiscard]] FunctionTable HelmFunctions();

}  // namespace gpuext::helm
