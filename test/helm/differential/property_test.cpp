// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Property test against the real helm: random values trees (fixed seed) through the
// `property` chart (ranges, withs, defaults, kind tests over whatever the values are) give
// the same objects as `helm template`, or both fail with the same message. 20 cases in CI;
// GPUEXT_HELM_PROPERTY_CASES=N runs N (and GPUEXT_HELM_PROPERTY_SEED picks another seed).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"
#include "gpuext/helm/renderer.h"
#include "gpuext/testing/process.h"

namespace gpuext::helm {
namespace {

namespace fs = std::filesystem;
using ::gpuext::testing::RunProcess;
using ::gpuext::testing::TempDir;
using ::gpuext::testing::Tools;
using nlohmann::json;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  // Values a values file can hold: YAML reads every number as float64, so integers and
  // fractions both; strings that look like other types, since templates treat them apart.
  json Value(int depth) {
    static const char* kStrings[] = {"", "x", "gpu", "1", "true", "null", "a b", "é"};
    switch (Pick(depth >= 2 ? 5 : 7)) {
      case 0:
        return nullptr;
      case 1:
        return Pick(2) == 0;
      case 2:
        return Pick(3) == 0 ? json(Pick(7) - 3) : json((Pick(400) - 200) / 8.0);
      case 3:
      case 4:
        return kStrings[Pick(8)];
      case 5: {
        json a = json::array();
        for (int i = Pick(4); i > 0; --i) {
          a.push_back(Value(depth + 1));
        }
        return a;
      }
      default:
        return Map(depth + 1);
    }
  }

  json Map(int depth) {
    static const char* kKeys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "name"};
    json o = json::object();
    for (int i = Pick(depth == 0 ? 8 : 4); i > 0; --i) {
      o[kKeys[Pick(9)]] = Value(depth);
    }
    return o;
  }

 private:
  std::mt19937 rng_;
};

using ManifestKey = std::tuple<std::string, std::string, std::string>;

std::map<ManifestKey, json> ByManifestKey(const std::vector<json>& docs) {
  std::map<ManifestKey, json> out;
  for (const json& d : docs) {
    if (d.is_object()) {
      const json meta = d.value("metadata", json::object());
      out[{d.value("apiVersion", ""), d.value("kind", ""), meta.value("name", "")}] = d;
    }
  }
  return out;
}

// Helm's error text without the "Error: " prefix and the --debug hint.
std::string HelmError(std::string text) {
  if (const size_t at = text.find("Error: "); at != std::string::npos) {
    text.erase(0, at + 7);
  }
  if (const size_t at = text.find("\nUse --debug flag"); at != std::string::npos) {
    text.erase(at);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

TEST(PropertyDifferentialTest, RandomValuesRenderAsHelm) {
  ASSERT_EQ(Tools().Check(), "");
  const fs::path chart = fs::path(GPUEXT_SOURCE_DIR) / "test/testdata/charts/property";
  const int cases = EnvInt("GPUEXT_HELM_PROPERTY_CASES", 20);
  Gen gen(static_cast<uint32_t>(EnvInt("GPUEXT_HELM_PROPERTY_SEED", 20261123)));
  TempDir dir;
  int compared = 0;
  for (int i = 0; i < cases; ++i) {
    const json values = gen.Map(0);
    SCOPED_TRACE("case " + std::to_string(i) + " values " + values.dump());
    const fs::path file = dir.path() / "values.yaml";
    std::ofstream(file) << values.dump();  // JSON is YAML
    const auto helm = RunProcess({Tools().helm.string(), "template", "p", chart.string(), "-f",
                                  file.string(), "--kube-version", "1.35.0"});
    std::string ours_text;
    std::string ours_error;
    try {
      // As helm reads the file: every number a float64.
      const json user = UnmarshalYaml(values.dump());
      ours_text = FormatManifests(
          Render(ChartFS::FromDirectory(chart), user, {.name = "p", .kube_version = "1.35.0"}));
    } catch (const Error& e) {
      ours_error = e.what();
    }
    if (helm.exit_code != 0) {
      EXPECT_EQ(ours_error, HelmError(helm.stderr_text));
      continue;
    }
    ASSERT_EQ(ours_error, "");
    const auto want = ByManifestKey(UnmarshalYamlDocuments(helm.stdout_text));
    const auto got = ByManifestKey(UnmarshalYamlDocuments(ours_text));
    EXPECT_EQ(got, want) << "helm:\n" << helm.stdout_text << "ours:\n" << ours_text;
    ++compared;
  }
  // Most random trees must render: a property test that only compares errors proves little.
  EXPECT_GE(compared, cases / 2);
}

}  // namespace
}  // namespace gpuext::helm
