// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// import-values of Chart.yaml dependencies (Helm's processImportValues, merge flavour).
#include <string>

#include "gpuext/helm/values.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

// chartutil.MergeTables(dst, src): dst wins, src fills what dst lacks, maps recursively.
void FillFrom(json* dst, const json& src) {
  for (const auto& [key, value] : src.items()) {
    auto it = dst->find(key);
    if (it == dst->end()) {
      (*dst)[key] = value;
    } else if (it->is_object() && value.is_object()) {
      FillFrom(&*it, value);
    }
  }
}

// chartutil.Values.Table: the map at a dotted path, or nullptr.
const json* Table(const json& values, const std::string& path) {
  const json* cur = &values;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!cur->is_object()) {
      return nullptr;
    }
    auto it = cur->find(key);
    if (it == cur->end() || !it->is_object()) {
      return nullptr;
    }
    cur = &*it;
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return cur;
}

// pathToMap: {a: {b: data}} for "a.b", data itself for ".".
json AtPath(const std::string& path, const json& data) {
  if (path == "." || path.empty()) {
    return data;
  }
  json out = data;
  for (size_t end = path.size(); end != std::string::npos;) {
    const size_t dot = end == 0 ? std::string::npos : path.rfind('.', end - 1);
    const size_t start = dot == std::string::npos ? 0 : dot + 1;
    const std::string key = path.substr(start, end - start);
    if (!key.empty()) {
      out = json{{key, out}};
    }
    end = dot;
  }
  return out;
}

}  // namespace

void ImportDependencyValues(Chart* chart) {
  for (Chart& sub : chart->subcharts) {
    ImportDependencyValues(&sub);
  }
  bool any = false;
  for (const ChartDependency& d : chart->dependency_entries) {
    any = any || !d.import_values.empty();
  }
  if (!any) {
    return;
  }
  const json cvals = CoalesceValues(*chart, json::object());
  json imported = json::object();
  for (const ChartDependency& d : chart->dependency_entries) {
    for (const json& iv : d.import_values) {
      std::string child;
      std::string parent = ".";
      if (iv.is_string()) {
        child = "exports." + iv.get<std::string>();
      } else if (iv.is_object() && iv.value("child", json()).is_string() &&
                 iv.value("parent", json()).is_string()) {
        child = iv["child"].get<std::string>();
        parent = iv["parent"].get<std::string>();
      } else {
        continue;
      }
      const json* table = Table(cvals, d.name + "." + child);
      if (table == nullptr) {
        continue;
      }
      FillFrom(&imported, AtPath(parent, *table));
    }
  }
  json values = cvals;
  FillFrom(&values, imported);
  chart->values = std::move(values);
}

}  // namespace gpuext::helm
