// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <set>

#include "gpuext/error.h"
#include "gpuext/helm/chart.h"
#include "gpuext/helm/go_codec.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

[[noreturn]] void InvalidChart(const std::string& message) {
  throw Error(ErrorCode::kConfigurationProblem, message);
}

json ParseFile(const ChartFS& fs, const std::string& path) {
  try {
    return UnmarshalYaml(fs.Read(path));
  } catch (const Error& e) {
    InvalidChart("cannot load " + path + ": " + e.what());
  }
}

std::string Text(const json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_null()) {
    return "";
  }
  if (v.is_number_float()) {
    // Chart.yaml `version: 1.0` reads as a float; Helm's YAML->JSON->string keeps "1".
    return MarshalJson(v);
  }
  return v.dump();
}

void ValidateMetadata(const json& m) {
  if (!m.is_object()) {
    InvalidChart("validation: chart.metadata is required");
  }
  if (Text(m.value("apiVersion", json())).empty()) {
    InvalidChart("validation: chart.metadata.apiVersion is required");
  }
  const std::string api = Text(m.at("apiVersion"));
  if (api != "v1" && api != "v2") {
    InvalidChart("validation: chart.metadata.apiVersion \"" + api + "\" is invalid");
  }
  if (Text(m.value("name", json())).empty()) {
    InvalidChart("validation: chart.metadata.name is required");
  }
  if (Text(m.value("version", json())).empty()) {
    InvalidChart("validation: chart.metadata.version is required");
  }
  const std::string type = Text(m.value("type", json()));
  if (!type.empty() && type != "application" && type != "library") {
    InvalidChart("validation: chart.metadata.type must be application or library");
  }
}

std::vector<ChartDependency> Dependencies(const json& m) {
  std::vector<ChartDependency> deps;
  for (const json& d : m.value("dependencies", json::array())) {
    ChartDependency dep{.name = Text(d.value("name", json()))};
    dep.version = Text(d.value("version", json()));
    dep.repository = Text(d.value("repository", json()));
    dep.condition = Text(d.value("condition", json()));
    dep.alias = Text(d.value("alias", json()));
    for (const json& t : d.value("tags", json::array())) {
      dep.tags.push_back(Text(t));
    }
    if (d.contains("enabled") && d["enabled"].is_boolean()) {
      dep.enabled = d["enabled"].get<bool>();
    }
    if (d.contains("import-values") && d["import-values"].is_array()) {
      dep.import_values = d["import-values"];
    }
    deps.push_back(dep);
  }
  return deps;
}

// Sub-chart directories directly under charts/ (charts/<dir>/Chart.yaml).
std::set<std::string> SubchartDirs(const ChartFS& fs) {
  std::set<std::string> dirs;
  for (const auto& [path, bytes] : fs.files()) {
    if (path.starts_with("charts/") && path.ends_with("/Chart.yaml")) {
      const std::string dir = path.substr(0, path.size() - std::string("/Chart.yaml").size());
      if (dir.find('/', 7) == std::string::npos) {
        dirs.insert(dir);
      }
    }
  }
  return dirs;
}

void SortFiles(Chart* chart, const ChartFS& fs) {
  static const std::set<std::string, std::less<>> kSpecial = {
      "Chart.yaml", "values.yaml",       "values.schema.json",
      "Chart.lock", "requirements.yaml", "requirements.lock"};
  for (const auto& [path, bytes] : fs.files()) {
    if (path.starts_with("templates/")) {
      chart->templates.emplace_back(path, bytes);
    } else if (path.starts_with("charts/")) {
      continue;
    } else if (!kSpecial.contains(path)) {
      if (path.starts_with("crds/") &&
          (path.ends_with(".yaml") || path.ends_with(".yml") || path.ends_with(".json"))) {
        chart->crds.emplace_back(path, bytes);
      }
      chart->files[path] = bytes;
    }
  }
}

}  // namespace

Chart LoadChart(const ChartFS& fs) {
  if (!fs.Has("Chart.yaml")) {
    InvalidChart("Chart.yaml file is missing");
  }
  Chart chart{.metadata = ParseFile(fs, "Chart.yaml"), .values = json::object()};
  ValidateMetadata(chart.metadata);
  if (fs.Has("values.yaml")) {
    chart.values = ParseFile(fs, "values.yaml");
    if (chart.values.is_null()) {
      chart.values = json::object();
    }
    if (!chart.values.is_object()) {
      InvalidChart(
          "cannot load values.yaml: error unmarshaling JSON: json: cannot unmarshal into "
          "Go value of type map[string]interface {}");
    }
  }
  if (fs.Has("values.schema.json")) {
    try {
      chart.schema = UnmarshalJson(fs.Read("values.schema.json"));
    } catch (const Error& e) {
      InvalidChart(std::string("cannot load values.schema.json: ") + e.what());
    }
  }
  chart.dependency_entries = Dependencies(chart.metadata);
  SortFiles(&chart, fs);
  // Packaged sub-charts: charts/<name>.tgz.
  for (const auto& [path, bytes] : fs.files()) {
    if (path.starts_with("charts/") && path.ends_with(".tgz") &&
        path.find('/', 7) == std::string::npos) {
      try {
        chart.subcharts.push_back(LoadChart(ChartFS::FromArchive(bytes)));
      } catch (const Error& e) {
        InvalidChart("error unpacking subchart " + path.substr(7) + " in " + chart.Name() + ": " +
                     e.what());
      }
    }
  }
  for (const std::string& dir : SubchartDirs(fs)) {
    try {
      chart.subcharts.push_back(LoadChart(fs.Sub(dir)));
    } catch (const Error& e) {
      InvalidChart("error unpacking subchart " + dir.substr(7) + " in " + chart.Name() + ": " +
                   e.what());
    }
  }
  return chart;
}

json ChartObject(const Chart& chart, bool is_root) {
  const json& m = chart.metadata;
  auto text = [&](const char* key) { return Text(m.value(key, json())); };
  auto list = [&](const char* key) {
    return m.contains(key) && m[key].is_array() ? m[key] : json::array();
  };
  json deps = json::array();
  for (const json& d : m.value("dependencies", json::array())) {
    json dep = json::object();
    for (const auto& [k, v] : d.items()) {
      std::string go_key = k;
      go_key[0] = static_cast<char>(std::toupper(go_key[0]));
      dep[go_key] = v;
    }
    deps.push_back(dep);
  }
  return {{"APIVersion", text("apiVersion")},
          {"Annotations", m.contains("annotations") ? m["annotations"] : json()},
          {"AppVersion", text("appVersion")},
          {"Condition", text("condition")},
          {"Dependencies", deps},
          {"Deprecated", m.value("deprecated", false)},
          {"Description", text("description")},
          {"Home", text("home")},
          {"Icon", text("icon")},
          {"IsRoot", is_root},
          {"Keywords", list("keywords")},
          {"KubeVersion", text("kubeVersion")},
          {"Maintainers", list("maintainers")},
          {"Name", text("name")},
          {"Sources", list("sources")},
          {"Tags", text("tags")},
          {"Type", text("type")},
          {"Version", text("version")}};
}

}  // namespace gpuext::helm
