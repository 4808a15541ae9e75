// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where a Kubernetes API is and how to authenticate to it: kubeconfig files, the in-cluster
// ServiceAccount, and the credentials that may change while a process runs (rotated token
// files, exec credential plugins).
//
//   RestConfig config = LoadConfig(flags.kubeconfig);   // --kubeconfig > KUBECONFIG > in-cluster
//                                                       // > ~/.kube/config, as kubectl does
//   HttpClient client(config);
//
// A kubeconfig that cannot be used throws gpuext::Error(kConfigurationProblem) whose message
// names the file, the context and the field:
//   kubeconfig /x/y: context "dev": user "u": client-key-data: not valid base64
// Secrets (tokens, keys) never appear in error messages.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/clock.h"

namespace gpuext::kube {

// users[].user.exec of a kubeconfig: a client.authentication.k8s.io credential plugin.
struct ExecConfig {
  std::string api_version = {};  // client.authentication.k8s.io/v1 or /v1beta1
  std::string command = {};      // relative paths with a '/' resolve against the kubeconfig's dir
  std::vector<std::string> args = {};
  std::vector<std::pair<std::string, std::string>> env = {};
  bool provide_cluster_info = false;
};

// Everything needed to reach and authenticate to one API server. At most one of
// bearer_token, token_file and exec is set; client certificates may come with any of them.
struct RestConfig {
  std::string server = {};  // "https://10.0.0.1:6443"
  std::string ca_pem = {};  // trusted CAs; empty: the system's trust store
  bool insecure_skip_tls_verify = false;
  // Read from kubeconfigs but not applied yet (libcurl 7.88 has no SNI override option).
  std::string tls_server_name = {};
  std::string client_cert_pem = {};
  std::string client_key_pem = {};
  std::string bearer_token = {};
  std::filesystem::path token_file = {};  // re-read when it changes (projected tokens rotate)
  std::optional<ExecConfig> exec = std::nullopt;
  std::string ns = {};      // the context's namespace (in-cluster: the pod's)
  std::string source = {};  // for messages: "kubeconfig /x/y: context \"dev\""
};

// Parses one kubeconfig document. `file` names it in errors and anchors relative paths
// (certificate-authority, client-certificate, client-key, tokenFile, exec command).
// `context` empty: current-context.
[[nodiscard]] RestConfig ParseKubeconfig(std::string_view yaml, const std::filesystem::path& file,
                                         const std::string& context = {});

// Loads and merges kubeconfig files as kubectl merges KUBECONFIG: for every map key
// (clusters, users, contexts by name; current-context) the first file that sets it wins.
// Missing files in the list are skipped, as kubectl does; no file at all is an error.
[[nodiscard]] RestConfig LoadKubeconfig(const std::vector<std::filesystem::path>& files,
                                        const std::string& context = {});

// Where the pod's ServiceAccount lives and where the API server is; the defaults read the
// standard mount and KUBERNETES_SERVICE_HOST/PORT. Tests point `root` at a temp dir.
struct InClusterOptions {
  std::filesystem::path root = "/var/run/secrets/kubernetes.io/serviceaccount";
  std::optional<std::string> host = std::nullopt;  // default: $KUBERNETES_SERVICE_HOST
  std::optional<std::string> port = std::nullopt;  // default: $KUBERNETES_SERVICE_PORT
};

// Whether the process runs in a pod: the service host is set and the token file exists.
[[nodiscard]] bool InCluster(const InClusterOptions& options = {});

// The in-cluster config: server https://host:port (IPv6 hosts bracketed), CA from ca.crt,
// token from the token file (re-read on rotation), namespace from `namespace`. Throws
// Error(kConfigurationProblem) when not in a pod.
[[nodiscard]] RestConfig InClusterConfig(const InClusterOptions& options = {});

// The precedence of kubectl and controller-runtime: `explicit_path` (the --kubeconfig flag)
// if not empty > $KUBECONFIG (colon-separated, merged) > in-cluster > ~/.kube/config.
[[nodiscard]] RestConfig LoadConfig(const std::string& explicit_path,
                                    const std::string& context = {});

// Credentials that are valid now. The client sends them with every request.
struct AuthInfo {
  std::string bearer_token = {};
  std::string client_cert_pem = {};
  std::string client_key_pem = {};
};

// Resolves a RestConfig's credentials and keeps them fresh: a token file is re-read when its
// mtime changes (checked at most every `kTokenFileRecheck`), an exec plugin's result is cached
// until its expirationTimestamp, and Invalidate() (after a 401) forces both to be re-read.
// Safe for concurrent use.
class Credentials {
 public:
  static constexpr std::chrono::seconds kTokenFileRecheck{5};

  Credentials(const RestConfig& config, const Clock& clock);
  ~Credentials();
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;

  // Throws Error(kInfraUnauthorized) when a token file cannot be read or a plugin fails.
  [[nodiscard]] AuthInfo Current();
  // Forgets cached rotating credentials; returns whether there were any (a retry may help).
  bool Invalidate();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs an exec credential plugin and returns its ExecCredential status (token and/or client
// certificate) with its expiry (nullopt: never expires). Throws Error(kInfraUnauthorized)
// naming the command (never its output) when it fails or prints no usable credential.
struct ExecResult {
  AuthInfo auth = {};
  std::optional<std::chrono::system_clock::time_point> expires = std::nullopt;
};
[[nodiscard]] ExecResult RunExecPlugin(const ExecConfig& exec, const std::string& server,
                                       const std::string& ca_pem);

}  // namespace gpuext::kube
