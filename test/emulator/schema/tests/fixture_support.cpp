// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "fixture_support.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/emulator/schema/structural_schema.h"
#include "gpuext/yaml_json.h"
#include "schema_test_util.h"

namespace gpuext::emulator::schema::testing {
namespace {

using ::testing::ElementsAreArray;

const std::filesystem::path& FixturesDir() {
  static const std::filesystem::path kDir =
      std::filesystem::path(GPUEXT_SOURCE_DIR) / ".." / "shared" / "fixtures";
  return kDir;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<FixtureCrd> LoadCrds() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(FixturesDir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<FixtureCrd> crds;
  for (const auto& file : files) {
    for (const nlohmann::json& doc : ParseYamlDocuments(ReadFile(file))) {
      if (doc.value("kind", "") != "CustomResourceDefinition") {
        continue;
      }
      for (const nlohmann::json& version : doc["spec"]["versions"]) {
        if (version.value("served", false)) {
          crds.push_back({std::filesystem::relative(file, FixturesDir()).string(),
                          doc["metadata"]["name"], doc["spec"]["group"],
                          doc["spec"]["names"]["kind"], version["name"],
                          version["schema"]["openAPIV3Schema"]});
        }
      }
    }
  }
  return crds;
}

// What the server does with a request body: prune (strict field validation reports the
// pruned paths), then default.
nlohmann::json Decode(const StructuralSchema& schema, nlohmann::json object,
                      std::vector<std::string>* pruned) {
  std::vector<std::string> paths = schema.Prune(object);
  if (pruned != nullptr) {
    *pruned = std::move(paths);
  }
  schema.ApplyDefaults(object);
  return object;
}

}  // namespace

const std::vector<FixtureCrd>& FixtureCrds() {
  static const std::vector<FixtureCrd> kCrds = LoadCrds();
  return kCrds;
}

std::vector<nlohmann::json> FixtureDocuments(std::string_view relative_path) {
  return ParseYamlDocuments(ReadFile(FixturesDir() / relative_path));
}

void RunFixtureCases(std::string_view crd_name, std::string_view minimal,
                     const std::vector<FixtureCase>& cases) {
  int versions = 0;
  for (const FixtureCrd& crd : FixtureCrds()) {
    if (crd.name != crd_name) {
      continue;
    }
    ++versions;
    const auto schema = StructuralSchema::FromOpenApiV3(crd.schema);
    nlohmann::json base = Json(minimal);
    base["apiVersion"] = crd.group + "/" + crd.version;
    base["kind"] = crd.kind;
    for (const FixtureCase& c : cases) {
      SCOPED_TRACE(crd.name + " " + crd.version + ": " + c.name);
      nlohmann::json object = base;
      object.merge_patch(Json(c.patch));
      std::vector<std::string> pruned;
      object = Decode(*schema, object, &pruned);
      std::optional<nlohmann::json> old;
      if (c.old_patch) {
        nlohmann::json stored = base;
        stored.merge_patch(Json(*c.old_patch));
        old = Decode(*schema, stored, nullptr);
      }
      EXPECT_THAT(Rendered(schema->Validate(object, old ? &*old : nullptr)),
                  ElementsAreArray(c.want_errors));
      EXPECT_THAT(pruned, ElementsAreArray(c.want_pruned));
      for (const auto& [pointer, value] : c.want_values) {
        EXPECT_EQ(object.value(nlohmann::json::json_pointer(pointer), nlohmann::json()),
                  Json(value))
            << pointer;
      }
    }
  }
  EXPECT_GT(versions, 0) << "no served version of " << crd_name << " in the fixtures";
}

}  // namespace gpuext::emulator::schema::testing
