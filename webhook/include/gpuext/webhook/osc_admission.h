// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The seed OSC webhook's handler (DESIGN.md §12): a gardener::Mutator around the pure
// OscMutator. It finds the shoot's Cluster and our Extension through an OscLookup, which the
// extension binary backs with informer caches (a request makes no API call) and tests back with
// maps, and checks its own answer against Gardener's OSC validation before giving it.
//
//   OscMutatorHandler handler(lookup, component_config, log);
//   server.AddMutator("/webhooks/osc", handler);
//
// Answers (through gardener::RunMutator):
//   - skipped OSCs (provision, deleting, foreign pool, ...): allowed, no patch;
//   - a pool whose GPU configuration does not resolve: denied 422 with the field;
//   - no Cluster for the namespace, or a mutation that breaks an OSC validation rule the
//     request did not break already: 500 (ours to fix; failurePolicy Fail makes gardenlet retry),
//     logged as an error.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gardener/admission.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/logger.h"
#include "gpuext/webhook/osc_mutator.h"

namespace gpuext::webhook {

// Reads for one request. Implementations must be safe for concurrent use.
class OscLookup {
 public:
  virtual ~OscLookup() = default;
  // The Cluster object (extensions.gardener.cloud/v1alpha1) named `ns`; nullopt when absent.
  [[nodiscard]] virtual std::optional<nlohmann::json> Cluster(std::string_view ns) const = 0;
  // Our Extension (spec.type nvidia-gpu) in namespace `ns`; nullopt when there is none.
  [[nodiscard]] virtual std::optional<nlohmann::json> Extension(std::string_view ns) const = 0;
};

// Safe for concurrent use when the lookup is; borrows `lookup` and `component`.
class OscMutatorHandler : public gardener::Mutator {
 public:
  OscMutatorHandler(const OscLookup& lookup,
                    const gpuruntime::api::ControllerConfiguration& component,
                    Logger log = Logger::Root().WithName("osc-webhook"))
      : lookup_(lookup), mutator_(component), log_(std::move(log)) {}

  using gardener::Mutator::Mutate;
  void Mutate(const gardener::AdmissionRequest& request, nlohmann::json& osc) override;
  void Mutate(const gardener::AdmissionRequest& request, nlohmann::json& osc,
              std::vector<std::string>& warnings) override;

 private:
  const OscLookup& lookup_;
  OscMutator mutator_;
  Logger log_;
};

// The errors of ValidateOsc(mutated) that ValidateOsc(original) does not have, compared with
// list indices left out (our upserts shift them). Empty when the mutation broke nothing.
[[nodiscard]] FieldErrorList NewOscViolations(const nlohmann::json& original,
                                              const nlohmann::json& mutated);

}  // namespace gpuext::webhook
