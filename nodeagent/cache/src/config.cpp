// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/config.h"

#include <charconv>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/duration.h"
#include "gpuext/error.h"
#include "gpuext/field_errors.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/quantity.h"
#include "gpuext/yaml_json.h"

namespace gpuext::nodeagent::cache {

namespace {

using nlohmann::json;

constexpr std::string_view kCacheConfigApiVersion = "cache.gpu.extensions.gardener.cloud/v1alpha1";

// Reads typed fields of one object, collecting errors and rejecting unknown fields.
class CacheConfigReader {
 public:
  CacheConfigReader(const json* object, std::string path, FieldErrorList& errors)
      : object_(object), path_(std::move(path)), errors_(errors) {
    if (object_ != nullptr && !object_->is_null() && !object_->is_object()) {
      errors_.push_back(FieldError::TypeInvalid(path_, object_->dump(), "must be an object"));
      object_ = nullptr;
    }
    if (object_ != nullptr && object_->is_null()) {
      object_ = nullptr;
    }
  }

  [[nodiscard]] std::string Field(std::string_view name) const {
    return path_.empty() ? std::string(name) : fmt::format("{}.{}", path_, name);
  }

  const json* Find(const char* name) {
    seen_.insert(name);
    if (object_ == nullptr) {
      return nullptr;
    }
    const auto it = object_->find(name);
    return it == object_->end() || it->is_null() ? nullptr : &*it;
  }

  void String(const char* name, std::string& out) {
    if (const json* v = Find(name)) {
      if (v->is_string()) {
        out = v->get<std::string>();
      } else {
        errors_.push_back(FieldError::TypeInvalid(Field(name), v->dump(), "must be a string"));
      }
    }
  }

  void Path(const char* name, std::filesystem::path& out) {
    std::string s = out.string();
    String(name, s);
    if (s.empty()) {
      errors_.push_back(FieldError::Required(Field(name), "a file path"));
    }
    out = s;
  }

  void Bool(const char* name, bool& out) {
    if (const json* v = Find(name)) {
      if (v->is_boolean()) {
        out = v->get<bool>();
      } else {
        errors_.push_back(FieldError::TypeInvalid(Field(name), v->dump(), "must be true or false"));
      }
    }
  }

  void Int(const char* name, int& out, int min, int max) {
    if (const json* v = Find(name)) {
      if (!v->is_number_integer() || v->get<std::int64_t>() < min || v->get<std::int64_t>() > max) {
        errors_.push_back(FieldError::Invalid(
            Field(name), v->dump(), fmt::format("must be an integer from {} to {}", min, max)));
      } else {
        out = v->get<int>();
      }
    }
  }

  void Duration(const char* name, std::chrono::seconds& out, std::chrono::seconds min) {
    if (const json* v = Find(name)) {
      const auto d = v->is_string() ? ParseDuration(v->get<std::string>()) : std::nullopt;
      if (!d || *d < min) {
        errors_.push_back(FieldError::Invalid(
            Field(name), v->is_string() ? v->get<std::string>() : v->dump(),
            fmt::format("must be a duration such as \"2m\" or \"1h30m\" of at least {}",
                        FormatDuration(min))));
      } else {
        out = std::chrono::duration_cast<std::chrono::seconds>(*d);
      }
    }
  }

  void StringMap(const char* name, std::map<std::string, std::string>& out) {
    if (const json* v = Find(name)) {
      if (!v->is_object()) {
        errors_.push_back(
            FieldError::TypeInvalid(Field(name), v->dump(), "must be a map of strings"));
        return;
      }
      for (const auto& [k, item] : v->items()) {
        if (!item.is_string()) {
          errors_.push_back(
              FieldError::TypeInvalid(Field(name) + "." + k, item.dump(), "must be a string"));
          continue;
        }
        out[k] = item.get<std::string>();
      }
    }
  }

  // Unknown fields are errors, so a typo does not silently become a default.
  void Done(const std::set<std::string>& ignored = {}) {
    if (object_ == nullptr) {
      return;
    }
    for (const auto& [k, v] : object_->items()) {
      if (!seen_.contains(k) && !ignored.contains(k)) {
        errors_.push_back(FieldError::Invalid(Field(k), "", "unknown field"));
      }
    }
  }

