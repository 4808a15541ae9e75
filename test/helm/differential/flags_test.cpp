// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The value flags (--set-json, --set, --set-string, --set-file, in Helm's order), Chart.yaml
// kubeVersion and packaged (.tgz) charts, compared with the real `helm template`: the
// gpuext-helm CLI logic (ApplySet* in that order, ChartFS::FromArchive) gives the same
// objects, and the same error where helm fails.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"
#include "gpuext/helm/renderer.h"
#include "gpuext/helm/values.h"
#include "gpuext/testing/process.h"

namespace gpuext::helm {
namespace {

namespace fs = std::filesystem;
using ::gpuext::testing::RunProcess;
using ::gpuext::testing::TempDir;
using ::gpuext::testing::Tools;
using nlohmann::json;

const fs::path kCharts = fs::path(GPUEXT_SOURCE_DIR) / "test/testdata/charts";

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::kNotFound, "open " + path + ": no such file or directory");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Flags {
  std::vector<std::string> set_json = {};
  std::vector<std::string> set = {};
  std::vector<std::string> set_string = {};
  std::vector<std::string> set_file = {};
  std::string kube_version = "1.35.0";
};

struct Outcome {
  std::map<std::string, json> objects;  // by kind/name
  std::string error;
};

std::map<std::string, json> ByName(const std::string& stream) {
  std::map<std::string, json> out;
  for (json& d : UnmarshalYamlDocuments(stream)) {
    if (d.is_object()) {
      out[d.value("kind", "") + "/" + d["metadata"].value("name", "")] = d;
    }
  }
  return out;
}

Outcome Helm(const fs::path& chart, const Flags& f) {
  std::vector<std::string> argv = {Tools().helm.string(), "template",       "diff",
                                   chart.string(),        "--kube-version", f.kube_version};
  for (const auto& s : f.set_json)
    argv.insert(argv.end(), {"--set-json", s});
  for (const auto& s : f.set)
    argv.insert(argv.end(), {"--set", s});
  for (const auto& s : f.set_string)
    argv.insert(argv.end(), {"--set-string", s});
  for (const auto& s : f.set_file)
    argv.insert(argv.end(), {"--set-file", s});
  const auto r = RunProcess(argv);
  if (r.exit_code != 0) {
    // Warnings (level=WARN ...) come before the error.
    std::string e = r.stderr_text;
    const size_t at = e.find("Error: ");
    e = e.substr(at == std::string::npos ? 0 : at + 7);
    e = e.substr(0, e.find("\n\nUse --debug"));
    while (!e.empty() && e.back() == '\n')
      e.pop_back();
    return {.objects = {}, .error = e};
  }
  return {.objects = ByName(r.stdout_text), .error = ""};
}

Outcome Ours(const fs::path& chart, const Flags& f) {
  try {
    json values = json::object();
    for (const auto& s : f.set_json)
      ApplySetJson(&values, s);
    for (const auto& s : f.set)
      ApplySet(&values, s);
    for (const auto& s : f.set_string)
      ApplySetString(&values, s);
    for (const auto& s : f.set_file)
      ApplySetFile(&values, s, ReadTextFile);
    const ChartFS files = chart.extension() == ".tgz" ? ChartFS::FromArchive(ReadTextFile(chart))
                                                      : ChartFS::FromDirectory(chart);
    return {.objects = ByName(FormatManifests(
                Render(files, values, {.name = "diff", .kube_version = f.kube_version}))),
            .error = ""};
  } catch (const Error& e) {
    std::string msg = e.what();
    while (!msg.empty() && msg.back() == '\n')
      msg.pop_back();
    return {.objects = {}, .error = msg};
  }
}

void ExpectSame(const fs::path& chart, const Flags& f) {
  ASSERT_EQ(Tools().Check(), "");
  const Outcome helm = Helm(chart, f);
  const Outcome ours = Ours(chart, f);
  EXPECT_EQ(ours.error, helm.error);
  EXPECT_EQ(ours.objects.size(), helm.objects.size());
  for (const auto& [key, object] : helm.objects) {
    ASSERT_TRUE(ours.objects.contains(key)) << "missing " << key;
    EXPECT_EQ(ours.objects.at(key), object) << json::diff(object, ours.objects.at(key));
  }
}

TEST(FlagsDifferentialTest, SetJsonPairsAndWholeObject) {
  ExpectSame(kCharts / "imports", {.set_json = {R"(a=1,b={"q":[1,"x",null]},c="s")",
                                                R"({"d":{"e":true},"color":"json"})"}});
}

TEST(FlagsDifferentialTest, SetStringKeepsEverythingAString) {
  ExpectSame(kCharts / "imports", {.set_string = {"n=1,t=true,z=null,l={1,x}"}});
}

TEST(FlagsDifferentialTest, LaterKindsWinInHelmsOrder) {
  ExpectSame(kCharts / "imports",
             {.set_json = {"x=1.5"}, .set = {"x=2,y=3"}, .set_string = {"y=4"}});
}

TEST(FlagsDifferentialTest, SetFileReadsTheFile) {
  ExpectSame(kCharts / "imports", {.set_file = {"f=" + (kCharts / "basics/files/a.txt").string()}});
}

TEST(FlagsDifferentialTest, BadSetJsonFailsInBoth) {
  const Outcome helm = Helm(kCharts / "imports", {.set_json = {"a=nojson"}});
  const Outcome ours = Ours(kCharts / "imports", {.set_json = {"a=nojson"}});
  EXPECT_NE(helm.error, "");
  EXPECT_EQ(ours.error, "failed parsing --set-json data a=nojson");
}

TEST(FlagsDifferentialTest, KubeVersionConstraintIsChecked) {
  ExpectSame(kCharts / "imports", {.kube_version = "1.34.2"});
  ExpectSame(kCharts / "imports", {.kube_version = "v1.35.4-gke.1"});
  ExpectSame(kCharts / "schema", {.kube_version = "1.29"});
}

TEST(FlagsDifferentialTest, SchemaErrorsFromFlags) {
  ExpectSame(kCharts / "schema", {.set_json = {R"(port=0)"}});
  ExpectSame(kCharts / "schema", {.set = {"port=80", "image.tag=latest"}});
}

TEST(FlagsDifferentialTest, PackagedChartRendersLikeTheDirectory) {
  ASSERT_EQ(Tools().Check(), "");
  TempDir dir;
  const auto pkg = RunProcess({Tools().helm.string(), "package", (kCharts / "imports").string(),
                               "-d", dir.path().string()});
  ASSERT_EQ(pkg.exit_code, 0) << pkg.stderr_text;
  const fs::path tgz = dir.path() / "imports-0.1.0.tgz";
  ASSERT_TRUE(fs::exists(tgz));
  ExpectSame(tgz, {});
  ExpectSame(tgz, {.set = {"color=packaged"}});
}

TEST(FlagsDifferentialTest, PackagedSubchartIsLoaded) {
  ASSERT_EQ(Tools().Check(), "");
  TempDir dir;
  const fs::path chart = dir.path() / "imports";
  fs::copy(kCharts / "imports", chart, fs::copy_options::recursive);
  fs::remove_all(chart / "charts/lib");
  const auto pkg =
      RunProcess({Tools().helm.string(), "package", (kCharts / "imports/charts/lib").string(), "-d",
                  (chart / "charts").string()});
  ASSERT_EQ(pkg.exit_code, 0) << pkg.stderr_text;
  ASSERT_TRUE(fs::exists(chart / "charts/lib-0.1.0.tgz"));
  ExpectSame(chart, {});
}

}  // namespace
}  // namespace gpuext::helm
