// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/logger.h"

#include <atomic>
#include <chrono>

#include <fmt/chrono.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "gpuext/error.h"

namespace gpuext {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<LogLevel> g_level{LogLevel::kInfo};

spdlog::logger& Sink() {
  // The pattern is only the payload: we render time, level and fields ourselves so that text
  // and JSON lines carry the same information.
  static const std::shared_ptr<spdlog::logger> sink = [] {
    auto l = std::make_shared<spdlog::logger>("gpuext",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *sink;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string Timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms % 1000);
}

}  // namespace

void Logger::Configure(LogFormat format, LogLevel level) {
  g_format = format;
  g_level = level;
}

Logger Logger::Root() { return Logger("", {}); }

Logger Logger::WithName(std::string_view name) const {
  return Logger(name_.empty() ? std::string(name) : fmt::format("{}.{}", name_, name), fields_);
}

Logger Logger::WithValues(const LogFields& fields) const {
  LogFields merged = fields_;
  merged.insert(merged.end(), fields.begin(), fields.end());
  return Logger(name_, std::move(merged));
}

bool Logger::DebugEnabled() const { return g_level.load() == LogLevel::kDebug; }

void Logger::Debug(std::string_view msg, const LogFields& fields) const {
  Log(LogLevel::kDebug, msg, fields);
}
void Logger::Info(std::string_view msg, const LogFields& fields) const {
  Log(LogLevel::kInfo, msg, fields);
}
void Logger::Error(std::string_view msg, const LogFields& fields) const {
  Log(LogLevel::kError, msg, fields);
}
void Logger::Error(const std::exception& e, std::string_view msg, const LogFields& fields) const {
  LogFields with_error = fields;
  with_error.emplace_back("error", DescribeException(e));
  Log(LogLevel::kError, msg, with_error);
}

void Logger::Log(LogLevel level, std::string_view msg, const LogFields& fields) const {
  if (static_cast<int>(level) < static_cast<int>(g_level.load())) {
    return;
  }
  std::string line;
  if (g_format.load() == LogFormat::kJson) {
    nlohmann::json j = {{"ts", Timestamp()}, {"level", LevelName(level)}, {"msg", msg}};
    if (!name_.empty()) {
      j["logger"] = name_;
    }
    for (const auto* list : {&fields_, &fields}) {
      for (const LogField& f : *list) {
        j[f.key] =
            f.quoted ? nlohmann::json(f.value) : nlohmann::json::parse(f.value, nullptr, false);
      }
    }
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = fmt::format("{} {:<5} {}{}{}", Timestamp(), LevelName(level), name_,
                       name_.empty() ? "" : " ", msg);
    for (const auto* list : {&fields_, &fields}) {
      for (const LogField& f : *list) {
        line += f.quoted ? fmt::format(" {}=\"{}\"", f.key, f.value)
                         : fmt::format(" {}={}", f.key, f.value);
      }
    }
  }
  Sink().info(line);
}

}  // namespace gpuext
