// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers of the tests of the generated artefacts (hack/generate-*.sh): paths in the repository,
// the real Helm, multi-document YAML, and the rawChart of example/controller-registration.yaml.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/testing/process.h"
#include "gpuext/yaml_json.h"

namespace gpuext::generate::testing {

inline const std::filesystem::path kRepo = GPUEXT_SOURCE_DIR;
inline const std::filesystem::path kChart = kRepo / "charts/gardener-extension-gpu";
inline const std::filesystem::path kCiValues = kChart / "ci/gardenlet-values.yaml";
inline const std::filesystem::path kRegistration = kRepo / "example/controller-registration.yaml";

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

// Runs the real helm (scripts/install-deps.sh) with its caches inside `home`.
inline gpuext::testing::ProcessResult Helm(const std::vector<std::string>& args,
                                           const std::filesystem::path& home) {
  std::vector<std::string> argv = {gpuext::testing::Tools().helm.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return gpuext::testing::RunProcess(argv,
                                     {.env = {"HELM_CACHE_HOME=" + (home / "cache").string(),
                                              "HELM_CONFIG_HOME=" + (home / "config").string(),
                                              "HELM_DATA_HOME=" + (home / "data").string()}});
}

// The documents of example/controller-registration.yaml whose kind is `kind`.
inline nlohmann::json RegistrationDocument(const std::string& kind) {
  for (const nlohmann::json& doc : ParseYamlDocuments(ReadFile(kRegistration))) {
    if (doc.value("kind", "") == kind) {
      return doc;
    }
  }
  throw std::runtime_error("example/controller-registration.yaml has no " + kind);
}

// Writes the ControllerDeployment's helm.rawChart to `dir`/chart.tgz and returns the path.
inline std::filesystem::path WriteRawChart(const nlohmann::json& controller_deployment,
                                           const std::filesystem::path& dir) {
  const std::filesystem::path tgz = dir / "chart.tgz";
  WriteFile(tgz, Base64Decode(controller_deployment.at("helm").at("rawChart").get<std::string>()));
  return tgz;
}

}  // namespace gpuext::generate::testing
