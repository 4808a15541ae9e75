// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The garden Shoot webhook's handlers (DESIGN.md §9): gardener::Mutator / gardener::Validator
// adapters around the pure MutateShoot / ValidateShoot, resolving the Shoot's CloudProfile
// through a lookup the binary backs with an informer cache (so a request makes no API call).
//
//   ShootMutatorHandler mutator(lookup);
//   server.AddMutator("/webhooks/shoot/mutate", mutator);

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/gardener/admission.h"
#include "gpuext/webhook/shoot_mutator.h"
#include "gpuext/webhook/shoot_validator.h"

namespace gpuext::webhook {

// Which profile a Shoot uses: spec.cloudProfile {kind, name} or the older spec.cloudProfileName.
struct CloudProfileRef {
  std::string kind = "CloudProfile";  // or NamespacedCloudProfile (in the Shoot's namespace)
  std::string name;
  std::string ns;  // set for NamespacedCloudProfile
};

[[nodiscard]] std::optional<CloudProfileRef> CloudProfileOf(const nlohmann::json& shoot);

// The CloudProfile object, or nullopt when it does not exist.
using CloudProfileLookup = std::function<std::optional<nlohmann::json>(const CloudProfileRef&)>;

// `spec.machineTypes[].gpu` of a CloudProfile (a Kubernetes quantity: number or string).
[[nodiscard]] MachineTypeGpus MachineTypeGpusOf(const nlohmann::json& cloud_profile);

class ShootMutatorHandler : public gardener::Mutator {
 public:
  explicit ShootMutatorHandler(CloudProfileLookup lookup) : lookup_(std::move(lookup)) {}
  using gardener::Mutator::Mutate;
  void Mutate(const gardener::AdmissionRequest& request, nlohmann::json& shoot) override;
  void Mutate(const gardener::AdmissionRequest& request, nlohmann::json& shoot,
              std::vector<std::string>& warnings) override;

 private:
  CloudProfileLookup lookup_;
};

class ShootValidatorHandler : public gardener::Validator {
 public:
  ShootValidatorHandler(CloudProfileLookup lookup, std::vector<std::string> supported_images)
      : lookup_(std::move(lookup)), supported_images_(std::move(supported_images)) {}
  using gardener::Validator::Validate;
  FieldErrorList Validate(const gardener::AdmissionRequest& request) override;
  FieldErrorList Validate(const gardener::AdmissionRequest& request,
                          std::vector<std::string>& warnings) override;

 private:
  CloudProfileLookup lookup_;
  std::vector<std::string> supported_images_;
};

}  // namespace gpuext::webhook
