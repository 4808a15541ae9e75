// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/helm/functions.h"

namespace gpuext::helm {

// Filled by sprig_*.cpp as they land; see docs/helm.md for the function list and status.
FunctionTable SprigFunctions() { return {}; }

}  // namespace gpuext::helm
