// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The HTTPS front of kube-emulator: TLS, authentication, routing to discovery and to the
// API verbs, watch streaming and the Status error boundary.
#include "gpuext/emulator/server.h"

#include <atomic>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "api_server.h"
#include "api_status.h"
#include "discovery.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/kube/tls.h"
#include "gpuext/yaml_json.h"
#include "protobuf.h"
#include "request_path.h"
#include "response_warnings.h"
#include "server_files.h"
#include "table.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("cannot read {}", path));
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string RandomToken() {
  const std::string uid = [] {
    unsigned char b[24];
    if (RAND_bytes(b, sizeof(b)) != 1) {
      throw Error(ErrorCode::kInternal, "RAND_bytes failed");
    }
    std::string hex;
    for (unsigned char c : b) {
      hex += fmt::format("{:02x}", c);
    }
    return hex;
  }();
  return uid;
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

void WriteJson(httplib::Response& res, int code, const json& body) {
  res.status = code;
  // Replacing invalid UTF-8 keeps a Status that quotes a client's bytes renderable.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

}  // namespace

TokenUser TokenUser::Parse(const std::string& flag) {
  const size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--token {}: want user=token[,group...]", flag));
  }
  TokenUser t{.user = flag.substr(0, eq), .token = {}, .groups = {}};
  std::string rest = flag.substr(eq + 1);
  size_t comma = rest.find(',');
  t.token = rest.substr(0, comma);
  while (comma != std::string::npos) {
    const size_t next = rest.find(',', comma + 1);
    t.groups.push_back(rest.substr(comma + 1, next == std::string::npos ? next : next - comma - 1));
    comma = next;
  }
  return t;
}

struct Server::Impl {
  Impl(ServerOptions o, Logger l)
      : options(std::move(o)),
        log(std::move(l)),
        api({.watch_history = options.watch_history,
             .bookmark_interval = options.bookmark_interval,
             .max_body_bytes = options.max_body_bytes},
            log) {
    if (options.tokens.empty()) {
      options.tokens.push_back(
          {.user = "admin", .token = RandomToken(), .groups = {"system:masters"}});
    }
    api.SetTokenAuthenticator([this](const std::string& token) { return Authenticate(token); });
    SetUpTls();
  }

