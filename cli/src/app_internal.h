// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private to gpuext::cli: the subcommands RunGpu dispatches to, and their shared plumbing.

#include <memory>
#include <string>
#include <vector>

#include "gpuext/cli/app.h"
#include "gpuext/cli/output.h"
#include "gpuext/flag_set.h"
#include "gpuext/kube/client.h"

namespace gpuext::cli::internal {

// Thrown for a bad command line: RunGpu prints the message and the command's usage, exit 2.
class UsageError : public std::runtime_error {
 public:
  UsageError(const std::string& message, std::string usage)
      : std::runtime_error(message), usage_(std::move(usage)) {}
  [[nodiscard]] const std::string& usage() const { return usage_; }

 private:
  std::string usage_;
};

// Flags every command has: -o/--output, -h/--help.
struct CommonFlags {
  std::string output = "table";
  bool help = false;
};
void AddCommonFlags(FlagSet& flags, CommonFlags& common);

// Parses `args` into `flags`; throws UsageError with `usage` for any problem. Returns false when
// --help was asked for (the usage has been printed to io.out then).
bool ParseCommand(FlagSet& flags, const CommonFlags& common, const std::vector<std::string>& args,
                  const std::string& usage, const CliIo& io);

// "Flags:" and FlagSet's flag lines (without its own usage line).
[[nodiscard]] std::string FlagHelp(const FlagSet& flags);

// Flags for reaching a cluster.
struct KubeFlags {
  std::string kubeconfig = {};
  std::string context = {};
};
void AddKubeFlags(FlagSet& flags, KubeFlags& kube);
// The client for --kubeconfig/--context (kubectl's precedence: flag, $KUBECONFIG,
// ~/.kube/config).
[[nodiscard]] std::unique_ptr<kube::Client> MakeKubeClient(const KubeFlags& kube);

int RunStatus(const std::vector<std::string>& args, const CliIo& io);
int RunExplain(const std::vector<std::string>& args, const CliIo& io);
int RunCache(const std::vector<std::string>& args, const CliIo& io);

}  // namespace gpuext::cli::internal
