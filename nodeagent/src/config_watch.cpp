// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/nodeagent/config_watch.h"

#include "gpuext/files.h"

namespace gpuext::nodeagent {

std::optional<ConfigChange> WatchConfigFile(const std::filesystem::path& path,
                                            const std::string& current_text, Clock& clock,
                                            std::stop_token stop, const Logger& logger,
                                            std::chrono::milliseconds interval) {
  std::string refused_text;  // the last invalid content, logged once
  while (clock.SleepFor(interval, stop)) {
    std::optional<std::string> text;
    try {
      text = ReadFileIfExists(path);
    } catch (const std::exception&) {
      continue;  // between kubelet's symlink swaps; read again next time
    }
    if (!text || *text == current_text || *text == refused_text) {
      continue;
    }
    try {
      return ConfigChange{.text = *text, .config = gpuruntime::api::LoadAgentConfiguration(*text)};
    } catch (const std::exception& e) {
      refused_text = *text;
      logger.Error(e, "The changed configuration is invalid; keeping the current one",
                   {{"config", path.string()}});
    }
  }
  return std::nullopt;
}

}  // namespace gpuext::nodeagent
