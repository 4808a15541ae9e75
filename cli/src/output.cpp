// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/cli/output.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/yaml_json.h"

namespace gpuext::cli {

OutputFormat ParseOutputFormat(std::string_view text) {
  if (text.empty() || text == "table") {
    return OutputFormat::kTable;
  }
  if (text == "json") {
    return OutputFormat::kJson;
  }
  if (text == "yaml") {
    return OutputFormat::kYaml;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "-o: invalid value \"" + std::string(text) + "\": use table, json or yaml");
}

std::string RenderStructured(const nlohmann::json& value, OutputFormat format) {
  if (format == OutputFormat::kYaml) {
    std::string text = ToYaml(value);
    if (text.empty() || text.back() != '\n') {
      text += '\n';
    }
    return text;
  }
  return value.dump(2) + "\n";
}

std::string Palette::Paint(std::string_view text, Colour colour) const {
  if (!enabled_ || colour == Colour::kNone || text.empty()) {
    return std::string(text);
  }
  std::string_view code;
  switch (colour) {
    case Colour::kGreen:
      code = "\x1b[32m";
      break;
    case Colour::kYellow:
      code = "\x1b[33m";
      break;
    case Colour::kRed:
      code = "\x1b[31m";
      break;
    case Colour::kBold:
      code = "\x1b[1m";
      break;
    case Colour::kNone:
      break;
  }
  return std::string(code) + std::string(text) + "\x1b[0m";
}

bool StdoutWantsColour() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') {
    return false;
  }
  return isatty(STDOUT_FILENO) == 1;
}

std::string Table::Render(const Palette& palette) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    widths[i] = headers_[i].size();
  }
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].text.size());
    }
  }
  std::string out;
  const auto line = [&](const std::vector<Cell>& cells) {
    std::string text = indent_;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const Cell cell = i < cells.size() ? cells[i] : Cell{};
      text += palette.Paint(cell.text, cell.colour);
      if (i + 1 < widths.size()) {
        text.append(widths[i] - cell.text.size() + 3, ' ');
      }
    }
    while (!text.empty() && text.back() == ' ') {
      text.pop_back();
    }
    out += text + "\n";
  };
  std::vector<Cell> header;
  for (const auto& h : headers_) {
    header.push_back({h, Colour::kNone});
  }
  line(header);
  for (const auto& row : rows_) {
    line(row);
  }
  return out;
}

std::string HumanBytes(long long bytes) {
  static constexpr const char* kOutputUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%lld B", bytes);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", value, kOutputUnits[unit]);
  }
  return buf;
}

}  // namespace gpuext::cli
