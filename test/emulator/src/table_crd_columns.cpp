// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Columns of custom resources from the CRD's additionalPrinterColumns, converted per type as
// apiextensions-apiserver's table convertor does.
#include <cmath>

#include "gpuext/error.h"
#include "json_path.h"
#include "table_columns.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

// A cell of a `string` column: strings as they are, everything else as JSON text.
json StringCell(const json& v) { return v.is_string() ? v : json(v.dump()); }

json TypedCell(const std::string& type, const json& v, Clock::time_point now) {
  if (type == "string") {
    return StringCell(v);
  }
  if (type == "integer") {
    if (v.is_number_integer()) {
      return v;
    }
    return v.is_number_float() ? json(static_cast<int64_t>(v.get<double>())) : json();
  }
  if (type == "number") {
    return v.is_number() ? v : json();
  }
  if (type == "boolean") {
    return v.is_boolean() ? v : json();
  }
  if (type == "date") {
    return v.is_string() ? json(HumanAge(v, now)) : json();
  }
  return v;
}

}  // namespace

TableColumns CrdColumns(const ResourceType& type) {
  json printer_columns = type.printer_columns;
  if (!printer_columns.is_array() || printer_columns.empty()) {
    printer_columns = json::array({{{"name", "Age"},
                                    {"type", "date"},
                                    {"jsonPath", ".metadata.creationTimestamp"},
                                    {"description",
                                     "CreationTimestamp is a timestamp representing the server "
                                     "time when this object was created."}}});
  }
  TableColumns out;
  out.definitions.push_back(
      Column("Name", "string",
             "Name must be unique within a namespace. Is required when creating resources, "
             "although some resources may allow a client to request the generation of an "
             "appropriate name automatically.",
             0, "name"));
  struct Cell {
    std::string type;
    std::string path;
  };
  std::vector<Cell> cells;
  for (const json& c : printer_columns) {
    const std::string col_type = c.value("type", "string");
    out.definitions.push_back(Column(c.value("name", ""), col_type, c.value("description", ""),
                                     c.value("priority", 0), c.value("format", "")));
    cells.push_back({col_type, c.value("jsonPath", "")});
  }
  out.cells = [cells](const json& obj, Clock::time_point now) {
    json row = json::array({obj["metadata"].value("name", "")});
    for (const Cell& cell : cells) {
      std::optional<json> v;
      try {
        v = EvalJsonPath(obj, cell.path);
      } catch (const Error&) {
        // A path outside the supported subset: an empty cell, as upstream for a bad path.
      }
      row.push_back(v && !v->is_null() ? TypedCell(cell.type, *v, now) : json());
    }
    return row;
  };
  return out;
}

}  // namespace gpuext::emulator
