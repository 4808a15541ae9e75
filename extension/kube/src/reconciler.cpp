// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/reconciler.h"

#include <string>

namespace gpuext::kube {

Request Request::FromKey(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) {
    return {.ns = "", .name = key};
  }
  return {.ns = key.substr(0, slash), .name = key.substr(slash + 1)};
}

}  // namespace gpuext::kube
