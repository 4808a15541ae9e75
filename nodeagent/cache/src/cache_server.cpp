// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// CacheServer: set-up, routing, the failure boundary of every handler, health and metrics.
#include <utility>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cache_server_impl.h"
#include "gpuext/error.h"

namespace gpuext::nodeagent::cache {

namespace {

struct CacheServerBioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct CacheServerX509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct CacheServerPkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

int CacheServerStatusOf(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kInfraUnauthorized:
      return 401;
    case ErrorCode::kRetryableInfraDependencies:
    case ErrorCode::kNotReady:
    case ErrorCode::kTimeout:
    case ErrorCode::kInfraRateLimits:
      return 503;
    default:
      return 500;
  }
}

}  // namespace

CacheServer::Impl::Impl(CacheServerOptions o, CacheServerDeps d)
    : options(std::move(o)),
      deps(std::move(d)),
      log(deps.log),
      requests(registry.Counters("gpu_cache_requests_total",
                                 "Cache requests by operation and result (hit or miss).",
                                 {"op", "result"})),
      bytes_served(registry.Counters("gpu_cache_bytes_served_total", "Blob bytes sent.")),
      bytes_stored(registry.Gauges("gpu_cache_bytes_stored", "Blob bytes in the store.")),
      builds_total(registry.Counters("gpu_cache_builds_total",
                                     "Finished builds by result (succeeded, failed).", {"result"})),
      build_duration(registry.Histograms("gpu_cache_build_duration_seconds",
                                         "Duration of successful builds.", {},
                                         kube::metrics::ExponentialBuckets(30, 2, 10))),
      leases_active(registry.Gauges("gpu_cache_leases_active", "Builds holding a live lease.")),
      gc_deleted(registry.Counters("gpu_cache_gc_deleted_blobs_total",
                                   "Blobs deleted by garbage collection and quota eviction.")) {
  if (options.staging_dir.empty()) {
    options.staging_dir = deps.store.root() / "uploads";
  }
  std::filesystem::create_directories(options.staging_dir);
  if (options.max_concurrent_builds < 1) {
    throw Error(ErrorCode::kConfigurationProblem, "builds.maxConcurrent: must be at least 1");
  }
  std::unique_ptr<BIO, CacheServerBioDeleter> cert_bio(
      BIO_new_mem_buf(options.tls_cert_pem.data(), static_cast<int>(options.tls_cert_pem.size())));
  std::unique_ptr<BIO, CacheServerBioDeleter> key_bio(
      BIO_new_mem_buf(options.tls_key_pem.data(), static_cast<int>(options.tls_key_pem.size())));
  std::unique_ptr<X509, CacheServerX509Deleter> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  std::unique_ptr<EVP_PKEY, CacheServerPkeyDeleter> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) {
    throw Error(ErrorCode::kConfigurationProblem,
                "the serving certificate or key is not valid PEM (tls.crt / tls.key of the "
                "Secret gpu-cache-tls)");
  }
  http = std::make_unique<httplib::SSLServer>(cert.get(), key.get());
  if (!http->is_valid()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "cannot set up TLS with the serving certificate and key (do they match?)");
  }
  // Lease answers and manifests are small: without this each waits for the agent's delayed
  // ACK (Nagle), as measured on the webhook server (bench/gardener).
  http->set_tcp_nodelay(true);
  const int threads = options.threads;
  http->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  http->set_payload_max_length(static_cast<size_t>(options.max_upload_bytes));
  http->set_read_timeout(std::chrono::seconds(60));
  http->set_write_timeout(std::chrono::seconds(60));
  collect_hook =
      registry.OnCollect([this] { leases_active.WithLabelValues({}).Set(ActiveBuilds()); });
  Route();
}

void CacheServer::Impl::WriteJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

std::filesystem::path CacheServer::Impl::StagingDir(const std::string& lease_id) const {
  return options.staging_dir / lease_id;
}

