// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// SIGTERM/SIGINT → a stop token, for binaries (controller-runtime's SetupSignalHandler).
//
//   int main() {
//     kube::ShutdownSignals signals;           // first thing: before any thread starts
//     ...
//     const auto result = manager.Run(signals.token());
//     return ExitCode(result);
//   }
//
// The constructor blocks SIGTERM and SIGINT in the calling thread, so every thread started
// after it inherits the mask and the signals reach only the handler's own thread, which waits
// for them with sigtimedwait. The first signal requests stop (graceful shutdown); a second one
// exits the process at once with status 1, as controller-runtime does.
//
// Thread safety: confined to the thread that created it; token() may be copied anywhere.

#include <stop_token>
#include <thread>

#include <signal.h>

namespace gpuext::kube {

class ShutdownSignals {
 public:
  ShutdownSignals();
  // Stops the handler thread and restores the previous signal mask of the creating thread.
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Requested on the first SIGTERM or SIGINT.
  [[nodiscard]] std::stop_token token() const { return stop_.get_token(); }

 private:
  std::stop_source stop_;
  sigset_t old_mask_{};  // the creating thread's mask, restored on destruction
  std::jthread thread_;
};

}  // namespace gpuext::kube