  void SetUpTls() {
    std::string cert_pem;
    std::string key_pem;
    if (!options.tls_cert_file.empty()) {
      cert_pem = ReadFile(options.tls_cert_file);
      key_pem = ReadFile(options.tls_key_file);
      ca_pem = cert_pem;  // clients trust the given certificate (or its chain) directly
    } else {
      const auto ca =
          kube::CertificateAuthority::Generate("kube-emulator-ca", std::chrono::hours(24 * 365));
      const kube::KeyPair serving =
          ca.IssueServing({"localhost", "127.0.0.1", "::1", "kubernetes.default.svc"},
                          std::chrono::hours(24 * 365));
      cert_pem = serving.cert_pem;
      key_pem = serving.key_pem;
      ca_pem = ca.cert_pem();
    }
    std::unique_ptr<BIO, BioDeleter> cert_bio(
        BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
    std::unique_ptr<BIO, BioDeleter> key_bio(
        BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    std::unique_ptr<X509, X509Deleter> cert(
        PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!cert || !key) {
      throw Error(ErrorCode::kInvalidArgument, "the TLS certificate or key is not valid PEM");
    }
    http = std::make_unique<httplib::SSLServer>(cert.get(), key.get());
    if (!http->is_valid()) {
      throw Error(ErrorCode::kInternal, "cannot set up the TLS server context");
    }
  }

  std::optional<UserInfo> Authenticate(const std::string& token) const {
    for (const TokenUser& t : options.tokens) {
      if (t.token == token) {
        return UserInfo{t.user, t.groups};
      }
    }
    return std::nullopt;
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    (void)TakeResponseWarnings();  // nothing left over from the thread's previous request
    try {
      Route(req, res);
    } catch (const ApiStatus& e) {
      // Boundary of every request: failures become Status objects.
      WriteJson(res, e.code(), e.ToJson());
    } catch (const StoreError& e) {
      WriteJson(res, 409, Conflict("", "", "", e.what()).ToJson());
    } catch (const json::exception& e) {
      WriteJson(res, 400, BadRequest(e.what()).ToJson());
    } catch (const Error& e) {
      const int code = e.code() == ErrorCode::kInvalidArgument ? 400 : 500;
      WriteJson(res, code,
                code == 400 ? BadRequest(e.what()).ToJson() : Internal(e.what()).ToJson());
    } catch (const std::exception& e) {
      log.Error(e, "Request failed", {{"method", req.method}, {"path", req.path}});
      WriteJson(res, 500, Internal(e.what()).ToJson());
    }
    for (const std::string& warning : TakeResponseWarnings()) {
      res.set_header("Warning", WarningHeaderValue(warning));
    }
    if (log.DebugEnabled()) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      log.Debug("Request", {{"method", req.method},
                            {"path", req.path},
                            {"code", res.status},
                            {"ms", static_cast<long long>(ms)}});
    }
  }

  UserInfo Authorize(const httplib::Request& req) const {
    const std::string header = req.get_header_value("Authorization");
    static constexpr std::string_view kBearer = "Bearer ";
    if (header.rfind(kBearer, 0) == 0) {
      if (auto user = Authenticate(header.substr(kBearer.size()))) {
        return *user;
      }
    }
    throw Unauthorized();
  }

  void Route(const httplib::Request& req, httplib::Response& res) {
    const std::string& path = req.path;
    if (path == "/healthz" || path == "/readyz" || path == "/livez") {
      res.set_content("ok", "text/plain");
      return;
    }
    const UserInfo user = Authorize(req);
    if (req.body.size() > options.max_body_bytes) {
      throw TooLarge(fmt::format("the request body is {} bytes; the limit is {}", req.body.size(),
                                 options.max_body_bytes));
    }
    if (ServeDiscovery(req, res)) {
      return;
    }
    const std::optional<ResourcePath> p = ParseResourcePath(path);
    if (!p) {
      throw ApiStatus(404, "NotFound", "the server could not find the requested resource");
    }
    ServeResource(req, res, *p, user);
  }

  bool ServeDiscovery(const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET") {
      return false;
    }
    const std::string& path = req.path;
    std::optional<json> doc;
    if (path == "/version" || path == "/version/") {
      doc = VersionInfo();
    } else if (path == "/api" || path == "/api/") {
      doc = CoreApiVersions(fmt::format("127.0.0.1:{}", port));
    } else if (path == "/api/v1" || path == "/api/v1/") {
      doc = ApiResourceList(api.registry(), "", "v1");
    } else if (path == "/apis" || path == "/apis/") {
      doc = ApiGroupList(api.registry());
    } else if (path == "/openapi/v2") {
      if (req.get_header_value("Accept").find("json") == std::string::npos) {
        throw ApiStatus(406, "NotAcceptable",
                        "only the following media types are accepted: application/json");
      }
      doc = OpenApiV2(api.registry());
    } else if (path == "/openapi/v3" || path == "/openapi/v3/") {
      doc = OpenApiV3Index(api.registry());
    } else if (path.rfind("/openapi/v3/", 0) == 0) {
      const std::optional<ResourcePath> p = ParseResourcePath(path.substr(11) + "/x");
      if (p) {
        doc = OpenApiV3GroupVersion(api.registry(), p->group, p->version);
      }
      if (!doc) {
        throw ApiStatus(404, "NotFound", "the server could not find the requested resource");
      }
    } else if (path.rfind("/apis/", 0) == 0) {
      const std::string rest = path.substr(6);
      const size_t slash = rest.find('/');
      if (slash == std::string::npos || slash + 1 == rest.size()) {
        doc = ApiGroup(api.registry(), rest.substr(0, slash));
      } else if (rest.find('/', slash + 1) == std::string::npos) {
        doc = ApiResourceList(api.registry(), rest.substr(0, slash), rest.substr(slash + 1));
      } else {
        return false;
      }
      if (!doc) {
        throw ApiStatus(404, "NotFound", "the server could not find the requested resource");
      }
    } else {
      return false;
    }
    WriteJson(res, 200, *doc);
    return true;
  }

