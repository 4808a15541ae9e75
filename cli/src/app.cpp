// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/cli/app.h"

#include <filesystem>
#include <ostream>

#include "app_internal.h"
#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/kube/kubeconfig.h"

namespace gpuext::cli {

namespace internal {

void AddCommonFlags(FlagSet& flags, CommonFlags& common) {
  flags.String("output", &common.output, "output format (-o): table, json or yaml");
  flags.Bool("help", &common.help, "show this help (-h)");
}

bool ParseCommand(FlagSet& flags, const CommonFlags& common, const std::vector<std::string>& args,
                  const std::string& usage, const CliIo& io) {
  // The short forms kubectl users type: -o json, -ojson, -o=json, -h.
  std::vector<std::string> expanded;
  for (const std::string& arg : args) {
    if (arg == "-h") {
      expanded.emplace_back("--help");
    } else if (arg == "-o") {
      expanded.emplace_back("--output");
    } else if (arg.starts_with("-o") && !arg.starts_with("--")) {
      expanded.push_back("--output=" + arg.substr(arg[2] == '=' ? 3 : 2));
    } else {
      expanded.push_back(arg);
    }
  }
  const auto errors = flags.Parse(expanded);
  if (common.help) {
    io.out << usage;
    return false;
  }
  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors) {
      message += (message.empty() ? "" : "\n") + e;
    }
    throw UsageError(message, usage);
  }
  try {
    (void)ParseOutputFormat(common.output);
  } catch (const Error& e) {
    throw UsageError(e.what(), usage);
  }
  return true;
}

std::string FlagHelp(const FlagSet& flags) {
  std::string text = flags.Usage();
  const auto nl = text.find('\n');
  return "Flags:\n" + (nl == std::string::npos ? text : text.substr(nl + 1));
}

void AddKubeFlags(FlagSet& flags, KubeFlags& kube) {
  flags.String("kubeconfig", &kube.kubeconfig,
               "kubeconfig of the shoot (default: $KUBECONFIG, then ~/.kube/config)");
  flags.String("context", &kube.context, "kubeconfig context (default: current-context)");
}

std::unique_ptr<kube::Client> MakeKubeClient(const KubeFlags& kube) {
  kube::RestConfig config = kube::LoadConfig(kube.kubeconfig, kube.context);
  // A human waits on the answer: fail fast instead of retrying for a minute.
  return std::make_unique<kube::HttpClient>(
      std::move(config), kube::HttpClientOptions{.qps = 0,
                                                 .connect_timeout = std::chrono::seconds(10),
                                                 .request_timeout = std::chrono::seconds(30),
                                                 .max_attempts = 2,
                                                 .component = "gpu-cli"});
}

}  // namespace internal

namespace {

std::string AppUsage(const std::string& program) {
  return "usage: " + program +
         " <command> [flags]\n\n"
         "Shows the GPU driver state of a Gardener shoot and manages its driver cache.\n\n"
         "Commands:\n"
         "  status              GPU worker pools and nodes: driver version, ready nodes, phase\n"
         "  explain <node>      why a node's driver is (not) ready, and what to do next\n"
         "  cache ls [prefix]   cache entries: key, size, created, builder\n"
         "  cache inspect <key> a cache entry's manifest, files and signature\n"
         "  cache gc            collect unreferenced blobs of a cache store\n"
         "  cache prebuild      ask the cache server to build a kernel key ahead\n\n"
         "Run '" +
         program +
         " <command> --help' for a command's flags.\n\n"
         "Exit codes:\n"
         "  0  success\n"
         "  1  error (API or cache unreachable, object not found, bad signature, ...)\n"
         "  2  usage error (unknown command or flag, bad value)\n"
         "  3  not ready: `status` found a GPU node whose driver is not ready yet\n";
}

}  // namespace

std::string ProgramName(std::string_view argv0) {
  return std::filesystem::path(argv0).filename() == "kubectl-gpu" ? "kubectl gpu" : "gpu";
}

int RunGpu(const std::vector<std::string>& args, const CliIo& io) {
  const std::string usage = AppUsage(io.program);
  if (args.empty()) {
    io.err << usage;
    return kExitUsage;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "-h" || command == "--help" || command == "help") {
      io.out << usage;
      return kExitOk;
    }
    if (command == "status") {
      return internal::RunStatus(rest, io);
    }
    if (command == "explain") {
      return internal::RunExplain(rest, io);
    }
    if (command == "cache") {
      return internal::RunCache(rest, io);
    }
    throw internal::UsageError("unknown command \"" + command + "\"", usage);
  } catch (const internal::UsageError& e) {
    io.err << "error: " << e.what() << "\n\n" << e.usage();
    return kExitUsage;
  } catch (const std::exception& e) {
    // Boundary of the program: every failure becomes one line and exit code 1.
    io.err << "error: " << e.what() << "\n";
    return kExitError;
  }
}

}  // namespace gpuext::cli
