// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "gpuext/error.h"
#include "gpuext/kube/kubeconfig.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

void WriteTextFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes an executable exec plugin that counts its runs in `dir/runs`, saves its
// KUBERNETES_EXEC_INFO and first argument, and prints `credential`.
fs::path WritePlugin(const fs::path& dir, const std::string& credential, int exit_code = 0) {
  const fs::path plugin = dir / "plugin.sh";
  WriteTextFile(dir / "credential.json", credential);
  WriteTextFile(plugin, fmt::format("#!/bin/sh\n"
                                    "echo run >> '{0}/runs'\n"
                                    "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '{0}/exec-info'\n"
                                    "printf '%s %s' \"$1\" \"$EXTRA\" > '{0}/args'\n"
                                    "echo 'plugin talks on stderr' >&2\n"
                                    "cat '{0}/credential.json'\n"
                                    "exit {1}\n",
                                    dir.string(), exit_code));
  chmod(plugin.c_str(), 0755);
  return plugin;
}

int Runs(const fs::path& dir) {
  std::ifstream in(dir / "runs");
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
  }
  return n;
}

std::string Credential(const std::string& api_version, const json& status) {
  return json{{"apiVersion", api_version}, {"kind", "ExecCredential"}, {"status", status}}.dump();
}

ExecConfig Exec(const fs::path& plugin, const std::string& api_version) {
  return ExecConfig{.api_version = api_version,
                    .command = plugin.string(),
                    .args = {"get-token"},
                    .env = {{"EXTRA", "from-kubeconfig"}},
                    .provide_cluster_info = true};
}

TEST(ExecCredentialTest, RunsPluginWithExecInfoAndEnv) {
  gpuext::testing::TempDir dir;
  const std::string v1 = "client.authentication.k8s.io/v1";
  const fs::path plugin = WritePlugin(dir.path(), Credential(v1, {{"token", "plugin-token"}}));
  const ExecResult result =
      RunExecPlugin(Exec(plugin, v1), "https://10.0.0.1:6443", "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(result.auth.bearer_token, "plugin-token");
  EXPECT_FALSE(result.expires.has_value());
  const json info = json::parse(ReadFile(dir.path() / "exec-info"));
  EXPECT_EQ(info["apiVersion"], v1);
  EXPECT_EQ(info["kind"], "ExecCredential");
  EXPECT_EQ(info["spec"]["interactive"], false);
  EXPECT_EQ(info["spec"]["cluster"]["server"], "https://10.0.0.1:6443");
  EXPECT_TRUE(info["spec"]["cluster"].contains("certificate-authority-data"));
  EXPECT_EQ(ReadFile(dir.path() / "args"), "get-token from-kubeconfig");
}

TEST(ExecCredentialTest, ReadsClientCertificatesFromV1beta1) {
  gpuext::testing::TempDir dir;
  const std::string v1beta1 = "client.authentication.k8s.io/v1beta1";
  const fs::path plugin = WritePlugin(
      dir.path(), Credential(v1beta1, {{"clientCertificateData", "CERT"},
                                       {"clientKeyData", "KEY"},
                                       {"expirationTimestamp", "2026-01-01T01:00:00.5+01:00"}}));
  const ExecResult result = RunExecPlugin(Exec(plugin, v1beta1), "https://x", "");
  EXPECT_EQ(result.auth.client_cert_pem, "CERT");
  EXPECT_EQ(result.auth.client_key_pem, "KEY");
  ASSERT_TRUE(result.expires.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*result.expires), 1767225600);
}

TEST(ExecCredentialTest, FailuresNameThePluginButNeverItsOutput) {
  gpuext::testing::TempDir dir;
  const std::string v1 = "client.authentication.k8s.io/v1";
  struct Case {
    std::string credential;
    int exit_code;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"secret-not-json", 0, "printed no JSON ExecCredential"},
      {Credential(v1, {{"token", "secret-token"}}), 3, "exited with status 3"},
      {Credential("client.authentication.k8s.io/v1beta1", {{"token", "secret-token"}}), 0,
       "answered apiVersion \"client.authentication.k8s.io/v1beta1\""},
      {Credential(v1, json::object()), 0, "neither token nor clientCertificateData"},
      {Credential(v1, {{"token", "secret-token"}, {"expirationTimestamp", "tomorrow"}}), 0,
       "expirationTimestamp: \"tomorrow\" is not RFC 3339"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    const fs::path plugin = WritePlugin(dir.path(), c.credential, c.exit_code);
    try {
      (void)RunExecPlugin(Exec(plugin, v1), "https://x", "");
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.code(), ErrorCode::kInfraUnauthorized);
      EXPECT_NE(message.find(plugin.string()), std::string::npos) << message;
      EXPECT_NE(message.find(c.want), std::string::npos) << message;
      EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    }
  }
  try {
    (void)RunExecPlugin(Exec(dir.path() / "missing", v1), "https://x", "");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot start"), std::string::npos) << e.what();
  }
}