 private:
  const json* object_;
  std::string path_;
  FieldErrorList& errors_;
  std::set<std::string> seen_;
};

void CacheConfigBuilds(CacheConfigReader& builds, CacheServerConfig& c, FieldErrorList& errors) {
  builds.Bool("enabled", c.builds_enabled);
  builds.Int("maxConcurrent", c.max_concurrent, 1, 1000);
  builds.Duration("timeout", c.jobs.timeout, std::chrono::minutes(1));
  std::map<std::string, std::string> selector;
  builds.StringMap("nodeSelector", selector);
  if (!selector.empty()) {
    c.jobs.node_selector = selector;
  }
  builds.String("namespace", c.jobs.ns);
  builds.String("agentImage", c.jobs.agent_image);
  builds.String("builderImage", c.jobs.builder_image);
  std::map<std::string, std::string> recipes;
  builds.StringMap("recipes", recipes);
  for (const auto& [k, v] : recipes) {
    if (k != "open" && k != "proprietary" && k != "userspace") {
      errors.push_back(FieldError::NotSupported(builds.Field("recipes") + "." + k, k,
                                                {"open", "proprietary", "userspace"}));
    }
    c.jobs.recipes[k] = v;
  }
  if (const json* sources = builds.Find("sources")) {
    if (!sources->is_array()) {
      errors.push_back(
          FieldError::TypeInvalid(builds.Field("sources"), sources->dump(), "must be a list"));
    } else {
      for (std::size_t i = 0; i < sources->size(); ++i) {
        CacheConfigReader s(&(*sources)[i], fmt::format("{}[{}]", builds.Field("sources"), i),
                            errors);
        BuildSource source;
        s.String("driverVersion", source.driver_version);
        s.String("url", source.url);
        s.String("sha256", source.sha256);
        std::string kind = "open";
        s.String("kind", kind);
        s.Done();
        if (kind == "run") {
          source.kind = BuildSourceKind::kRun;
        } else if (kind != "open") {
          errors.push_back(FieldError::NotSupported(s.Field("kind"), kind, {"open", "run"}));
        }
        if (source.driver_version.empty()) {
          errors.push_back(FieldError::Required(s.Field("driverVersion"),
                                                "a driver version such as 580.95.05, or \"*\""));
        }
        if (source.url.empty()) {
          errors.push_back(FieldError::Required(s.Field("url"), "the download URL"));
        }
        if (!source.sha256.empty() && !artifact::IsSha256Hex(source.sha256)) {
          errors.push_back(FieldError::Invalid(s.Field("sha256"), source.sha256,
                                               "must be 64 lower-case hex characters"));
        }
        c.jobs.sources.push_back(std::move(source));
      }
    }
  }
}

}  // namespace

std::string CacheServerConfig::ListenHost() const {
  const auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? std::string() : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host.empty() ? "0.0.0.0" : host;
}

int CacheServerConfig::ListenPort() const {
  const auto colon = listen.rfind(':');
  const std::string port = colon == std::string::npos ? listen : listen.substr(colon + 1);
  int value = -1;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value < 0 || value > 65535) {
    return -1;
  }
  return value;
}

