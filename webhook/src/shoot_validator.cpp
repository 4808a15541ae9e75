// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/webhook/shoot_validator.h"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/webhook/shoot_mutator.h"
#include "shoot_fields.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;

// Versions of `image` in the CloudProfile whose containerd lists the nvidia runtime.
std::vector<std::string> VersionsWithRuntime(const json& cloud_profile, const std::string& image) {
  std::vector<std::string> versions;
  const json& images = ArrayAt(cloud_profile, {"spec", "machineImages"});
  for (const json& entry : images) {
    if (!entry.is_object() || StringAt(entry, {"name"}) != image)
      continue;
    for (const json& version : ArrayAt(entry, {"versions"})) {
      if (!version.is_object())
        continue;
      for (const json& cri : ArrayAt(version, {"cri"})) {
        if (!cri.is_object() || StringAt(cri, {"name"}) != "containerd")
          continue;
        for (const json& runtime : ArrayAt(cri, {"containerRuntimes"})) {
          if (runtime.is_object() && StringAt(runtime, {"type"}) == kRuntimeType) {
            versions.push_back(StringAt(version, {"version"}));
          }
        }
      }
    }
  }
  return versions;
}

// Orders dotted numeric versions ("1592.3.0" < "1877.5") component by component.
bool VersionLess(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& v) {
    std::vector<long> out;
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t dot = v.find('.', pos);
      if (dot == std::string::npos)
        dot = v.size();
      out.push_back(std::strtol(v.substr(pos, dot - pos).c_str(), nullptr, 10));
      pos = dot + 1;
    }
    return out;
  };
  return parts(a) < parts(b);
}

void CheckPool(const json& pool, size_t index, const ShootValidationContext& context,
               ShootValidation& out) {
  const std::string path = fmt::format("spec.provider.workers[{}]", index);
  const std::string cri_name = StringAt(pool, {"cri", "name"});
  if (cri_name != "containerd") {
    out.errors.push_back({.type = FieldErrorType::kNotSupported,
                          .field = path + ".cri.name",
                          .value = cri_name,
                          .detail = "GPU pools need containerd; set cri.name to containerd"});
  }
  const std::string image = StringAt(pool, {"machine", "image", "name"});
  const std::string version = StringAt(pool, {"machine", "image", "version"});
  if (!image.empty() && std::find(context.supported_images.begin(), context.supported_images.end(),
                                  image) == context.supported_images.end()) {
    out.errors.push_back({.type = FieldErrorType::kNotSupported,
                          .field = path + ".machine.image.name",
                          .value = image,
                          .detail = fmt::format("{} is not supported by nvidia-gpu; supported: {}",
                                                image, fmt::join(context.supported_images, ", "))});
  } else if (context.cloud_profile && !image.empty() && !version.empty()) {
    auto versions = VersionsWithRuntime(*context.cloud_profile, image);
    if (std::find(versions.begin(), versions.end(), version) == versions.end()) {
      std::string hint;
      if (!versions.empty()) {
        hint = fmt::format(" (>= {})",
                           *std::min_element(versions.begin(), versions.end(), VersionLess));
      }
      out.errors.push_back(FieldError::Invalid(
          path + ".machine.image", fmt::format("{} {}", image, version),
          fmt::format("{} {} does not list the nvidia runtime; pick a version whose "
                      "cri.containerRuntimes include nvidia{} or ask the operator to patch the "
                      "CloudProfile",
                      image, version, hint)));
    }
  }
  const json* allow = At(pool, {"systemComponents", "allow"});
  if (!allow || *allow == true) {  // Gardener defaults allow to true
    out.warnings.push_back(fmt::format(
        "{}.systemComponents.allow: pool \"{}\" runs system components on GPU machines; set "
        "systemComponents.allow: false and keep a CPU pool for them to save GPU capacity",
        path, StringAt(pool, {"name"})));
  }
}

void CheckConfiguredPools(const json& shoot, ShootValidation& out) {
  const json& extensions = ArrayAt(shoot, {"spec", "extensions"});
  for (size_t j = 0; j < extensions.size(); ++j) {
    const json& extension = extensions[j];
    if (!extension.is_object() || StringAt(extension, {"type"}) != kExtensionType)
      continue;
    const json& pools = ArrayAt(extension, {"providerConfig", "pools"});
    for (size_t m = 0; m < pools.size(); ++m) {
      if (!pools[m].is_string())
        continue;
      const std::string name = pools[m].get<std::string>();
      const std::string field = fmt::format("spec.extensions[{}].providerConfig.pools[{}]", j, m);
      const json* pool = FindPool(shoot, name);
      if (!pool) {
        out.errors.push_back(FieldError::Invalid(
            field, name,
            fmt::format("pool \"{}\" does not exist; name a pool of spec.provider.workers", name)));
      } else if (!PoolHasRuntime(*pool)) {
        out.errors.push_back(FieldError::Invalid(
            field, name,
            fmt::format("pool \"{}\" is listed but has no nvidia runtime; add it or remove the "
                        "pool from pools",
                        name)));
      }
    }
  }
}

ShootValidation Check(const json& shoot, const ShootValidationContext& context) {
  ShootValidation out;
  const json& workers = ArrayAt(shoot, {"spec", "provider", "workers"});
  for (size_t i = 0; i < workers.size(); ++i) {
    if (workers[i].is_object() && PoolHasRuntime(workers[i]))
      CheckPool(workers[i], i, context, out);
  }
  CheckConfiguredPools(shoot, out);
  return out;
}

}  // namespace

bool RelevantFieldsChanged(const json& old_shoot, const json& shoot) {
  if (!old_shoot.is_object())
    return true;
  auto differs = [&](std::initializer_list<std::string_view> keys) {
    const json* a = At(old_shoot, keys);
    const json* b = At(shoot, keys);
    return (a == nullptr) != (b == nullptr) || (a && *a != *b);
  };
  return differs({"spec", "extensions"}) || differs({"spec", "provider", "workers"}) ||
         differs({"spec", "resources"});
}

ShootValidation ValidateShoot(const json& old_shoot, const json& shoot,
                              const ShootValidationContext& context) {
  ShootValidation result = Check(shoot, context);
  if (!old_shoot.is_object())
    return result;
  // Problems the stored object already had become warnings (see the header).
  std::set<std::string> existing;
  for (const FieldError& error : Check(old_shoot, context).errors)
    existing.insert(error.ToString());
  FieldErrorList denials;
  for (FieldError& error : result.errors) {
    std::string text = error.ToString();
    if (existing.contains(text)) {
      result.warnings.push_back(text + " (already present before this update; fix it soon)");
    } else {
      denials.push_back(std::move(error));
    }
  }
  result.errors = std::move(denials);
  return result;
}

}  // namespace gpuext::webhook
