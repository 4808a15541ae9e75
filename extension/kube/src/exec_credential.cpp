// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Exec credential plugins (client.authentication.k8s.io): run the command with
// KUBERNETES_EXEC_INFO, read an ExecCredential from its stdout. Its stderr goes to ours, as
// kubectl does, so the plugin can talk to the user; its stdout holds secrets and never
// reaches a message.
#include <array>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/kube/kubeconfig.h"

extern char** environ;  // NOLINT: POSIX

namespace gpuext::kube {

using nlohmann::json;

namespace {

// A plugin that hangs must not hang the client forever (client-go has no limit; we do).
constexpr int kPluginTimeoutMs = 60'000;

struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) {
      close(fd);
    }
  }
};

[[noreturn]] void Fail(const ExecConfig& exec, const std::string& what) {
  throw Error(ErrorCode::kInfraUnauthorized,
              fmt::format("exec credential plugin {}: {}", exec.command, what));
}

// Parses RFC 3339 ("2026-01-01T00:00:00Z", fractions and offsets allowed).
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(const std::string& text) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  size_t pos = static_cast<size_t>(consumed);
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
      ++pos;
    }
  }
  long offset = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int hh = 0;
    int mm = 0;
    if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &hh, &mm) != 2) {
      return std::nullopt;
    }
    offset = (text[pos] == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
  } else if (pos >= text.size() || (text[pos] != 'Z' && text[pos] != 'z')) {
    return std::nullopt;
  }
  const time_t t = timegm(&tm) - offset;
  return std::chrono::system_clock::from_time_t(t);
}

std::string ExecInfo(const ExecConfig& exec, const std::string& server, const std::string& ca) {
  json spec = {{"interactive", false}};
  if (exec.provide_cluster_info) {
    json cluster = {{"server", server}};
    if (!ca.empty()) {
      cluster["certificate-authority-data"] = Base64Encode(ca);
    }
    spec["cluster"] = std::move(cluster);
  }
  return json{{"apiVersion", exec.api_version}, {"kind", "ExecCredential"}, {"spec", spec}}.dump();
}

// Runs the plugin; returns its stdout. Fails on spawn errors, timeouts and non-zero exits.
std::string RunPlugin(const ExecConfig& exec, const std::string& exec_info) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string kv(*e);
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) {
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  for (const auto& [k, v] : exec.env) {
    env[k] = v;
  }
  env["KUBERNETES_EXEC_INFO"] = exec_info;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) {
    env_strings.push_back(k + "=" + v);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> arg_strings = {exec.command};
  arg_strings.insert(arg_strings.end(), exec.args.begin(), exec.args.end());
  std::vector<char*> argv;
  for (auto& s : arg_strings) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);

  std::array<int, 2> pipe_fds{};
  if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    Fail(exec, "cannot create a pipe");
  }
  Fd read_end;
  read_end.fd = pipe_fds[0];
  Fd write_end;
  write_end.fd = pipe_fds[1];
  Fd devnull;
  devnull.fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDOUT_FILENO);
  if (devnull.fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, devnull.fd, STDIN_FILENO);
  }
  pid_t pid = -1;
  const int rc =
      posix_spawnp(&pid, exec.command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    Fail(exec, fmt::format("cannot start: {}", std::strerror(rc)));
  }
  close(write_end.fd);
  write_end.fd = -1;

  std::string out;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kPluginTimeoutMs);
  bool timed_out = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{read_end.fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    std::array<char, 4096> buf{};
    const ssize_t n = read(read_end.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    out.append(buf.data(), static_cast<size_t>(n));
  }
  if (timed_out) {
    kill(pid, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    Fail(exec, fmt::format("did not finish within {} s", kPluginTimeoutMs / 1000));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Fail(exec, WIFEXITED(status) ? fmt::format("exited with status {}", WEXITSTATUS(status))
                                 : std::string("was killed by a signal"));
  }
  return out;
}

}  // namespace

ExecResult RunExecPlugin(const ExecConfig& exec, const std::string& server,
                         const std::string& ca_pem) {
  const std::string out = RunPlugin(exec, ExecInfo(exec, server, ca_pem));
  json cred;
  try {
    cred = json::parse(out);
  } catch (const json::exception&) {
    Fail(exec, "printed no JSON ExecCredential on stdout");
  }
  if (!cred.is_object() || cred.value("kind", "") != "ExecCredential") {
    Fail(exec, "printed something other than an ExecCredential");
  }
  if (cred.value("apiVersion", "") != exec.api_version) {
    Fail(exec, fmt::format("answered apiVersion \"{}\", expected \"{}\"",
                           cred.value("apiVersion", ""), exec.api_version));
  }
  const json status = cred.value("status", json::object());
  if (!status.is_object()) {
    Fail(exec, "ExecCredential.status: must be an object");
  }
  ExecResult result;
  result.auth.bearer_token = status.value("token", "");
  result.auth.client_cert_pem = status.value("clientCertificateData", "");
  result.auth.client_key_pem = status.value("clientKeyData", "");
  if (result.auth.bearer_token.empty() && result.auth.client_cert_pem.empty()) {
    Fail(exec, "ExecCredential.status: neither token nor clientCertificateData is set");
  }
  if (result.auth.client_cert_pem.empty() != result.auth.client_key_pem.empty()) {
    Fail(exec, "ExecCredential.status: clientCertificateData and clientKeyData go together");
  }
  const std::string expiry = status.value("expirationTimestamp", "");
  if (!expiry.empty()) {
    result.expires = ParseRfc3339(expiry);
    if (!result.expires) {
      Fail(exec, fmt::format("ExecCredential.status.expirationTimestamp: \"{}\" is not RFC 3339",
                             expiry));
    }
  }
  return result;
}

}  // namespace gpuext::kube