  void ServeResource(const httplib::Request& http_req, httplib::Response& res,
                     const ResourcePath& p, const UserInfo& user) {
    ApiRequest req;
    req.ns = p.ns;
    req.name = p.name;
    req.subresource = p.subresource;
    req.body = http_req.body;
    req.content_type = http_req.get_header_value("Content-Type");
    req.user = user;
    req.user_agent = http_req.get_header_value("User-Agent");
    for (const auto& [k, v] : http_req.params) {
      req.query[k] = v;
    }
    req.type = api.registry().Find(p.group, p.version, p.resource);
    if (!req.type) {
      throw ApiStatus(404, "NotFound", "the server could not find the requested resource");
    }
    const std::string watch = req.Param("watch");
    req.verb = VerbFor(http_req.method, p, watch == "true" || watch == "1");
    if (req.verb.empty() || (req.type->create_only && req.verb != "create")) {
      throw MethodNotAllowed(
          fmt::format("the server does not allow this method on the requested "
                      "resource"));
    }
    if (!p.subresource.empty() && !((p.subresource == "status" && req.type->status_subresource) ||
                                    (p.subresource == "scale" && req.type->scale_subresource))) {
      throw ApiStatus(404, "NotFound", "the server could not find the requested resource");
    }
    if (IsProtobufContentType(req.content_type)) {
      // kubectl's generators send built-in kinds as protobuf; the rest of the path is JSON.
      if (req.verb != "create" && req.verb != "update") {
        throw UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json, application/yaml");
      }
      req.body = DecodeProtobufObject(req.body).dump();
      req.content_type = "application/json";
    }
    // `kubectl get` asks for server-side printing.
    std::optional<TableOptions> table;
    if (const auto version = RequestedTableVersion(http_req.get_header_value("Accept"));
        version && p.subresource.empty() &&
        (req.verb == "get" || req.verb == "list" || req.verb == "watch")) {
      table = TableOptionsFor(*version, req.Param("includeObject"));
    }
    if (req.verb == "watch") {
      StartWatch(std::move(req), res, table);
      return;
    }
    json out;
    int code = 200;
    if (req.verb == "get") {
      out = api.Get(req);
    } else if (req.verb == "list") {
      out = api.List(req);
    } else if (req.verb == "create") {
      out = api.Create(req);
      code = 201;
    } else if (req.verb == "update") {
      out = api.Update(req);
    } else if (req.verb == "patch") {
      out = api.Patch(req);
    } else if (req.verb == "delete") {
      out = api.Delete(req);
    } else {
      out = api.DeleteCollection(req);
    }
    if (table) {
      out = ToTable(*req.type, out, *table);
    }
    WriteJson(res, code, out);
  }

  void StartWatch(ApiRequest req, httplib::Response& res, std::optional<TableOptions> table) {
    if (!req.name.empty()) {
      req.query["fieldSelector"] = fmt::format("metadata.name={}", req.name);
    }
    api.ValidateWatch(req);
    auto shared = std::make_shared<ApiRequest>(std::move(req));
    // The media type parameter keeps cpp-httplib from gzipping the stream (its compressor
    // buffers, so events would arrive late); client-go reads it as JSON.
    res.set_chunked_content_provider(
        "application/json;stream=watch",
        [this, shared, table](size_t /*offset*/, httplib::DataSink& sink) {
          try {
            api.Watch(
                *shared,
                [&sink, &table, &shared](const json& event) {
                  if (event.is_null()) {
                    return sink.is_writable();
                  }
                  const std::string type = event.value("type", "");
                  json out = event;
                  if (table && type != "BOOKMARK" && type != "ERROR") {
                    // Each event carries a one-row Table, as kube-apiserver sends them.
                    TableOptions at_event = *table;
                    at_event.now = std::chrono::system_clock::now();
                    out["object"] = ToTable(*shared->type, event["object"], at_event);
                  }
                  const std::string line =
                      out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
                  return sink.write(line.data(), line.size());
                },
                stop.get_token());
          } catch (const ApiStatus& e) {
            const std::string line = json{{"type", "ERROR"}, {"object", e.ToJson()}}.dump() + "\n";
            sink.write(line.data(), line.size());
          } catch (const std::exception& e) {
            // Boundary of a watch stream: end it; the client reconnects.
            log.Error(e, "Watch failed");
          }
          sink.done();
          return true;
        });
  }

  ServerOptions options;
  Logger log;
  ApiServer api;
  std::string ca_pem;
  std::unique_ptr<httplib::SSLServer> http;
  int port = 0;
  std::string host;
  std::stop_source stop;
  std::thread listener;
  std::jthread gc;
  std::mutex wait_mu;  // Guards stopped together with wait_cv.
  std::condition_variable wait_cv;
  bool stopped = false;
};