CacheServerConfig ParseCacheServerConfig(std::string_view yaml, const std::string& source) {
  json doc;
  try {
    doc = ParseYaml(yaml);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("config {}: not valid YAML: {}", source, e.what()));
  }
  CacheServerConfig c;
  FieldErrorList errors;
  if (doc.is_null() || (doc.is_string() && doc.get<std::string>().empty())) {
    return c;  // the chart's "" means defaults
  }
  CacheConfigReader top(&doc, "", errors);
  std::string api_version(kCacheConfigApiVersion);
  std::string kind = "CacheServerConfiguration";
  top.String("apiVersion", api_version);
  top.String("kind", kind);
  if (api_version != kCacheConfigApiVersion) {
    errors.push_back(
        FieldError::NotSupported("apiVersion", api_version, {std::string(kCacheConfigApiVersion)}));
  }
  if (kind != "CacheServerConfiguration") {
    errors.push_back(FieldError::NotSupported("kind", kind, {"CacheServerConfiguration"}));
  }

  CacheConfigReader server(top.Find("server"), "server", errors);
  server.String("listen", c.listen);
  server.String("publicURL", c.public_url);
  server.String("cluster", c.cluster);
  server.Path("dataDir", c.data_dir);
  server.Path("signingKeyFile", c.signing_key_file);
  server.Path("uploadHMACFile", c.upload_hmac_file);
  {
    CacheConfigReader tls(server.Find("tls"), "server.tls", errors);
    tls.Path("certFile", c.tls_cert_file);
    tls.Path("keyFile", c.tls_key_file);
    tls.Done();
  }
  {
    CacheConfigReader auth(server.Find("auth"), "server.auth", errors);
    auth.String("mode", c.auth_mode);
    std::string shared = c.shared_token_file.string();
    auth.String("sharedTokenFile", shared);
    c.shared_token_file = shared;
    auth.Done();
    if (c.auth_mode != "tokenReview" && c.auth_mode != "sharedToken") {
      errors.push_back(FieldError::NotSupported("server.auth.mode", c.auth_mode,
                                                {"tokenReview", "sharedToken"}));
    }
    if (c.auth_mode == "sharedToken" && c.shared_token_file.empty()) {
      errors.push_back(
          FieldError::Required("server.auth.sharedTokenFile", "the file holding the shared token"));
    }
  }
  server.Done();
  if (c.ListenPort() < 0) {
    errors.push_back(
        FieldError::Invalid("server.listen", c.listen, "must be [host]:port, e.g. \":8443\""));
  }
  if (!c.public_url.starts_with("https://") && !c.public_url.starts_with("http://")) {
    errors.push_back(FieldError::Invalid("server.publicURL", c.public_url,
                                         "must be an https:// URL builders can reach"));
  }

  CacheConfigReader storage(top.Find("storage"), "storage", errors);
  storage.String("backend", c.backend);
  std::string quota;
  storage.String("quota", quota);
  if (!quota.empty()) {
    const auto q = Quantity::Parse(quota);
    if (!q || q->bytes() < 0) {
      errors.push_back(
          FieldError::Invalid("storage.quota", quota, "must be a byte quantity such as 50Gi"));
    } else {
      c.quota_bytes = q->bytes();
    }
  }
  storage.Duration("minRetention", c.min_retention, std::chrono::seconds(0));
  storage.Done({"s3"});
  if (c.backend != "filesystem") {
    errors.push_back(FieldError::NotSupported("storage.backend", c.backend, {"filesystem"}));
  }

  CacheConfigReader leases(top.Find("leases"), "leases", errors);
  leases.Duration("ttl", c.lease_ttl, std::chrono::seconds(10));
  leases.Done();

  CacheConfigReader builds(top.Find("builds"), "builds", errors);
  CacheConfigBuilds(builds, c, errors);
  builds.Done();

  CacheConfigReader gc(top.Find("gc"), "gc", errors);
  gc.Duration("interval", c.gc_interval, std::chrono::minutes(1));
  gc.Duration("grace", c.gc_grace, std::chrono::hours(1));
  gc.Done();

  (void)top.Find("prebuild");  // accepted; prebuilds are not acted on yet
  top.Done();
  if (!errors.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("config {}: {}", source, ToAggregateMessage(errors)));
  }
  return c;
}

void ApplyBuildsConfig(CacheServerConfig& config, std::string_view yaml,
                       const std::string& source) {
  json doc;
  try {
    doc = ParseYaml(yaml);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("builds config {}: not valid YAML: {}", source, e.what()));
  }
  if (doc.is_null()) {
    return;
  }
  FieldErrorList errors;
  CacheConfigReader builds(&doc, "", errors);
  CacheConfigBuilds(builds, config, errors);
  builds.Done();
  if (!errors.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("builds config {}: {}", source, ToAggregateMessage(errors)));
  }
}

}  // namespace gpuext::nodeagent::cache
