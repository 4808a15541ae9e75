// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// kube-emulator: an in-process Kubernetes API server for tests and the demo (DESIGN.md §21.1).
//
//   gpuext::emulator::Server server({.listen = "127.0.0.1:0"}, Logger::Root());
//   server.Load("../shared/fixtures");          // CRDs first, then everything else
//   server.Start();                             // serving HTTPS from here on
//   server.WriteKubeconfig("/tmp/kubeconfig");  // for kubectl, helm and our clients
//
// It speaks HTTPS with a CA generated at start (or --tls-cert/--tls-key), authenticates bearer
// tokens, and implements discovery, CRUD, watch, patch, CRDs with structural schemas,
// finalizers, garbage collection and admission webhooks the way kube-apiserver does; every
// known difference is listed in docs/kube-emulator.md. Safe for concurrent use.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gpuext/logger.h"

namespace gpuext::emulator {

// A bearer token and the identity it authenticates (`--token user=token[,group...]`).
struct TokenUser {
  std::string user;
  std::string token;
  std::vector<std::string> groups = {};

  // Parses "user=token[,group1,group2]". Throws Error(kInvalidArgument) naming the flag.
  static TokenUser Parse(const std::string& flag);
};

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // host:port; port 0 picks a free port
  // Tokens accepted; when empty, one admin token (system:masters) is generated.
  std::vector<TokenUser> tokens = {};
  // PEM files of the serving certificate and key; generated (with a CA) when empty.
  std::string tls_cert_file = {};
  std::string tls_key_file = {};
  size_t watch_history = 10000;  // change events kept for watches; older RVs get 410 Gone
  std::chrono::milliseconds bookmark_interval = std::chrono::seconds(5);
  size_t max_body_bytes = 3 * 1024 * 1024;  // kube-apiserver's default request size limit
  int threads = 256;                        // HTTP worker threads; each open watch holds one
  std::filesystem::path data_dir = {};      // snapshot location; empty: memory only
};

class Server {
 public:
  Server(ServerOptions options, Logger log);
  ~Server();  // Stops serving and saves the snapshot when a data dir is set.
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Applies every *.yaml/*.yml/*.json file under `path` (or the file itself):
  // CustomResourceDefinitions first, then Namespaces, then the rest. Throws Error naming the
  // file and document on anything the API rejects.
  void Load(const std::filesystem::path& path);

  // Binds and starts serving in background threads. Throws Error if the address is taken.
  void Start();
  // Stops serving: open watches end, in-flight requests finish.
  void Stop();
  // Blocks until Stop() is called (from another thread or a signal handler thread).
  void Wait();

  [[nodiscard]] int port() const;
  [[nodiscard]] std::string url() const;     // "https://127.0.0.1:<port>"
  [[nodiscard]] std::string ca_pem() const;  // the CA clients must trust
  [[nodiscard]] std::string admin_token() const;
  // A kubeconfig for the first token (context "kube-emulator").
  [[nodiscard]] std::string Kubeconfig() const;
  // Writes Kubeconfig() atomically (temporary file + rename), mode 0600.
  void WriteKubeconfig(const std::filesystem::path& path) const;
  // Saves the snapshot now (also done on Stop when a data dir is set).
  void SaveSnapshot() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpuext::emulator
