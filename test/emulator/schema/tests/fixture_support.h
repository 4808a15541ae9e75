// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The CRDs under ../shared/fixtures and a table runner that puts objects through what the
// server does with a request: prune, default, validate.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::emulator::schema::testing {

// One served version of one CRD from the fixtures.
struct FixtureCrd {
  std::string file;     // relative to the fixtures folder
  std::string name;     // metadata.name, "extensions.extensions.gardener.cloud"
  std::string group;    // spec.group
  std::string kind;     // spec.names.kind
  std::string version;  // spec.versions[].name
  nlohmann::json schema;
};

// Every served version of every CRD in every *.yaml below the fixtures folder (loaded once).
const std::vector<FixtureCrd>& FixtureCrds();

// The parsed documents of one fixture file, e.g. "nfd-crds/cr-sample.yaml".
std::vector<nlohmann::json> FixtureDocuments(std::string_view relative_path);

struct FixtureCase {
  std::string name = {};
  std::string patch = "{}";  // JSON merge patch applied to the minimal object
  std::optional<std::string> old_patch =
      std::nullopt;  // the stored object, as a patch; nullopt: a create
  std::vector<std::string> want_errors = {};
  std::vector<std::string> want_pruned = {};
  // JSON pointers and the values they must have after defaulting.
  std::vector<std::pair<std::string, std::string>> want_values = {};
};

// Runs the cases against every served version of `crd_name`. `minimal` is the smallest valid
// object without apiVersion and kind (set from the CRD).
void RunFixtureCases(std::string_view crd_name, std::string_view minimal,
                     const std::vector<FixtureCase>& cases);

}  // namespace gpuext::emulator::schema::testing
