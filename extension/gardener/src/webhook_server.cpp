// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/webhook_server.h"

#include <mutex>
#include <thread>

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "gpuext/error.h"
#include "gpuext/files.h"

namespace gpuext::gardener {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};

// The serving certificate, reloaded when its files change. Handshakes read it through
// SSL_CTX_set_cert_cb, so each new connection gets the newest certificate.
class ReloadingCertificate {
 public:
  explicit ReloadingCertificate(fs::path dir) : dir_(std::move(dir)) { Load(); }

  // Re-reads the files if their modification time changed. A half-rotated pair (new cert,
  // old key) fails to load and keeps the previous pair until the next attempt.
  void RefreshIfChanged(const Logger& log) {
    std::error_code ec;
    const auto cert_time = fs::last_write_time(dir_ / "tls.crt", ec);
    const auto key_time = fs::last_write_time(dir_ / "tls.key", ec);
    std::lock_guard lock(mutex_);
    if (ec || (cert_time == cert_time_ && key_time == key_time_)) {
      return;
    }
    try {
      LoadLocked();
      log.Info("Reloaded serving certificate", {{"dir", dir_.string()}});
    } catch (const std::exception& e) {
      log.Error(e, "Keeping the previous serving certificate");
    }
  }

  // Installs the current pair on one connection.
  bool Apply(SSL* ssl) {
    std::lock_guard lock(mutex_);
    return SSL_use_certificate(ssl, cert_.get()) == 1 && SSL_use_PrivateKey(ssl, key_.get()) == 1;
  }

 private:
  void Load() {
    std::lock_guard lock(mutex_);
    LoadLocked();
  }

  void LoadLocked() {
    const fs::path cert_path = dir_ / "tls.crt";
    const fs::path key_path = dir_ / "tls.key";
    const auto cert_pem = ReadFileIfExists(cert_path);
    const auto key_pem = ReadFileIfExists(key_path);
    if (!cert_pem || !key_pem) {
      throw Error(ErrorCode::kConfigurationProblem,
                  "webhook server: " + (!cert_pem ? cert_path : key_path).string() +
                      " does not exist: mount the serving certificate there or let the "
                      "extension generate one (--webhook-config-mode)");
    }
    std::unique_ptr<BIO, BioDeleter> cert_bio(
        BIO_new_mem_buf(cert_pem->data(), static_cast<int>(cert_pem->size())));
    std::unique_ptr<X509, X509Deleter> cert(
        PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    std::unique_ptr<BIO, BioDeleter> key_bio(
        BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())));
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!cert || !key) {
      throw Error(ErrorCode::kConfigurationProblem,
                  "webhook server: " + (!cert ? cert_path : key_path).string() + " is not a PEM " +
                      (!cert ? "certificate" : "private key"));
    }
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
      throw Error(ErrorCode::kConfigurationProblem,
                  "webhook server: " + key_path.string() + " does not match " + cert_path.string());
    }
    std::error_code ec;
    cert_time_ = fs::last_write_time(cert_path, ec);
    key_time_ = fs::last_write_time(key_path, ec);
    cert_ = std::move(cert);
    key_ = std::move(key);
  }

  const fs::path dir_;
  std::mutex mutex_;
  std::unique_ptr<X509, X509Deleter> cert_;
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key_;
  fs::file_time_type cert_time_{};
  fs::file_time_type key_time_{};
};

}  // namespace

struct WebhookServer::Impl {
  Impl(WebhookServerOptions o, Logger l) : options(std::move(o)), log(std::move(l)) {}

  WebhookServerOptions options;
  Logger log;
  std::unique_ptr<ReloadingCertificate> certificate;
  std::unique_ptr<httplib::SSLServer> http;
  std::thread thread;
  int port = 0;

  void Handle(const httplib::Request& req, httplib::Response& res,
              const std::function<json(const json&)>& handler) {
    json review;
    try {
      review = json::parse(req.body);
    } catch (const json::exception& e) {
      res.status = 400;
      res.set_content(json({{"error", std::string("body is not JSON: ") + e.what()}}).dump(),
                      "application/json");
      return;
    }
    res.set_content(handler(review).dump(), "application/json");
  }
};

WebhookServer::WebhookServer(WebhookServerOptions options, Logger log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(log))) {
  impl_->certificate = std::make_unique<ReloadingCertificate>(impl_->options.cert_dir);
  ReloadingCertificate* certificate = impl_->certificate.get();
  impl_->http = std::make_unique<httplib::SSLServer>([certificate](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_cert_cb(
        &ctx,
        [](SSL* ssl, void* arg) -> int {
          return static_cast<ReloadingCertificate*>(arg)->Apply(ssl) ? 1 : 0;
        },
        certificate);
    return true;
  });
  // httplib writes a response's headers and body separately; with Nagle on, the body waits for
  // the client's delayed ACK: +40 ms on every admission review (bench/gardener measured p50
  // 44 ms → 1 ms). kube-apiserver calls webhooks with a timeout of a few seconds per request.
  impl_->http->set_tcp_nodelay(true);
  impl_->http->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  // Checking file times on each request is one stat pair; it keeps rotation simple and prompt.
  impl_->http->set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
    impl_->certificate->RefreshIfChanged(impl_->log);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  impl_->http->set_exception_handler(
      [this](const httplib::Request&, httplib::Response& res, std::exception_ptr e) {
        impl_->log.Error("Webhook handler failed", {{"error", DescribeException(e)}});
        res.status = 500;
        res.set_content(R"({"error":"internal error"})", "application/json");
      });
}

WebhookServer::~WebhookServer() { Stop(); }

void WebhookServer::AddMutator(const std::string& path, Mutator& mutator) {
  impl_->http->Post(path, [this, &mutator](const httplib::Request& req, httplib::Response& res) {
    impl_->Handle(req, res,
                  [&](const json& review) { return HandleAdmissionReview(review, mutator); });
  });
}

void WebhookServer::AddValidator(const std::string& path, Validator& validator) {
  impl_->http->Post(path, [this, &validator](const httplib::Request& req, httplib::Response& res) {
    impl_->Handle(req, res,
                  [&](const json& review) { return HandleAdmissionReview(review, validator); });
  });
}

void WebhookServer::Start() {
  if (!impl_->http->is_valid()) {
    throw Error(ErrorCode::kInternal, "webhook server: TLS context could not be created");
  }
  const auto& opts = impl_->options;
  impl_->port = opts.port == 0 ? impl_->http->bind_to_any_port(opts.host)
                               : (impl_->http->bind_to_port(opts.host, opts.port) ? opts.port : -1);
  if (impl_->port <= 0) {
    throw Error(ErrorCode::kConfigurationProblem,
                "webhook server: cannot listen on " + opts.host + ":" + std::to_string(opts.port));
  }
  impl_->thread = std::thread([this] { impl_->http->listen_after_bind(); });
  impl_->log.Info("Serving webhooks", {{"port", impl_->port}});
}

void WebhookServer::Stop() {
  if (impl_->thread.joinable()) {
    impl_->http->stop();
    impl_->thread.join();
  }
}

int WebhookServer::port() const { return impl_->port; }

}  // namespace gpuext::gardener
