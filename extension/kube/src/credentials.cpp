// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Credentials that rotate under a running process: projected ServiceAccount token files
// (kubelet rewrites them well before expiry) and exec plugins with an expiry.
#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/kube/kubeconfig.h"

namespace gpuext::kube {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

struct Credentials::Impl {
  Impl(const RestConfig& c, const Clock& k) : config(c), clock(k) {}

  RestConfig config;
  const Clock& clock;

  std::mutex mutex;  // guards everything below
  // Token file state.
  std::string file_token;
  fs::file_time_type file_mtime{};
  std::optional<steady_clock::time_point> file_checked;
  // Exec plugin state.
  std::optional<ExecResult> exec_result;

  void RefreshTokenFileLocked() {
    const steady_clock::time_point now = clock.SteadyNow();
    if (file_checked && now - *file_checked < kTokenFileRecheck) {
      return;
    }
    std::error_code ec;
    const fs::file_time_type mtime = fs::last_write_time(config.token_file, ec);
    if (ec) {
      throw Error(ErrorCode::kInfraUnauthorized,
                  fmt::format("token file {}: cannot stat", config.token_file.string()));
    }
    if (!file_checked || mtime != file_mtime || file_token.empty()) {
      std::ifstream in(config.token_file, std::ios::binary);
      if (!in) {
        throw Error(ErrorCode::kInfraUnauthorized,
                    fmt::format("token file {}: cannot read", config.token_file.string()));
      }
      std::ostringstream text;
      text << in.rdbuf();
      std::string token = text.str();
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())) != 0) {
        token.pop_back();
      }
      if (token.empty()) {
        throw Error(ErrorCode::kInfraUnauthorized,
                    fmt::format("token file {}: empty", config.token_file.string()));
      }
      file_token = std::move(token);
      file_mtime = mtime;
    }
    file_checked = now;
  }
};

Credentials::Credentials(const RestConfig& config, const Clock& clock)
    : impl_(std::make_unique<Impl>(config, clock)) {}

Credentials::~Credentials() = default;

AuthInfo Credentials::Current() {
  std::lock_guard lock(impl_->mutex);
  const RestConfig& config = impl_->config;
  AuthInfo auth{config.bearer_token, config.client_cert_pem, config.client_key_pem};
  if (!config.token_file.empty()) {
    impl_->RefreshTokenFileLocked();
    auth.bearer_token = impl_->file_token;
  }
  if (config.exec) {
    const bool expired = impl_->exec_result && impl_->exec_result->expires &&
                         impl_->clock.Now() >= *impl_->exec_result->expires;
    if (!impl_->exec_result || expired) {
      impl_->exec_result = RunExecPlugin(*config.exec, config.server, config.ca_pem);
    }
    const AuthInfo& got = impl_->exec_result->auth;
    auth.bearer_token = got.bearer_token;
    if (!got.client_cert_pem.empty()) {
      auth.client_cert_pem = got.client_cert_pem;
      auth.client_key_pem = got.client_key_pem;
    }
  }
  return auth;
}

bool Credentials::Invalidate() {
  std::lock_guard lock(impl_->mutex);
  bool rotating = false;
  if (!impl_->config.token_file.empty()) {
    impl_->file_checked.reset();
    impl_->file_token.clear();
    rotating = true;
  }
  if (impl_->config.exec) {
    impl_->exec_result.reset();
    rotating = true;
  }
  return rotating;
}

}  // namespace gpuext::kube
