// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_admission.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "shoot_fields.h"

namespace gpuext::webhook {

using nlohmann::json;

std::optional<CloudProfileRef> CloudProfileOf(const json& shoot) {
  CloudProfileRef ref;
  if (const json* profile = At(shoot, {"spec", "cloudProfile"}); profile && profile->is_object()) {
    ref.name = StringAt(*profile, {"name"});
    if (std::string kind = StringAt(*profile, {"kind"}); !kind.empty())
      ref.kind = kind;
  }
  if (ref.name.empty())
    ref.name = StringAt(shoot, {"spec", "cloudProfileName"});
  if (ref.name.empty())
    return std::nullopt;
  if (ref.kind == "NamespacedCloudProfile")
    ref.ns = StringAt(shoot, {"metadata", "namespace"});
  return ref;
}

MachineTypeGpus MachineTypeGpusOf(const json& cloud_profile) {
  MachineTypeGpus gpus;
  for (const json& type : ArrayAt(cloud_profile, {"spec", "machineTypes"})) {
    const json* gpu = At(type, {"gpu"});
    if (!gpu)
      continue;
    int count = 0;
    if (gpu->is_number_integer()) {
      count = gpu->get<int>();
    } else if (gpu->is_string()) {
      // GPU counts are whole quantities ("8"); anything else is no usable count.
      const std::string text = gpu->get<std::string>();
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
      if (ec != std::errc() || end != text.data() + text.size())
        continue;
    }
    gpus[StringAt(type, {"name"})] = count;
  }
  return gpus;
}

namespace {

std::optional<json> LookupProfile(const CloudProfileLookup& lookup, const json& shoot) {
  auto ref = CloudProfileOf(shoot);
  if (!ref || !lookup)
    return std::nullopt;
  return lookup(*ref);
}

}  // namespace

void ShootMutatorHandler::Mutate(const gardener::AdmissionRequest& request, json& shoot) {
  std::vector<std::string> ignored;
  Mutate(request, shoot, ignored);
}

void ShootMutatorHandler::Mutate(const gardener::AdmissionRequest& request, json& shoot,
                                 std::vector<std::string>& warnings) {
  if (request.operation != "CREATE" && request.operation != "UPDATE")
    return;
  auto profile = LookupProfile(lookup_, shoot);
  const MachineTypeGpus gpus = profile ? MachineTypeGpusOf(*profile) : MachineTypeGpus{};
  ShootMutation result = MutateShoot(request.old_object, shoot, gpus);
  warnings.insert(warnings.end(), result.warnings.begin(), result.warnings.end());
}

FieldErrorList ShootValidatorHandler::Validate(const gardener::AdmissionRequest& request) {
  std::vector<std::string> ignored;
  return Validate(request, ignored);
}

FieldErrorList ShootValidatorHandler::Validate(const gardener::AdmissionRequest& request,
                                               std::vector<std::string>& warnings) {
  if (request.operation != "CREATE" && request.operation != "UPDATE")
    return {};
  if (!RelevantFieldsChanged(request.old_object, request.object))
    return {};
  auto profile = LookupProfile(lookup_, request.object);
  ShootValidationContext context{.cloud_profile = profile ? &*profile : nullptr,
                                 .supported_images = supported_images_};
  ShootValidation result = ValidateShoot(request.old_object, request.object, context);
  warnings.insert(warnings.end(), result.warnings.begin(), result.warnings.end());
  return result.errors;
}

}  // namespace gpuext::webhook
