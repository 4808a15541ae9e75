// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/signals.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/logger.h"

namespace gpuext::kube {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

ShutdownSignals::ShutdownSignals() {
  const sigset_t set = ShutdownSet();
  if (const int rc = pthread_sigmask(SIG_BLOCK, &set, &old_mask_); rc != 0) {
    throw Error(ErrorCode::kInternal, fmt::format("pthread_sigmask: {}", std::strerror(rc)));
  }
  thread_ = std::jthread([this](std::stop_token stop) {
    const sigset_t wanted = ShutdownSet();
    int received = 0;
    // Polls so that the destructor can end the thread; sigtimedwait cannot take a stop token.
    const timespec poll{.tv_sec = 0, .tv_nsec = 100'000'000};
    while (!stop.stop_requested()) {
      const int sig = sigtimedwait(&wanted, nullptr, &poll);
      if (sig < 0) {
        continue;  // EAGAIN (timeout) or EINTR
      }
      if (++received == 1) {
        Logger::Root().Info("Shutdown signal received", {{"signal", sig}});
        stop_.request_stop();
      } else {
        // A second signal: the operator wants out now (controller-runtime does the same).
        _exit(1);
      }
    }
  });
}

ShutdownSignals::~ShutdownSignals() {
  thread_.request_stop();
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace gpuext::kube
