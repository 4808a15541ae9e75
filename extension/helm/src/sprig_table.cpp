// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/helm/functions.h"
#include "sprig_registry.h"

namespace gpuext::helm {

// Every area registers its own functions; docs/helm.md lists them with their status.
FunctionTable SprigFunctions() {
  FunctionTable table;
  internal::AddStringFunctions(table);
  internal::AddRegexFunctions(table);
  internal::AddListFunctions(table);
  internal::AddDictFunctions(table);
  internal::AddNumberFunctions(table);
  internal::AddTypeFunctions(table);
  internal::AddEncodingFunctions(table);
  internal::AddSemverFunctions(table);
  internal::AddDateFunctions(table);
  return table;
}

}  // namespace gpuext::helm