template <typename Fn>
void CacheServer::Impl::Guard(const httplib::Request& req, httplib::Response& res, Fn&& fn) {
  // httplib cuts every answer to req.ranges when it writes it; only GetBlob sets them.
  const_cast<httplib::Request&>(req).ranges.clear();
  try {
    fn();
    return;
  } catch (const CacheHttpError& e) {
    WriteJson(res, e.status(), {{"error", e.what()}});
    return;
  } catch (const Error& e) {
    const int status = CacheServerStatusOf(e);
    if (status >= 500) {
      log.Error(e, "Request failed", {{"method", req.method}, {"path", req.path}});
    }
    WriteJson(res, status, {{"error", DescribeException(e)}});
  } catch (const nlohmann::json::exception& e) {
    WriteJson(res, 400, {{"error", fmt::format("bad JSON body: {}", e.what())}});
  } catch (const std::exception& e) {
    log.Error(e, "Request failed", {{"method", req.method}, {"path", req.path}});
    WriteJson(res, 500, {{"error", DescribeException(e)}});
  }
}

void CacheServer::Impl::Route() {
  httplib::SSLServer& s = *http;
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    std::error_code ec;
    const bool ok = started.load() && std::filesystem::is_directory(deps.store.root(), ec);
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ok" : "not ready", "text/plain");
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.Expose(), "text/plain; version=0.0.4");
  });
  s.Get(R"(/v1/manifests/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { GetManifest(req, res); });
  });
  s.Get(R"(/v1/blobs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { GetBlob(req, res); });
  });
  s.Get("/v1/keys", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { ListKeys(req, res); });
  });
  s.Get("/v1/builds", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { ListBuilds(req, res); });
  });
  s.Get(R"(/v1/builds/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { GetBuild(req, res); });
  });
  s.Post("/v1/leases", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { PostLease(req, res); });
  });
  s.Post("/v1/prebuild", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { PostPrebuild(req, res); });
  });
  s.Post(R"(/v1/leases/([A-Za-z0-9]+)/heartbeat)",
         [this](const httplib::Request& req, httplib::Response& res) {
           Guard(req, res, [&] { Heartbeat(req, res); });
         });
  s.Put(R"(/v1/uploads/([A-Za-z0-9]+)/blobs/([^/]+))",
        [this](const httplib::Request& req, httplib::Response& res,
               const httplib::ContentReader& reader) {
          Guard(req, res, [&] { PutBlob(req, res, reader); });
        });
  s.Post(R"(/v1/uploads/([A-Za-z0-9]+)/commit)",
         [this](const httplib::Request& req, httplib::Response& res) {
           Guard(req, res, [&] { Commit(req, res); });
         });
  s.Post(R"(/v1/builds/(.+)/failure)", [this](const httplib::Request& req, httplib::Response& res) {
    Guard(req, res, [&] { ReportFailure(req, res); });
  });
}

CacheServer::CacheServer(CacheServerOptions options, CacheServerDeps deps)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(deps))) {}

CacheServer::~CacheServer() { Stop(); }

void CacheServer::Start() {
  Impl& i = *impl_;
  if (i.options.port == 0) {
    i.bound_port = i.http->bind_to_any_port(i.options.host);
  } else if (i.http->bind_to_port(i.options.host, i.options.port)) {
    i.bound_port = i.options.port;
  } else {
    i.bound_port = -1;
  }
  if (i.bound_port <= 0) {
    throw Error(
        ErrorCode::kConfigurationProblem,
        fmt::format("cannot listen on {}:{} (address in use?)", i.options.host, i.options.port));
  }
  i.started = true;
  i.serving = std::thread([&i] { i.http->listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs, so a Stop() right after Start()
  // would otherwise leave the loop running forever.
  for (int n = 0; n < 5000 && !i.http->is_running(); ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  i.log.Info("Serving", {{"address", fmt::format("{}:{}", i.options.host, i.bound_port)}});
}

void CacheServer::Stop() {
  if (!impl_) {
    return;
  }
  Impl& i = *impl_;
  if (i.started.exchange(false)) {
    i.http->stop();
  }
  if (i.serving.joinable()) {
    i.serving.join();
  }
}

void CacheServer::Wait() {
  while (impl_->started.load()) {
    if (impl_->serving.joinable()) {
      // listen_after_bind returns only once stop() was called.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

int CacheServer::port() const { return impl_->bound_port; }

kube::metrics::Registry& CacheServer::metrics() { return impl_->registry; }

void CacheServer::RecordGc(const GcResult& result) {
  if (result.deleted_blobs > 0) {
    impl_->gc_deleted.WithLabelValues({}).Inc(static_cast<double>(result.deleted_blobs));
  }
  impl_->bytes_stored.WithLabelValues({}).Set(static_cast<double>(result.bytes_stored));
}

}  // namespace gpuext::nodeagent::cache
