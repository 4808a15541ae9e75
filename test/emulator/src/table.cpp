// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Table negotiation and conversion (meta.k8s.io Table, TableOptions.includeObject).
#include "table.h"

#include <fmt/format.h>

#include "api_status.h"
#include "table_columns.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    out.push_back(Trim(s.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return out;
}

json IncludedObject(const json& item, const TableOptions& options) {
  if (options.include_object == "Object") {
    return item;
  }
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/" + options.version},
          {"metadata", item.value("metadata", json::object())}};
}

}  // namespace

std::optional<std::string> RequestedTableVersion(std::string_view accept) {
  for (const std::string_view entry : Split(accept, ',')) {
    const std::vector<std::string_view> parts = Split(entry, ';');
    const std::string_view media = parts.front();
    if (media != "application/json" && media != "*/*" && media != "application/*" &&
        !media.empty()) {
      continue;  // yaml, protobuf, ...: only JSON is served, so the next choice decides
    }
    std::string as;
    std::string version;
    std::string group;
    for (size_t i = 1; i < parts.size(); ++i) {
      const size_t eq = parts[i].find('=');
      if (eq == std::string_view::npos) {
        continue;
      }
      const std::string_view key = parts[i].substr(0, eq);
      const std::string value(parts[i].substr(eq + 1));
      if (key == "as") {
        as = value;
      } else if (key == "v") {
        version = value;
      } else if (key == "g") {
        group = value;
      }
    }
    if (as.empty()) {
      return std::nullopt;
    }
    if (as == "Table" && group == "meta.k8s.io" && (version == "v1" || version == "v1beta1")) {
      return version;
    }
    // Another transformation (PartialObjectMetadata) is not served: try the next choice.
  }
  return std::nullopt;
}

TableOptions TableOptionsFor(const std::string& version, const std::string& include_object) {
  TableOptions options;
  options.version = version;
  if (!include_object.empty()) {
    if (include_object != "None" && include_object != "Metadata" && include_object != "Object") {
      throw BadRequest(fmt::format(
          "Invalid value: {:?}: must be 'Metadata', 'Object', 'None', or empty", include_object));
    }
    options.include_object = include_object;
  }
  return options;
}

json ToTable(const ResourceType& type, const json& served, const TableOptions& options) {
  const TableColumns columns = type.crd ? CrdColumns(type) : BuiltinColumns(type);
  const bool is_list = served.contains("items") && served.value("kind", "") == type.list_kind;
  json rows = json::array();
  const auto add_row = [&](const json& item) {
    json row = {{"cells", columns.cells(item, options.now)}};
    if (options.include_object != "None") {
      row["object"] = IncludedObject(item, options);
    }
    rows.push_back(std::move(row));
  };
  json meta = json::object();
  if (is_list) {
    for (const json& item : served["items"]) {
      add_row(item);
    }
    meta = served.value("metadata", json::object());
  } else {
    add_row(served);
    meta["resourceVersion"] = served["metadata"].value("resourceVersion", "");
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/" + options.version},
          {"metadata", std::move(meta)},
          {"columnDefinitions", columns.definitions},
          {"rows", std::move(rows)}};
}

}  // namespace gpuext::emulator
