// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/kubeconfig.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/kube/tls.h"
#include "gpuext/testing/process.h"

namespace gpuext::kube {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const CertificateAuthority& TestCa() {
  static const CertificateAuthority ca = CertificateAuthority::Generate("test-ca", 24h);
  return ca;
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A kubeconfig with one context "dev" → cluster "c", user "u"; callers fill the bodies.
std::string Kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& extra = "current-context: dev\n") {
  return fmt::format(
      "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n{}\nusers:\n- name: u\n"
      "  user:\n{}\ncontexts:\n- name: dev\n  context:\n    cluster: c\n    user: u\n"
      "    namespace: team\n{}",
      cluster, user, extra);
}

const std::string kServer = "    server: https://10.0.0.1:6443";

std::string CaData() {
  return "    certificate-authority-data: " + Base64Encode(TestCa().cert_pem());
}

struct ErrorCase {
  std::string name;
  std::string yaml;
  std::string context;
  std::string want;  // substring of the message, after "kubeconfig /k/config: "
};

TEST(KubeconfigTest, RejectsBadConfigsNamingFileContextAndField) {
  const KeyPair client = TestCa().IssueClient("alice", {}, 24h);
  const std::string cert_data = "    client-certificate-data: " + Base64Encode(client.cert_pem);
  const std::vector<ErrorCase> cases = {
      {"not yaml", "a: [", "", "invalid YAML"},
      {"not a mapping", "- a\n- b\n", "", "must be a YAML mapping"},
      {"no current context", Kubeconfig(kServer, "    token: t", ""), "",
       "current-context: not set"},
      {"unknown context", Kubeconfig(kServer, "    token: t"), "prod",
       "context \"prod\": not found"},
      {"clusters not a list", "clusters: {}\ncurrent-context: dev\n", "",
       "clusters: must be a list"},
      {"unnamed cluster", "clusters:\n- cluster: {}\n", "", "clusters[0].name: required"},
      {"unknown cluster",
       "contexts:\n- name: dev\n  context: {cluster: nope}\ncurrent-context: dev\n", "",
       "context \"dev\": cluster \"nope\": not found"},
      {"context without cluster",
       "contexts:\n- name: dev\n  context: {user: u}\ncurrent-context: dev\n", "",
       "context \"dev\": cluster: required"},
      {"unknown user",
       "clusters:\n- name: c\n  cluster: {server: 'https://x'}\ncontexts:\n- name: dev\n"
       "  context: {cluster: c, user: ghost}\ncurrent-context: dev\n",
       "", "context \"dev\": user \"ghost\": not found"},
      {"no server", Kubeconfig("    insecure-skip-tls-verify: true", "    token: t"), "",
       "context \"dev\": cluster \"c\": server: required"},
      {"server not a URL", Kubeconfig("    server: 10.0.0.1:6443", "    token: t"), "",
       "cluster \"c\": server: \"10.0.0.1:6443\" must start with https:// or http://"},
      {"ca data not base64", Kubeconfig(kServer + "\n    certificate-authority-data: '!!!'", ""),
       "", "cluster \"c\": certificate-authority-data: not valid base64"},
      {"ca data not pem",
       Kubeconfig(kServer + "\n    certificate-authority-data: " + Base64Encode("hello"), ""), "",
       "cluster \"c\": certificate-authority-data: not PEM data"},
      {"ca file missing", Kubeconfig(kServer + "\n    certificate-authority: ca.pem", ""), "",
       "cluster \"c\": certificate-authority: cannot read /k/ca.pem"},
      {"ca data and file",
       Kubeconfig(kServer + "\n" + CaData() + "\n    certificate-authority: ca.pem", ""), "",
       "certificate-authority-data and certificate-authority: only one may be set"},
      {"insecure with ca",
       Kubeconfig(kServer + "\n" + CaData() + "\n    insecure-skip-tls-verify: true", ""), "",
       "insecure-skip-tls-verify: not allowed together with a certificate authority"},
      {"insecure not bool", Kubeconfig(kServer + "\n    insecure-skip-tls-verify: maybe", ""), "",
       "insecure-skip-tls-verify: must be true or false"},
      {"key data not base64", Kubeconfig(kServer, cert_data + "\n    client-key-data: '%%%'"), "",
       "context \"dev\": user \"u\": client-key-data: not valid base64"},
      {"cert without key", Kubeconfig(kServer, cert_data), "",
       "user \"u\": client-key: required with client-certificate"},
      {"key without cert",
       Kubeconfig(kServer, "    client-key-data: " + Base64Encode(client.key_pem)), "",
       "user \"u\": client-certificate: required with client-key"},
      {"key file missing", Kubeconfig(kServer, "    client-key: /nonexistent/key.pem"), "",
       "user \"u\": client-key: cannot read /nonexistent/key.pem"},
      {"token not string", Kubeconfig(kServer, "    token: [a]"), "",
       "user \"u\": token: must be a string"},
      {"auth provider", Kubeconfig(kServer, "    auth-provider: {name: gcp}"), "",
       "user \"u\": auth-provider: not supported"},
      {"basic auth", Kubeconfig(kServer, "    username: a\n    password: b"), "",
       "user \"u\": username: not supported"},
      {"exec and token",
       Kubeconfig(kServer,
                  "    token: t\n    exec: {apiVersion: client.authentication.k8s.io/v1, "
                  "command: x}"),
       "", "user \"u\": exec: not allowed together with token or tokenFile"},
      {"exec old api",
       Kubeconfig(kServer,
                  "    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, "
                  "command: x}"),
       "", "user \"u\": exec: apiVersion: \"client.authentication.k8s.io/v1alpha1\" not supported"},
      {"exec no command",
       Kubeconfig(kServer, "    exec: {apiVersion: client.authentication.k8s.io/v1}"), "",
       "user \"u\": exec: command: required"},
      {"exec env without name",
       Kubeconfig(kServer,
                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                  "      command: x\n      env: [{value: v}]"),
       "", "user \"u\": exec: env[0]: name: required"},
      {"exec args not strings",
       Kubeconfig(kServer,
                  "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                  "      command: x\n      args: [[1]]"),
       "", "user \"u\": exec: args: must be a list of strings"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      (void)ParseKubeconfig(c.yaml, "/k/config", c.context);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
      const std::string message = e.what();
      EXPECT_EQ(message.rfind("kubeconfig /k/config: ", 0), 0u) << message;
      EXPECT_NE(message.find(c.want), std::string::npos) << message;
    }
  }
}

TEST(KubeconfigTest, ErrorsNeverContainSecrets) {
  const std::string secret = "c2VjcmV0LXRva2VuLXZhbHVl";  // base64-looking, not valid PEM
  const std::vector<std::string> configs = {
      Kubeconfig(kServer, "    token: " + secret + "\n    auth-provider: {name: x}"),
      Kubeconfig(kServer, "    client-key-data: " + secret),
      Kubeconfig(kServer, "    client-certificate-data: " + secret),
  };
  for (const std::string& yaml : configs) {
    try {
      (void)ParseKubeconfig(yaml, "/k/config");
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
    }
  }
}

TEST(KubeconfigTest, ReadsTokenUserAndCaData) {
  const RestConfig config =
      ParseKubeconfig(Kubeconfig(kServer + "/\n" + CaData(), "    token: abc"), "/k/config");
  EXPECT_EQ(config.server, "https://10.0.0.1:6443");
  EXPECT_EQ(config.ca_pem, TestCa().cert_pem());
  EXPECT_EQ(config.bearer_token, "abc");
  EXPECT_EQ(config.ns, "team");
  EXPECT_FALSE(config.insecure_skip_tls_verify);
  EXPECT_FALSE(config.exec.has_value());
  EXPECT_EQ(config.source, "kubeconfig /k/config: context \"dev\"");
}

TEST(KubeconfigTest, ExplicitContextWinsOverCurrentContext) {
  const std::string yaml =
      "clusters:\n- name: a\n  cluster: {server: 'https://a'}\n- name: b\n"
      "  cluster: {server: 'https://b'}\ncontexts:\n- name: ca\n  context: {cluster: a}\n"
      "- name: cb\n  context: {cluster: b}\ncurrent-context: ca\n";
  EXPECT_EQ(ParseKubeconfig(yaml, "/k").server, "https://a");
  EXPECT_EQ(ParseKubeconfig(yaml, "/k", "cb").server, "https://b");
  EXPECT_EQ(ParseKubeconfig(yaml, "/k", "cb").ns, "default");
}

TEST(KubeconfigTest, InsecureSkipTlsVerifyOnlyWhenSet) {
  EXPECT_TRUE(
      ParseKubeconfig(Kubeconfig(kServer + "\n    insecure-skip-tls-verify: true", ""), "/k")
          .insecure_skip_tls_verify);
  EXPECT_FALSE(
      ParseKubeconfig(Kubeconfig(kServer + "\n    insecure-skip-tls-verify: false", ""), "/k")
          .insecure_skip_tls_verify);
}

TEST(KubeconfigTest, ResolvesRelativeFilesAgainstTheKubeconfigDirectory) {
  gpuext::testing::TempDir dir;
  const KeyPair client = TestCa().IssueClient("alice", {"devs"}, 24h);
  WriteFile(dir.path() / "kube" / "certs" / "ca.pem", TestCa().cert_pem());
  WriteFile(dir.path() / "kube" / "certs" / "client.pem", client.cert_pem);
  WriteFile(dir.path() / "kube" / "certs" / "client-key.pem", client.key_pem);
  WriteFile(dir.path() / "kube" / "token", "tok\n");
  WriteFile(dir.path() / "kube" / "config",
            Kubeconfig(kServer + "\n    certificate-authority: certs/ca.pem",
                       "    client-certificate: certs/client.pem\n"
                       "    client-key: certs/client-key.pem\n    tokenFile: token\n"
                       "    exec: null"));
  const RestConfig config = LoadKubeconfig({dir.path() / "kube" / "config"});
  EXPECT_EQ(config.ca_pem, TestCa().cert_pem());
  EXPECT_EQ(config.client_cert_pem, client.cert_pem);
  EXPECT_EQ(config.client_key_pem, client.key_pem);
  EXPECT_EQ(config.token_file, dir.path() / "kube" / "token");
  EXPECT_TRUE(config.bearer_token.empty());
}

TEST(KubeconfigTest, ParsesExecPlugin) {
  const RestConfig config = ParseKubeconfig(
      Kubeconfig(kServer,
                 "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                 "      command: ./bin/plugin\n      args: [get-token, --x]\n"
                 "      env: [{name: A, value: b}]\n      provideClusterInfo: true"),
      "/k/config");
  ASSERT_TRUE(config.exec.has_value());
  EXPECT_EQ(config.exec->command, "/k/./bin/plugin");
  EXPECT_EQ(config.exec->args, (std::vector<std::string>{"get-token", "--x"}));
  ASSERT_EQ(config.exec->env.size(), 1u);
  EXPECT_EQ(config.exec->env[0].first, "A");
  EXPECT_TRUE(config.exec->provide_cluster_info);
  // A bare command name is looked up in PATH, as kubectl does.
  const RestConfig bare = ParseKubeconfig(
      Kubeconfig(kServer, "    exec: {apiVersion: client.authentication.k8s.io/v1, command: gke}"),
      "/k/config");
  EXPECT_EQ(bare.exec->command, "gke");
}

TEST(KubeconfigTest, MergesFilesFirstWinsPerKey) {
  gpuext::testing::TempDir dir;
  WriteFile(dir.path() / "a",
            "clusters:\n- name: c\n  cluster: {server: 'https://first'}\n"
            "users:\n- name: u\n  user: {token: first}\ncurrent-context: dev\n");
  WriteFile(dir.path() / "b",
            "clusters:\n- name: c\n  cluster: {server: 'https://second'}\n"
            "- name: other\n  cluster: {server: 'https://other'}\n"
            "users:\n- name: u\n  user: {token: second}\n"
            "contexts:\n- name: dev\n  context: {cluster: c, user: u}\n"
            "- name: o\n  context: {cluster: other}\ncurrent-context: o\n");
  const RestConfig config =
      LoadKubeconfig({dir.path() / "missing", dir.path() / "a", dir.path() / "b"});
  EXPECT_EQ(config.server, "https://first");
  EXPECT_EQ(config.bearer_token, "first");
  EXPECT_EQ(LoadKubeconfig({dir.path() / "a", dir.path() / "b"}, "o").server, "https://other");
  EXPECT_EQ(LoadKubeconfig({dir.path() / "b", dir.path() / "a"}).server, "https://other");
}

TEST(KubeconfigTest, NoFileAtAllIsAnError) {
  try {
    (void)LoadKubeconfig({"/nonexistent/a", "/nonexistent/b"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigurationProblem);
    EXPECT_STREQ(e.what(), "kubeconfig /nonexistent/a:/nonexistent/b: no such file");
  }
}

// Sets an environment variable for the scope of one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
    }
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(KubeconfigTest, LoadConfigPrecedenceFlagThenEnvThenHome) {
  gpuext::testing::TempDir dir;
  const auto config_for = [](const std::string& server) {
    return fmt::format(
        "clusters:\n- name: c\n  cluster: {{server: '{}'}}\ncontexts:\n- name: x\n"
        "  context: {{cluster: c}}\ncurrent-context: x\n",
        server);
  };
  WriteFile(dir.path() / "flag", config_for("https://flag"));
  WriteFile(dir.path() / "env1", config_for("https://env1"));
  WriteFile(dir.path() / "env2", config_for("https://env2"));
  WriteFile(dir.path() / "home" / ".kube" / "config", config_for("https://home"));
  ScopedEnv home("HOME", (dir.path() / "home").string());
  ScopedEnv no_service("KUBERNETES_SERVICE_HOST", "");
  {
    ScopedEnv env("KUBECONFIG",
                  (dir.path() / "env1").string() + ":" + (dir.path() / "env2").string());
    EXPECT_EQ(LoadConfig((dir.path() / "flag").string()).server, "https://flag");
    EXPECT_EQ(LoadConfig("").server, "https://env1");
  }
  {
    ScopedEnv env("KUBECONFIG", "");
    EXPECT_EQ(LoadConfig("").server, "https://home");
    // An explicit path that does not exist is an error, never a silent fallback.
    EXPECT_THROW((void)LoadConfig((dir.path() / "nope").string()), Error);
  }
}

}  // namespace
}  // namespace gpuext::kube
