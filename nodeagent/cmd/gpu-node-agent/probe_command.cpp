// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// `gpu-node-agent probe ready|live`: the exec probes (DESIGN.md §13.1). The agent opens no TCP
// port; its loop writes a heartbeat file on every wake-up (every 60 s) and the status file at
// every phase, and the probes read those:
//   live:  the heartbeat is younger than --max-age-seconds (default 180: three wake-ups);
//   ready: live, and the status file is readable (the loop got past start-up and its
//          configuration). Ready does not mean "driver loaded": that is the Node condition.
#include <chrono>
#include <iostream>

#include "commands.h"
#include "flags.h"
#include "gpuext/files.h"
#include "gpuext/nodeagent/host.h"
#include "gpuext/nodeagent/status.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::cmd {

namespace {

// Empty when the heartbeat is fresh, else why not.
std::string ProbeHeartbeatProblem(const std::filesystem::path& file, std::chrono::seconds max_age) {
  const auto text = ReadFileIfExists(file);
  if (!text) {
    return file.string() + " does not exist: the agent loop has not started";
  }
  const auto at = ParseRfc3339(text->substr(0, text->find_last_not_of(" \n") + 1));
  if (!at) {
    return file.string() + " holds no RFC 3339 time";
  }
  const auto age =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *at);
  if (age > max_age) {
    return "last heartbeat " + std::to_string(age.count()) + "s ago (limit " +
           std::to_string(max_age.count()) + "s): the agent loop is stuck";
  }
  return {};
}

}  // namespace

int ProbeCommand(const std::vector<std::string>& args) {
  const ParsedFlags flags =
      ParseFlags(args, {"host-root", "status-file", "heartbeat-file", "max-age-seconds"});
  std::vector<std::string> errors = flags.errors;
  const std::string kind = flags.positional.size() == 1 ? flags.positional[0] : "";
  if (kind != "ready" && kind != "live") {
    errors.push_back("probe needs exactly one of: ready, live");
  }
  long max_age = 180;
  try {
    max_age = std::stol(flags.Get("max-age-seconds", "180"));
  } catch (const std::exception&) {
    errors.push_back("--max-age-seconds must be a number of seconds");
  }
  if (!errors.empty()) {
    for (const auto& e : errors) {
      std::cerr << "gpu-node-agent probe: " << e << "\n";
    }
    return 2;
  }
  const HostPaths host{flags.Get("host-root", "/host")};
  const std::filesystem::path status_file = flags.Get("status-file", host.StatusFile().string());
  const std::filesystem::path heartbeat =
      flags.Get("heartbeat-file", (host.StatusFile().parent_path() / "heartbeat").string());
  if (const std::string problem = ProbeHeartbeatProblem(heartbeat, std::chrono::seconds(max_age));
      !problem.empty()) {
    std::cerr << "not " << kind << ": " << problem << "\n";
    return 1;
  }
  if (kind == "ready") {
    try {
      const auto progress = ReadStatusFile(status_file);
      if (!progress) {
        std::cerr << "not ready: " << status_file.string() << " does not exist yet\n";
        return 1;
      }
      std::cout << ToString(progress->phase) << ": " << progress->message << "\n";
    } catch (const std::exception& e) {
      std::cerr << "not ready: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace gpuext::nodeagent::cmd
