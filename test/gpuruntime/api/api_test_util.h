// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared fixtures of the api tests: the testdata documents and a shoot-like validation context.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"
#include "gpuext/gpuruntime/api/component_config.h"
#include "gpuext/gpuruntime/api/validation.h"
#include "gpuext/yaml_json.h"

namespace gpuext::gpuruntime::api::testing {

inline std::string ReadTestdata(const std::string& name) {
  const auto path =
      std::filesystem::path(GPUEXT_SOURCE_DIR) / "gpuruntime" / "testdata" / "api" / name;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json TestdataJson(const std::string& name) {
  return ParseYaml(ReadTestdata(name));
}

// controller-configuration.yaml: branches 570 (excluded on gardenlinux >= 2150.8), 580
// (580.82.07 and 580.95.05), 590; gardenlinux containerd v2 below 1877, v3 from 1877.
inline const ControllerConfiguration& TestComponent() {
  static const ControllerConfiguration kConfig =
      LoadControllerConfiguration(ReadTestdata("controller-configuration.yaml"));
  return kConfig;
}

// A shoot with a new-image GPU pool, an old-image GPU pool and a CPU pool; spec.resources holds
// my-s3 and signing.
inline ValidationContext TestContext(const ControllerConfiguration& component = TestComponent()) {
  return ValidationContext{.component = component,
                           .pools = {{.name = "gpu-a100",
                                      .machine_image_name = "gardenlinux",
                                      .machine_image_version = "2150.9.0",
                                      .gpus = 8,
                                      .has_runtime = true,
                                      .own_driver_version = false},
                                     {.name = "gpu-old",
                                      .machine_image_name = "gardenlinux",
                                      .machine_image_version = "1877.5.0",
                                      .gpus = 1,
                                      .has_runtime = true,
                                      .own_driver_version = false},
                                     {.name = "cpu",
                                      .machine_image_name = "gardenlinux",
                                      .machine_image_version = "1877.5.0",
                                      .gpus = 0,  // the CloudProfile gives the machine type no GPU
                                      .has_runtime = false,
                                      .own_driver_version = false}},
                           .resource_names = {"my-s3", "signing"}};
}

inline std::vector<std::string> Messages(const FieldErrorList& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) {
    out.push_back(e.ToString());
  }
  return out;
}

// Top-level keys of `patch` replace or add to the document's; a null value stays a null value
// (merge_patch would delete the key, losing the null the decoders must keep apart from absent).
inline nlohmann::json Doc(std::string_view kind, const nlohmann::json& patch) {
  nlohmann::json doc = {{"apiVersion", "gpu.extensions.gardener.cloud/v1alpha1"},
                        {"kind", std::string(kind)}};
  for (const auto& [key, value] : patch.items()) {
    doc[key] = value;
  }
  return doc;
}

}  // namespace gpuext::gpuruntime::api::testing