TEST(CredentialsTest, CachesExecCredentialUntilExpiry) {
  gpuext::testing::TempDir dir;
  gpuext::testing::FakeClock clock;  // 2026-01-01T00:00:00Z
  const std::string v1 = "client.authentication.k8s.io/v1";
  const fs::path plugin = WritePlugin(
      dir.path(),
      Credential(v1, {{"token", "t1"}, {"expirationTimestamp", "2026-01-01T00:10:00Z"}}));
  RestConfig config{.server = "https://x", .exec = Exec(plugin, v1)};
  Credentials credentials(config, clock);
  EXPECT_EQ(credentials.Current().bearer_token, "t1");
  EXPECT_EQ(credentials.Current().bearer_token, "t1");
  EXPECT_EQ(Runs(dir.path()), 1);
  clock.Advance(9min);
  EXPECT_EQ(credentials.Current().bearer_token, "t1");
  EXPECT_EQ(Runs(dir.path()), 1);
  WriteTextFile(dir.path() / "credential.json", Credential(v1, {{"token", "t2"}}));
  clock.Advance(1min);
  EXPECT_EQ(credentials.Current().bearer_token, "t2");
  EXPECT_EQ(Runs(dir.path()), 2);
  // No expiry: cached until a 401 invalidates it.
  EXPECT_EQ(credentials.Current().bearer_token, "t2");
  EXPECT_EQ(Runs(dir.path()), 2);
  EXPECT_TRUE(credentials.Invalidate());
  EXPECT_EQ(credentials.Current().bearer_token, "t2");
  EXPECT_EQ(Runs(dir.path()), 3);
}

TEST(CredentialsTest, RereadsTokenFileWhenItChangesAtMostEveryFewSeconds) {
  gpuext::testing::TempDir dir;
  gpuext::testing::FakeClock clock;
  const fs::path token = dir.path() / "token";
  WriteTextFile(token, "first\n");
  Credentials credentials(RestConfig{.server = "https://x", .token_file = token}, clock);
  EXPECT_EQ(credentials.Current().bearer_token, "first");
  WriteTextFile(token, "second\n");
  fs::last_write_time(token, fs::last_write_time(token) + 1s);
  // Within the recheck interval the cached token is used.
  EXPECT_EQ(credentials.Current().bearer_token, "first");
  clock.Advance(Credentials::kTokenFileRecheck);
  EXPECT_EQ(credentials.Current().bearer_token, "second");
  // After a 401 the file is read at once.
  WriteTextFile(token, "third");
  fs::last_write_time(token, fs::last_write_time(token) + 2s);
  EXPECT_TRUE(credentials.Invalidate());
  EXPECT_EQ(credentials.Current().bearer_token, "third");
}

TEST(CredentialsTest, StaticCredentialsAreNotRotating) {
  gpuext::testing::FakeClock clock;
  Credentials credentials(RestConfig{.server = "https://x",
                                     .client_cert_pem = "C",
                                     .client_key_pem = "K",
                                     .bearer_token = "static"},
                          clock);
  const AuthInfo auth = credentials.Current();
  EXPECT_EQ(auth.bearer_token, "static");
  EXPECT_EQ(auth.client_cert_pem, "C");
  EXPECT_FALSE(credentials.Invalidate());
}

TEST(InClusterConfigTest, ReadsServiceAccountAndServiceEnv) {
  gpuext::testing::TempDir dir;
  WriteTextFile(dir.path() / "token", "sa-token");
  WriteTextFile(dir.path() / "ca.crt", "-----BEGIN CERTIFICATE-----\nX\n");
  WriteTextFile(dir.path() / "namespace", "garden\n");
  const InClusterOptions options{.root = dir.path(), .host = "10.96.0.1", .port = "443"};
  EXPECT_TRUE(InCluster(options));
  const RestConfig config = InClusterConfig(options);
  EXPECT_EQ(config.server, "https://10.96.0.1:443");
  EXPECT_EQ(config.token_file, dir.path() / "token");
  EXPECT_EQ(config.ca_pem, "-----BEGIN CERTIFICATE-----\nX\n");
  EXPECT_EQ(config.ns, "garden");
  gpuext::testing::FakeClock clock;
  EXPECT_EQ(Credentials(config, clock).Current().bearer_token, "sa-token");
}

TEST(InClusterConfigTest, BracketsIpv6Hosts) {
  gpuext::testing::TempDir dir;
  WriteTextFile(dir.path() / "token", "t");
  WriteTextFile(dir.path() / "ca.crt", "ca");
  const RestConfig config =
      InClusterConfig({.root = dir.path(), .host = "fd00::1", .port = "6443"});
  EXPECT_EQ(config.server, "https://[fd00::1]:6443");
  EXPECT_EQ(config.ns, "default");
}

TEST(InClusterConfigTest, OutsideAPodIsAConfigurationProblem) {
  gpuext::testing::TempDir dir;
  EXPECT_FALSE(InCluster({.root = dir.path(), .host = "10.0.0.1", .port = "443"}));
  EXPECT_FALSE(InCluster({.root = dir.path(), .host = "", .port = "443"}));
  try {
    (void)InClusterConfig({.root = dir.path(), .host = "", .port = ""});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
  }
  try {
    (void)InClusterConfig({.root = dir.path(), .host = "10.0.0.1", .port = "443"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("token does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gpuext::kube
