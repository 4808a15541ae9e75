// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A cheap structured logger value over spdlog (STYLE.md §13).
//
//   Logger log = Logger::Root().WithName("emulator").WithValues({{"listen", addr}});
//   log.Info("Serving", {{"port", port}});
//
// Messages are static and capitalised; data travels as key-values. Output is one JSON object
// per line (LogFormat::kJson) or readable text (kText), set once at start with Configure.
// Never log an error and also throw it: the boundary that catches logs it, once.

#include <exception>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpuext {

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug, kInfo, kError };

// One key-value. Numbers and booleans are stored already rendered; `quoted` says whether the
// JSON sink writes the value as a string.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v == nullptr ? "" : v) {}
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}
  template <typename N>
  requires std::is_arithmetic_v<N> LogField(std::string_view k, N v)
      : key(k), value(std::to_string(v)), quoted(false) {}

  std::string key;
  std::string value;
  bool quoted = true;
};

using LogFields = std::vector<LogField>;

// Immutable value; copying is cheap (shared sink). Safe for concurrent use.
class Logger {
 public:
  // Sets the process-wide format, level and output stream (stderr by default). Call once in
  // main before any thread logs.
  static void Configure(LogFormat format, LogLevel level);

  // The process-wide root logger.
  static Logger Root();

  // Returns a logger whose name is this one's name joined with `name` by '.'.
  [[nodiscard]] Logger WithName(std::string_view name) const;
  // Returns a logger that adds `fields` to every line.
  [[nodiscard]] Logger WithValues(const LogFields& fields) const;

  void Debug(std::string_view msg, const LogFields& fields = {}) const;
  void Info(std::string_view msg, const LogFields& fields = {}) const;
  void Error(std::string_view msg, const LogFields& fields = {}) const;
  // Logs the exception's whole nested chain under the key "error".
  void Error(const std::exception& e, std::string_view msg, const LogFields& fields = {}) const;

  [[nodiscard]] bool DebugEnabled() const;

 private:
  Logger(std::string name, LogFields fields) : name_(std::move(name)), fields_(std::move(fields)) {}
  void Log(LogLevel level, std::string_view msg, const LogFields& fields) const;

  std::string name_;
  LogFields fields_;
};

}  // namespace gpuext
