// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// CacheServer's internals, shared by its handler files (cache_server*.cpp). Private.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/http_cache_api.h"
#include "gpuext/nodeagent/cache/server.h"

namespace gpuext::nodeagent::cache {

// An HTTP answer thrown by a handler: status plus message, rendered as {"error": message}.
class CacheHttpError : public std::runtime_error {
 public:
  CacheHttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  [[nodiscard]] int status() const { return status_; }

 private:
  int status_;
};

// One build this server started (or learned of through heartbeats) since it started.
struct CacheBuildRecord {
  std::string key = {};
  std::string lease_id = {};
  std::string job = {};
  std::string holder = {};
  std::string phase = "Pending";
  std::int64_t percent = 0;
  std::chrono::system_clock::time_point started = {};
  std::chrono::steady_clock::time_point started_steady = {};
  bool active = true;
  std::string reason = {};
  std::string message = {};
};

struct CacheServer::Impl {
  Impl(CacheServerOptions o, CacheServerDeps d);

  // Routing (cache_server.cpp).
  void Route();
  template <typename Fn>
  void Guard(const httplib::Request& req, httplib::Response& res, Fn&& fn);

  // Reads (cache_server_reads.cpp).
  void GetManifest(const httplib::Request& req, httplib::Response& res);
  void GetBlob(const httplib::Request& req, httplib::Response& res);
  void ListKeys(const httplib::Request& req, httplib::Response& res);
  void ListBuilds(const httplib::Request& req, httplib::Response& res);
  void GetBuild(const httplib::Request& req, httplib::Response& res);

  // Leases (cache_server_leases.cpp).
  void PostLease(const httplib::Request& req, httplib::Response& res);
  artifact::CacheLeaseAnswer DecideLease(const artifact::LeaseRequest& request);
  void PostPrebuild(const httplib::Request& req, httplib::Response& res);
  // The agent's bearer token (401 otherwise).
  void Authenticate(const httplib::Request& req);
  void Heartbeat(const httplib::Request& req, httplib::Response& res);
  void ReportFailure(const httplib::Request& req, httplib::Response& res);
  std::optional<artifact::BuildStatus> BuildStatusOf(const artifact::ArtifactKey& key);
  // Active builds whose lease is still live; drops the others.
  int ActiveBuilds();
  void FinishBuild(const std::string& key, const std::string& lease_id, bool succeeded,
                   const std::string& reason, const std::string& message);

  // Uploads (cache_server_uploads.cpp).
  // Checks the bearer upload token against the lease id in the path and the live lease.
  // `ended_status` answers a token whose lease has ended (403; 409 for heartbeats).
  UploadClaims CheckUploadToken(const httplib::Request& req, const std::string& lease_id,
                                int ended_status);
  void PutBlob(const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader& reader);
  void Commit(const httplib::Request& req, httplib::Response& res);

  [[nodiscard]] std::filesystem::path StagingDir(const std::string& lease_id) const;
  static void WriteJson(httplib::Response& res, int status, const nlohmann::json& body);

  CacheServerOptions options;
  CacheServerDeps deps;
  Logger log;
  std::unique_ptr<httplib::SSLServer> http;
  std::thread serving;
  std::atomic<bool> started{false};
  int bound_port = 0;

  std::mutex lease_mutex;  // serialises capacity check + acquire of leases in this process
  std::mutex builds_mutex;
  std::map<std::string, CacheBuildRecord> builds;  // by key path; guarded by builds_mutex

  kube::metrics::Registry registry;
  kube::metrics::CounterVec& requests;
  kube::metrics::CounterVec& bytes_served;
  kube::metrics::GaugeVec& bytes_stored;
  kube::metrics::CounterVec& builds_total;
  kube::metrics::HistogramVec& build_duration;
  kube::metrics::GaugeVec& leases_active;
  kube::metrics::CounterVec& gc_deleted;
  kube::metrics::CollectHook collect_hook;
};

}  // namespace gpuext::nodeagent::cache
