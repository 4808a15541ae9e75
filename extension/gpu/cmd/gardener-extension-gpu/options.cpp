// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "options.h"

#include <algorithm>

namespace gpuext::gpu::cmd {

const std::vector<std::string>& ControllerNames() {
  static const std::vector<std::string> names = {kExtensionController, kContainerRuntimeController,
                                                 kHealthCheckController, kHeartbeatController};
  return names;
}

const std::vector<std::string>& WebhookNames() {
  static const std::vector<std::string> names = {kOscWebhook};
  return names;
}

std::vector<std::string> ParseCommandLine(const std::vector<std::string>& args,
                                          gardener::ExtensionOptions& options, std::string* usage) {
  FlagSet flags(kProgram);
  gardener::AddExtensionFlags(flags, options);
  std::vector<std::string> errors = flags.Parse(args);
  for (std::string& e : gardener::ValidateExtensionOptions(options)) {
    errors.push_back(std::move(e));
  }
  for (std::string& e :
       gardener::ValidateDisabledNames(options, ControllerNames(), WebhookNames())) {
    errors.push_back(std::move(e));
  }
  if (!flags.positional().empty()) {
    errors.push_back("unexpected argument \"" + flags.positional().front() +
                     "\": every setting is a --flag (see the list below)");
  }
  if (usage != nullptr) {
    *usage = flags.Usage();
  }
  return errors;
}

namespace {

bool Contains(const std::vector<std::string>& values, const std::string& name) {
  const std::vector<std::string> names = gardener::DisabledNames(values);
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

bool ControllerDisabled(const gardener::ExtensionOptions& options, const std::string& name) {
  return Contains(options.disable_controllers, name);
}

bool WebhookDisabled(const gardener::ExtensionOptions& options, const std::string& name) {
  return Contains(options.disable_webhooks, name);
}

std::string NamespaceOrDefault(const std::string& flag_value, const char* env_value,
                               const std::string& credentials_namespace) {
  if (!flag_value.empty()) {
    return flag_value;
  }
  if (env_value != nullptr && *env_value != '\0') {
    return env_value;
  }
  return credentials_namespace;
}

}  // namespace gpuext::gpu::cmd
