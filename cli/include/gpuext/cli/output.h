// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// How the `gpu` CLI prints: aligned tables for humans, JSON or YAML for scripts (`-o`), and
// colour only where a human looks at a terminal (stdout is a TTY and NO_COLOR is unset, as
// https://no-color.org asks).
//
//   Table t({"POOL", "DRIVER", "READY"});
//   t.AddRow({{"gpu-a"}, {"580.95.05"}, {"1/2", Colour::kRed}});
//   out << t.Render(palette);

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::cli {

enum class OutputFormat { kTable, kJson, kYaml };

// "table" (also ""), "json", "yaml". Throws gpuext::Error(kInvalidArgument) naming -o and the
// accepted values.
[[nodiscard]] OutputFormat ParseOutputFormat(std::string_view text);

// JSON (indented by 2, a trailing newline) or YAML of `value`.
[[nodiscard]] std::string RenderStructured(const nlohmann::json& value, OutputFormat format);

enum class Colour { kNone, kGreen, kYellow, kRed, kBold };

// Wraps text in ANSI colour codes when enabled.
class Palette {
 public:
  explicit Palette(bool enabled) : enabled_(enabled) {}
  [[nodiscard]] bool enabled() const { return enabled_; }
  [[nodiscard]] std::string Paint(std::string_view text, Colour colour) const;

 private:
  bool enabled_;
};

// Whether stdout should get colour: a TTY and no NO_COLOR in the environment.
[[nodiscard]] bool StdoutWantsColour();

struct Cell {
  std::string text = {};
  Colour colour = Colour::kNone;
};

// Columns are as wide as their widest cell (by bytes; our values are ASCII), separated by three
// spaces; the last column is not padded. Colour codes do not count towards widths.
class Table {
 public:
  explicit Table(std::vector<std::string> headers, std::string indent = {})
      : headers_(std::move(headers)), indent_(std::move(indent)) {}
  void AddRow(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  [[nodiscard]] bool empty() const { return rows_.empty(); }
  [[nodiscard]] std::string Render(const Palette& palette) const;

 private:
  std::vector<std::string> headers_;
  std::string indent_;
  std::vector<std::vector<Cell>> rows_;
};

// "1.5 MiB", "900 B": sizes for humans.
[[nodiscard]] std::string HumanBytes(long long bytes);

}  // namespace gpuext::cli
