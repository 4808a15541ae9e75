// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared pieces of the kube-emulator benches: an HTTPS client of the kind our components use
// (cpp-httplib SSLClient, keep-alive, the server's CA verified, a bearer token), the server
// under test with its objects, and the bench entry points.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "bench_harness.h"
#include "gpuext/emulator/server.h"

namespace gpuext::bench {

// Where a client connects: a port on 127.0.0.1, the CA file to verify it with, a token.
struct Endpoint {
  int port = 0;
  std::string ca_file;
  std::string token;
};

// One keep-alive TLS connection; not safe for concurrent use (one per client thread).
class BenchClient {
 public:
  explicit BenchClient(const Endpoint& endpoint);

  // Sends one request; returns the HTTP status (0 when no response came) and the body.
  int Do(const std::string& method, const std::string& path, const std::string& body,
         const std::string& content_type, std::string* response_body);
  int Get(const std::string& path, std::string* response_body) {
    return Do("GET", path, {}, {}, response_body);
  }

  // Streams a GET (a watch): `on_connected` runs when the response headers arrive, `on_data`
  // gets each chunk and returns false to stop reading. Returns the HTTP status.
  int Stream(const std::string& path, const std::function<void()>& on_connected,
             const std::function<bool(const char*, size_t)>& on_data);

 private:
  httplib::SSLClient client_;
  std::string authorization_;
};

// Runs fn(0) … fn(n-1) on n threads and waits for all of them.
inline void Parallel(size_t n, const std::function<void(size_t)>& fn) {
  std::vector<std::jthread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&fn, i] { fn(i); });
  }
}

// The kube-emulator under test, in this process, holding `objects` ConfigMaps named
// cm-00000… in namespace "bench" once Populate() ran.
struct Bench {
  std::filesystem::path dir;  // temporary: CA files
  std::unique_ptr<emulator::Server> server;
  Endpoint endpoint;
  size_t objects = 0;
  size_t clients = 8;

  [[nodiscard]] static std::string Name(size_t i);
  [[nodiscard]] static std::string Path(size_t i) {
    return "/api/v1/namespaces/bench/configmaps/" + Name(i);
  }
};

// A ConfigMap of the size our components store (labels app/shard/pool, a ~300 byte payload);
// shard is i % 10, so `shard=s3` selects a tenth of them.
std::string ConfigMapJson(size_t i);

// Creates the namespace and `b.objects` ConfigMaps with b.clients concurrent clients and
// reports the RSS they add (bench "rss_per_10k_objects").
void BenchRss(Bench& b);
// List of every ConfigMap against lists with label selectors, and against JSON parsing.
void BenchList(Bench& b);
// GET and merge PATCH of single ConfigMaps with b.clients concurrent clients, against a bare
// cpp-httplib SSLServer answering a fixed body of the same size.
void BenchGetPatch(Bench& b);
// N watchers × U updates against 1 watcher × the same U updates.
void BenchWatch(Bench& b);

}  // namespace gpuext::bench