Server::Server(ServerOptions options, Logger log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(log))) {
  if (!impl_->options.data_dir.empty()) {
    LoadSnapshotIfPresent(impl_->api, impl_->options.data_dir);
  }
}

Server::~Server() { Stop(); }

void Server::Load(const std::filesystem::path& path) { LoadObjects(impl_->api, path); }

void Server::Start() {
  Impl& d = *impl_;
  const std::string& listen = d.options.listen;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--listen {}: want host:port, e.g. 127.0.0.1:0", listen));
  }
  d.host = listen.substr(0, colon);
  const int requested = std::stoi(listen.substr(colon + 1));
  const int threads = d.options.threads;
  d.http->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  // cpp-httplib answers bodies above its own limit with a bare 413; ours (with a Status)
  // covers everything up to this generous bound.
  d.http->set_payload_max_length(std::max<size_t>(d.options.max_body_bytes * 16, 64 << 20));
  d.http->set_keep_alive_max_count(1000);
  d.http->set_tcp_nodelay(true);  // small responses must not wait for Nagle + delayed ACKs
  d.http->set_read_timeout(std::chrono::seconds(60));
  d.http->set_write_timeout(std::chrono::seconds(60));
  d.http->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    // cpp-httplib 0.11 does not read a GET body, so its bytes would be parsed as the next
    // request on the connection. Refuse the request and close the connection instead.
    if (req.method == "GET" && !req.get_header_value("Content-Length").empty() &&
        req.get_header_value("Content-Length") != "0") {
      res.set_header("Connection", "close");
      WriteJson(res, 400, BadRequest("a GET request must not carry a body").ToJson());
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  const auto handler = [&d](const httplib::Request& req, httplib::Response& res) {
    d.Handle(req, res);
  };
  d.http->Get(".*", handler);
  d.http->Post(".*", handler);
  d.http->Put(".*", handler);
  d.http->Patch(".*", handler);
  d.http->Delete(".*", handler);
  d.http->set_exception_handler(
      [&d](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        // Last-resort boundary (cpp-httplib's own hook).
        d.log.Error("Unhandled request failure",
                    {{"path", req.path}, {"error", DescribeException(ep)}});
        WriteJson(res, 500, Internal(DescribeException(ep)).ToJson());
      });
  if (requested == 0) {
    d.port = d.http->bind_to_any_port(d.host);
  } else {
    d.port = d.http->bind_to_port(d.host, requested) ? requested : -1;
  }
  if (d.port <= 0) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--listen {}: cannot bind (address in use?)", listen));
  }
  d.listener = std::thread([&d] { d.http->listen_after_bind(); });
  d.gc = std::jthread([&d](std::stop_token stop) { d.api.RunGarbageCollector(stop); });
  // cpp-httplib 0.11 has no wait_until_ready(); the socket is bound already, so connections
  // queue in the backlog until listen_after_bind() accepts them.
  d.log.Info("Serving", {{"url", url()}});
}

void Server::Stop() {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.wait_mu);
    if (d.stopped) {
      return;
    }
    d.stopped = true;
  }
  d.stop.request_stop();
  if (d.http) {
    d.http->stop();
  }
  if (d.listener.joinable()) {
    d.listener.join();
  }
  if (d.gc.joinable()) {
    d.gc.request_stop();
    d.gc.join();
  }
  if (!d.options.data_dir.empty()) {
    SaveSnapshot();
  }
  d.wait_cv.notify_all();
}

void Server::Wait() {
  std::unique_lock lock(impl_->wait_mu);
  impl_->wait_cv.wait(lock, [this] { return impl_->stopped; });
}

int Server::port() const { return impl_->port; }
std::string Server::url() const {
  return fmt::format("https://{}:{}", impl_->host == "0.0.0.0" ? "127.0.0.1" : impl_->host,
                     impl_->port);
}
std::string Server::ca_pem() const { return impl_->ca_pem; }
std::string Server::admin_token() const { return impl_->options.tokens.front().token; }

std::string Server::Kubeconfig() const {
  return RenderKubeconfig(url(), ca_pem(), impl_->options.tokens.front());
}

void Server::WriteKubeconfig(const std::filesystem::path& path) const {
  WriteFileAtomically(path, Kubeconfig(), 0600);
}

void Server::SaveSnapshot() const { SaveSnapshotTo(impl_->api, impl_->options.data_dir); }

}  // namespace gpuext::emulator
