// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/osc_admission.h"

#include <map>
#include <regex>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gardener/cluster.h"
#include "gpuext/gardener/osc_validation.h"

namespace gpuext::webhook {

using nlohmann::json;

namespace {

// "spec.files[3].path: Duplicate value: ..." → "spec.files[].path: Duplicate value: ...".
std::string WithoutIndices(const FieldError& error) {
  static const std::regex kIndex(R"(\[[0-9]+\])");
  return std::regex_replace(error.ToString(), kIndex, "[]");
}

}  // namespace

FieldErrorList NewOscViolations(const json& original, const json& mutated) {
  std::map<std::string, int> before;
  for (const FieldError& error : gardener::ValidateOsc(original)) {
    ++before[WithoutIndices(error)];
  }
  FieldErrorList introduced;
  for (const FieldError& error : gardener::ValidateOsc(mutated)) {
    int& count = before[WithoutIndices(error)];
    if (count > 0) {
      --count;
    } else {
      introduced.push_back(error);
    }
  }
  return introduced;
}

void OscMutatorHandler::Mutate(const gardener::AdmissionRequest& request, json& osc) {
  std::vector<std::string> ignored;
  Mutate(request, osc, ignored);
}

void OscMutatorHandler::Mutate(const gardener::AdmissionRequest& request, json& osc,
                               std::vector<std::string>& warnings) {
  if (request.operation != "CREATE" && request.operation != "UPDATE") {
    return;
  }
  const Logger log = log_.WithValues({{"namespace", request.ns}, {"name", request.name}});
  const std::optional<json> cluster_object = lookup_.Cluster(request.ns);
  if (!cluster_object) {
    // The namespace carries our label, so the shoot has our extension; a missing Cluster is a
    // cache that has not caught up. Refusing makes gardenlet retry instead of writing a GPU
    // pool's OSC without the runtime.
    throw Error(ErrorCode::kRetryableInfraDependencies,
                fmt::format("no Cluster {} in the cache yet", request.ns));
  }
  gardener::Cluster cluster = [&] {
    try {
      return gardener::Cluster::FromObject(*cluster_object);
    } catch (...) {
      std::throw_with_nested(
          Error(ErrorCode::kInternal, fmt::format("Cluster {} is malformed", request.ns)));
    }
  }();
  const std::optional<json> extension = lookup_.Extension(request.ns);

  const json original = osc;
  OscMutation result = mutator_.Mutate(osc, cluster, extension ? &*extension : nullptr);
  for (const std::string& message : result.errors) {
    log.Error(message);
  }
  if (!result.skipped.empty()) {
    log.Debug("OperatingSystemConfig left unchanged", {{"reason", result.skipped}});
    return;
  }
  // DESIGN.md §12 step 5: an answer GRM would refuse is our bug, never the user's.
  if (FieldErrorList broken = NewOscViolations(original, osc); !broken.empty()) {
    const std::string message = fmt::format(
        "the GPU extension's OperatingSystemConfig mutation breaks Gardener's validation (a bug "
        "in gardener-extension-gpu): {}",
        ToAggregateMessage(broken));
    log.Error(message);
    throw Error(ErrorCode::kInternal, message);
  }
  warnings.insert(warnings.end(), result.warnings.begin(), result.warnings.end());
}

}  // namespace gpuext::webhook
