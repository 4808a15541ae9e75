// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Every chart under test/testdata/charts/<name>/ and every shoot chart under
// charts/internal/<name>/, with its defaults and with each ci/*.yaml values file, rendered by
// the real `helm template` and by our renderer: the same set of objects keyed by (apiVersion,
// kind, namespace, name) with equal content. A values file named ci/*-error.yaml must make
// both fail.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
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
using ::gpuext::testing::Tools;
using nlohmann::json;

constexpr const char* kRelease = "diff";
constexpr const char* kNamespace = "gpu-test";
constexpr const char* kKubeVersion = "1.35.0";

struct Fixture {
  fs::path chart;
  fs::path values;  // empty: chart defaults only
  std::string name;
  // A shoot chart may render nothing with its defaults (node-agent: no pool, no shared
  // objects); its ci/ files then carry the comparison.
  bool may_be_empty = false;
};

// gtest prints parameters into the ctest name; the raw bytes would hold heap addresses.
void PrintTo(const Fixture& f, std::ostream* os) { *os << f.name; }

std::vector<Fixture> Fixtures() {
  std::vector<Fixture> out;
  const fs::path source = GPUEXT_SOURCE_DIR;
  const std::pair<fs::path, std::string> roots[] = {
      {source / "test/testdata/charts", ""},
      {source / "charts/internal", "internal_"},
  };
  for (const auto& [root, prefix] : roots) {
    std::vector<fs::path> charts;
    for (const auto& chart : fs::directory_iterator(root)) {
      if (chart.is_directory()) {
        charts.push_back(chart.path());
      }
    }
    std::sort(charts.begin(), charts.end());
    for (const fs::path& chart : charts) {
      const std::string name = prefix + chart.filename().string();
      out.push_back({chart, {}, name + "_defaults", !prefix.empty()});
      if (fs::is_directory(chart / "ci")) {
        for (const auto& v : fs::directory_iterator(chart / "ci")) {
          out.push_back({chart, v.path(), name + "_" + v.path().stem().string(), false});
        }
      }
    }
  }
  return out;
}

using ObjectKey = std::tuple<std::string, std::string, std::string, std::string>;

std::map<ObjectKey, json> ByKey(const std::vector<json>& docs) {
  std::map<ObjectKey, json> out;
  for (const json& d : docs) {
    if (!d.is_object()) {
      continue;
    }
    const json meta = d.value("metadata", json::object());
    out[{d.value("apiVersion", ""), d.value("kind", ""), meta.value("namespace", ""),
         meta.value("name", "")}] = d;
  }
  return out;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An error text with its "- " list items (and their nested items) in sorted order: Helm
// lists schema errors of a map's properties in Go's random map order.
std::string CanonicalError(std::string text) {
  // Warnings (level=WARN ...) come before the error.
  if (const size_t at = text.find("Error: "); at != std::string::npos) {
    text.erase(0, at + 7);
  }
  if (const size_t debug = text.find("\nUse --debug flag"); debug != std::string::npos) {
    text.erase(debug);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  struct Item {
    std::string line;
    std::vector<Item> children;
  };
  auto indent = [](const std::string& l) {
    const size_t dash = l.find_first_not_of(' ');
    return dash != std::string::npos && l[dash] == '-' ? static_cast<int>(dash / 2) : -1;
  };
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    lines.push_back(l);
  }
  size_t at = 0;
  std::function<std::vector<Item>(int)> parse = [&](int depth) {
    std::vector<Item> items;
    while (at < lines.size() && indent(lines[at]) == depth) {
      Item item{lines[at++], {}};
      item.children = parse(depth + 1);
      items.push_back(std::move(item));
    }
    return items;
  };
  std::function<void(std::vector<Item>&, std::string&)> print = [&](std::vector<Item>& items,
                                                                    std::string& out) {
    std::vector<std::string> texts;
    for (Item& i : items) {
      std::string sub;
      print(i.children, sub);
      texts.push_back(i.line + "\n" + sub);
    }
    std::sort(texts.begin(), texts.end());
    for (const std::string& t : texts) {
      out += t;
    }
  };
  std::string out;
  while (at < lines.size()) {
    if (indent(lines[at]) < 0) {
      out += lines[at++] + "\n";
    } else {
      std::vector<Item> items = parse(indent(lines[at]));
      print(items, out);
      if (at < lines.size() && indent(lines[at]) > 0) {
        out += lines[at++] + "\n";
      }
    }
  }
  return out;
}

class ChartDifferentialTest : public ::testing::TestWithParam<Fixture> {};

TEST_P(ChartDifferentialTest, MatchesHelmTemplate) {
  ASSERT_EQ(Tools().Check(), "");
  const Fixture& f = GetParam();
  const bool want_error = f.values.filename().string().ends_with("-error.yaml");
  std::vector<std::string> argv = {Tools().helm.string(), "template",   kRelease,
                                   f.chart.string(),      "-n",         kNamespace,
                                   "--kube-version",      kKubeVersion, "--include-crds"};
  json user = json::object();
  if (!f.values.empty()) {
    argv.insert(argv.end(), {"-f", f.values.string()});
    user = MergeValueFiles({UnmarshalYaml(ReadFile(f.values))});
  }
  const auto helm = RunProcess(argv);
  std::string ours_text;
  std::string ours_error;
  try {
    ours_text = FormatManifests(Render(
        ChartFS::FromDirectory(f.chart), user,
        {.name = kRelease, .ns = kNamespace, .kube_version = kKubeVersion, .include_crds = true}));
  } catch (const Error& e) {
    ours_error = e.what();
  }
  if (want_error) {
    EXPECT_NE(helm.exit_code, 0) << "helm rendered an error fixture:\n" << helm.stdout_text;
    EXPECT_NE(ours_error, "") << "we rendered an error fixture:\n" << ours_text;
    EXPECT_EQ(CanonicalError(ours_error), CanonicalError(helm.stderr_text));
    return;
  }
  ASSERT_EQ(helm.exit_code, 0) << helm.stderr_text;
  ASSERT_EQ(ours_error, "");
  const auto want = ByKey(UnmarshalYamlDocuments(helm.stdout_text));
  const auto got = ByKey(UnmarshalYamlDocuments(ours_text));
  if (!f.may_be_empty) {
    EXPECT_FALSE(want.empty());
  }
  for (const auto& [key, object] : want) {
    const auto it = got.find(key);
    ASSERT_NE(it, got.end()) << "missing " << std::get<1>(key) << " " << std::get<3>(key);
    EXPECT_EQ(it->second, object) << "diff (ours vs helm): " << json::diff(object, it->second);
  }
  for (const auto& [key, object] : got) {
    EXPECT_TRUE(want.contains(key)) << "extra " << std::get<1>(key) << " " << std::get<3>(key);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, ChartDifferentialTest, ::testing::ValuesIn(Fixtures()),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (char& c : n) {
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace gpuext::helm
