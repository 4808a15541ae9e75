// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kube-emulator: a kube-apiserver stand-in for tests and `make demo`.
//
//   kube-emulator --listen 127.0.0.1:0 --kubeconfig-out /tmp/kc [--load <file-or-dir>]...
//                 [--data-dir <dir>] [--watch-history <n>] [--token user=token[,groups]]...
//                 [--tls-cert <pem> --tls-key <pem>] [--log-format text|json] [-v]
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include "gpuext/emulator/server.h"
#include "gpuext/error.h"
#include "gpuext/logger.h"

namespace {

using gpuext::Error;
using gpuext::ErrorCode;

constexpr const char* kUsage =
    "usage: kube-emulator --listen HOST:PORT --kubeconfig-out PATH [--load FILE_OR_DIR]...\n"
    "                     [--data-dir DIR] [--watch-history N] [--token USER=TOKEN[,GROUP]...]...\n"
    "                     [--tls-cert PEM --tls-key PEM] [--log-format text|json] [-v]\n";

struct Flags {
  gpuext::emulator::ServerOptions server;
  std::string kubeconfig_out;
  std::vector<std::string> load;
  gpuext::LogFormat log_format = gpuext::LogFormat::kText;
  gpuext::LogLevel log_level = gpuext::LogLevel::kInfo;
};

size_t PositiveInteger(const std::string& flag, const std::string& text) {
  if (text.empty() || text.size() > 12 ||
      text.find_first_not_of("0123456789") != std::string::npos || std::stoull(text) == 0) {
    throw Error(ErrorCode::kInvalidArgument, flag + " " + text + ": want a positive integer");
  }
  return std::stoull(text);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  const auto value = [&](int& i, const std::string& name) -> std::string {
    if (i + 1 >= argc) {
      throw Error(ErrorCode::kInvalidArgument, name + " needs a value");
    }
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--listen") {
      f.server.listen = value(i, arg);
    } else if (arg == "--kubeconfig-out") {
      f.kubeconfig_out = value(i, arg);
    } else if (arg == "--load") {
      f.load.push_back(value(i, arg));
    } else if (arg == "--data-dir") {
      f.server.data_dir = value(i, arg);
    } else if (arg == "--watch-history") {
      f.server.watch_history = PositiveInteger(arg, value(i, arg));
    } else if (arg == "--token") {
      f.server.tokens.push_back(gpuext::emulator::TokenUser::Parse(value(i, arg)));
    } else if (arg == "--tls-cert") {
      f.server.tls_cert_file = value(i, arg);
    } else if (arg == "--tls-key") {
      f.server.tls_key_file = value(i, arg);
    } else if (arg == "--log-format") {
      const std::string v = value(i, arg);
      if (v != "text" && v != "json") {
        throw Error(ErrorCode::kInvalidArgument, "--log-format " + v + ": want text or json");
      }
      f.log_format = v == "json" ? gpuext::LogFormat::kJson : gpuext::LogFormat::kText;
    } else if (arg == "-v" || arg == "--verbose") {
      f.log_level = gpuext::LogLevel::kDebug;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      throw Error(ErrorCode::kInvalidArgument, "unknown flag " + arg);
    }
  }
  if (f.kubeconfig_out.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "--kubeconfig-out is required");
  }
  if (f.server.tls_cert_file.empty() != f.server.tls_key_file.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "--tls-cert and --tls-key go together");
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  // Signals are taken synchronously by a dedicated thread, so shutdown runs outside a handler.
  // Blocked before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const Flags flags = ParseFlags(argc, argv);
    gpuext::Logger::Configure(flags.log_format, flags.log_level);
    const gpuext::Logger log = gpuext::Logger::Root().WithName("kube-emulator");
    gpuext::emulator::Server server(flags.server, log);
    for (const std::string& path : flags.load) {
      server.Load(path);
    }
    server.Start();
    server.WriteKubeconfig(flags.kubeconfig_out);
    log.Info("Kubeconfig written", {{"path", flags.kubeconfig_out}});
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      log.Info("Shutting down", {{"signal", sig}});
      server.Stop();
    });
    server.Wait();
    waiter.join();
    return 0;
  } catch (const std::exception& e) {
    // Boundary of main: print the whole chain once and exit non-zero.
    std::cerr << "kube-emulator: " << gpuext::DescribeException(e) << "\n" << kUsage;
    return 1;
  }
}
