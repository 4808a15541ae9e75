// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// AgentConfiguration: decoding, encoding, validation.

#include "gpuext/gpuruntime/api/agent_config.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "decoder.h"
#include "enums.h"
#include "gpuext/base64.h"
#include "gpuext/duration.h"
#include "gpuext/error.h"
#include "gpuext/yaml_json.h"
#include "schema.h"

namespace gpuext::gpuruntime::api {
namespace {

using internal::Decoder;
using internal::EnumReader;
using internal::IndexPath;
using internal::JoinPath;
using internal::ReadInto;
using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr internal::EnumName<AgentMode> kAgentModes[] = {
    {AgentMode::kInstall, "install"}, {AgentMode::kUninstall, "uninstall"}};
inline constexpr internal::EnumName<CacheSourceType> kSourceTypes[] = {
    {CacheSourceType::kServer, "server"},
    {CacheSourceType::kS3, "s3"},
    {CacheSourceType::kFilesystem, "filesystem"}};

// Opens a nested object: true when present and an object, with its keys checked.
bool Open(Decoder& d, const json& parent, std::string_view key, const std::string& rel,
          std::initializer_list<std::string_view> keys) {
  const auto it = parent.find(key);
  if (it == parent.end() || it->is_null() || !d.ExpectObject(*it, rel)) {
    return false;
  }
  d.CheckKeys(*it, rel, keys);
  return true;
}

std::optional<AgentCacheSource> ReadSource(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel,
              {"type", "url", "caBundle", "tokenAudience", "bucket", "prefix", "region", "endpoint",
               "forcePathStyle", "credentialsSecret", "path"});
  AgentCacheSource s;
  ReadInto(d, v, rel, "type", s.type, EnumReader(kSourceTypes));
  ReadInto(d, v, rel, "url", s.url, &Decoder::AsString);
  ReadInto(d, v, rel, "caBundle", s.ca_bundle, &Decoder::AsString);
  ReadInto(d, v, rel, "tokenAudience", s.token_audience, &Decoder::AsString);
  ReadInto(d, v, rel, "bucket", s.bucket, &Decoder::AsString);
  ReadInto(d, v, rel, "prefix", s.prefix, &Decoder::AsString);
  ReadInto(d, v, rel, "region", s.region, &Decoder::AsString);
  ReadInto(d, v, rel, "endpoint", s.endpoint, &Decoder::AsString);
  ReadInto(d, v, rel, "forcePathStyle", s.force_path_style, &Decoder::AsBool);
  ReadInto(d, v, rel, "credentialsSecret", s.credentials_secret, &Decoder::AsString);
  ReadInto(d, v, rel, "path", s.path, &Decoder::AsString);
  return s;
}

std::optional<AgentTrustedKey> ReadTrustedKey(Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  d.CheckKeys(v, rel, {"keyId", "publicKey"});
  AgentTrustedKey k;
  ReadInto(d, v, rel, "keyId", k.key_id, &Decoder::AsString);
  ReadInto(d, v, rel, "publicKey", k.public_key, &Decoder::AsString);
  return k;
}

std::optional<std::map<std::string, std::vector<std::string>>> ReadParameters(
    Decoder& d, const json& v, const std::string& rel) {
  if (!d.ExpectObject(v, rel)) {
    return std::nullopt;
  }
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [module, list] : v.items()) {
    if (auto params = d.AsStringList(list, JoinPath(rel, module))) {
      out.emplace(module, std::move(*params));
    }
  }
  return out;
}

void ReadDriver(Decoder& d, const json& doc, AgentDriver& driver) {
  if (!Open(d, doc, "driver", "driver", {"version", "moduleType", "modules", "parameters"})) {
    return;
  }
  const json& v = doc["driver"];
  ReadInto(d, v, "driver", "version", driver.version, &Decoder::AsString);
  ReadInto(d, v, "driver", "moduleType", driver.module_type,
           EnumReader(internal::kModuleTypePrefs));
  ReadInto(d, v, "driver", "modules", driver.modules, &Decoder::AsStringList);
  ReadInto(d, v, "driver", "parameters", driver.parameters, ReadParameters);
}

void ReadRest(Decoder& d, const json& doc, AgentConfiguration& c) {
  if (Open(d, doc, "cache", "cache", {"sources", "trustedKeys"})) {
    const json& v = doc["cache"];
    ReadInto(d, v, "cache", "sources", c.cache.sources,
             [](Decoder& dd, const json& value, const std::string& r) {
               return dd.AsList<AgentCacheSource>(value, r, ReadSource);
             });
    ReadInto(d, v, "cache", "trustedKeys", c.cache.trusted_keys,
             [](Decoder& dd, const json& value, const std::string& r) {
               return dd.AsList<AgentTrustedKey>(value, r, ReadTrustedKey);
             });
  }
  if (Open(d, doc, "upgrade", "upgrade", {"maxParallel", "drainTimeout", "force"})) {
    const json& v = doc["upgrade"];
    ReadInto(d, v, "upgrade", "maxParallel", c.upgrade.max_parallel, &Decoder::AsInt);
    ReadInto(d, v, "upgrade", "drainTimeout", c.upgrade.drain_timeout, &Decoder::AsDuration);
    ReadInto(d, v, "upgrade", "force", c.upgrade.force, &Decoder::AsBool);
  }
  if (Open(d, doc, "paths", "paths", {"hostRoot", "driverRoot", "stateDir"})) {
    const json& v = doc["paths"];
    ReadInto(d, v, "paths", "hostRoot", c.paths.host_root, &Decoder::AsString);
    ReadInto(d, v, "paths", "driverRoot", c.paths.driver_root, &Decoder::AsString);
    ReadInto(d, v, "paths", "stateDir", c.paths.state_dir, &Decoder::AsString);
  }
}

json Encode(const AgentCacheSource& s) {
  json out = {{"type", std::string(ToString(s.type))}};
  const auto put = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) {
      out[std::string(key)] = value;
    }
  };
  put("url", s.url);
  put("caBundle", s.ca_bundle);
  put("tokenAudience", s.token_audience);
  put("bucket", s.bucket);
  put("prefix", s.prefix);
  put("region", s.region);
  put("endpoint", s.endpoint);
  if (s.force_path_style) {
    out["forcePathStyle"] = true;
  }
  put("credentialsSecret", s.credentials_secret);
  put("path", s.path);
  return out;
}

bool IsPublicKey(const std::string& text) {
  try {
    return Base64Decode(text).size() == 32;
  } catch (const gpuext::Error&) {
    return false;
  }
}

void ValidateSource(const AgentCacheSource& s, const std::string& p, FieldErrorList& errors) {
  const auto required = [&](const std::string& value, std::string_view key, std::string_view what) {
    if (value.empty()) {
      errors.push_back(FieldError::Required(
          JoinPath(p, key), fmt::format("a {} source needs {}", ToString(s.type), what)));
    }
  };
  switch (s.type) {
    case CacheSourceType::kServer:
      required(s.url, "url", "the cache server URL");
      if (!s.url.empty() && !s.url.starts_with("https://")) {
        errors.push_back(FieldError::Invalid(JoinPath(p, "url"), s.url, "must be an https:// URL"));
      }
      required(s.token_audience, "tokenAudience", "the token audience the server accepts");
      break;
    case CacheSourceType::kS3:
      required(s.bucket, "bucket", "a bucket");
      required(s.region, "region", "a region");
      required(s.credentials_secret, "credentialsSecret", "a credentials Secret");
      if (!s.endpoint.empty() && !s.endpoint.starts_with("https://") &&
          !s.endpoint.starts_with("http://")) {
        errors.push_back(FieldError::Invalid(JoinPath(p, "endpoint"), s.endpoint,
                                             "must be empty or an http(s):// URL"));
      }
      break;
    case CacheSourceType::kFilesystem:
      if (!s.path.starts_with("/")) {
        errors.push_back(FieldError::Invalid(JoinPath(p, "path"), s.path,
                                             "must be the absolute path of the mounted export"));
      }
      break;
  }
}

void ValidateDriver(const AgentConfiguration& c, const std::string& root, FieldErrorList& errors) {
  static const re2::RE2 kModule("[a-z0-9_-]+");
  static const re2::RE2 kParameter("[A-Za-z0-9_]+=\\S*");
  const std::string p = JoinPath(root, "driver");
  const std::optional<DriverVersion> version = DriverVersion::Parse(c.driver.version);
  if (c.mode == AgentMode::kInstall && (!version || version->IsBranchOnly())) {
    errors.push_back(FieldError::Invalid(JoinPath(p, "version"), c.driver.version,
                                         "must be a full driver version, e.g. 580.95.05"));
  }
  if (c.mode == AgentMode::kInstall && c.driver.modules.empty()) {
    errors.push_back(FieldError::Required(JoinPath(p, "modules"), "e.g. [nvidia, nvidia-uvm]"));
  }
  for (size_t i = 0; i < c.driver.modules.size(); ++i) {
    if (!re2::RE2::FullMatch(c.driver.modules[i], kModule)) {
      errors.push_back(FieldError::Invalid(IndexPath(JoinPath(p, "modules"), i),
                                           c.driver.modules[i], "must be a kernel module name"));
    }
  }
  for (const auto& [module, params] : c.driver.parameters) {
    const std::string mp = JoinPath(JoinPath(p, "parameters"), module);
    if (std::find(c.driver.modules.begin(), c.driver.modules.end(), module) ==
        c.driver.modules.end()) {
      errors.push_back(FieldError::Invalid(mp, module, "parameters for a module not in modules"));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (!re2::RE2::FullMatch(params[i], kParameter)) {
        errors.push_back(
            FieldError::Invalid(IndexPath(mp, i), params[i], "must be key=value without spaces"));
      }
    }
  }
}

}  // namespace

std::string_view ToString(AgentMode mode) { return internal::EnumToString(kAgentModes, mode); }
std::string_view ToString(CacheSourceType type) {
  return internal::EnumToString(kSourceTypes, type);
}

Decoded<AgentConfiguration> DecodeAgentConfiguration(const json& document, std::string_view path) {
  Decoded<AgentConfiguration> out;
  Decoder d(path, internal::AgentConfigurationPaths(), out.errors);
  if (!d.ExpectObject(document, "")) {
    return out;
  }
  d.CheckTypeMeta(document, kAgentApiVersion, kAgentConfigurationKind);
  d.CheckKeys(document, "",
              {"apiVersion", "kind", "pool", "vendor", "mode", "driver", "persistenced",
               "fabricManager", "deviceLabels", "cache", "upgrade", "paths"});
  AgentConfiguration& c = out.value;
  ReadInto(d, document, "", "pool", c.pool, &Decoder::AsString);
  ReadInto(d, document, "", "vendor", c.vendor, &Decoder::AsString);
  ReadInto(d, document, "", "mode", c.mode, EnumReader(kAgentModes));
  ReadDriver(d, document, c.driver);
  ReadInto(d, document, "", "persistenced", c.persistenced, &Decoder::AsBool);
  ReadInto(d, document, "", "fabricManager", c.fabric_manager,
           EnumReader(internal::kFabricManagerModes));
  ReadInto(d, document, "", "deviceLabels", c.device_labels, &Decoder::AsStringMap);
  ReadRest(d, document, c);
  return out;
}

json ToJson(const AgentConfiguration& c) {
  json sources = json::array();
  for (const AgentCacheSource& s : c.cache.sources) {
    sources.push_back(Encode(s));
  }
  json keys = json::array();
  for (const AgentTrustedKey& k : c.cache.trusted_keys) {
    keys.push_back({{"keyId", k.key_id}, {"publicKey", k.public_key}});
  }
  return {{"apiVersion", kAgentApiVersion},
          {"kind", kAgentConfigurationKind},
          {"pool", c.pool},
          {"vendor", c.vendor},
          {"mode", std::string(ToString(c.mode))},
          {"driver",
           {{"version", c.driver.version},
            {"moduleType", std::string(gpuruntime::ToString(c.driver.module_type))},
            {"modules", c.driver.modules},
            {"parameters", c.driver.parameters}}},
          {"persistenced", c.persistenced},
          {"fabricManager", std::string(ToString(c.fabric_manager))},
          {"deviceLabels", c.device_labels},
          {"cache", {{"sources", sources}, {"trustedKeys", keys}}},
          {"upgrade",
           {{"maxParallel", c.upgrade.max_parallel},
            {"drainTimeout", FormatDuration(c.upgrade.drain_timeout)},
            {"force", c.upgrade.force}}},
          {"paths",
           {{"hostRoot", c.paths.host_root},
            {"driverRoot", c.paths.driver_root},
            {"stateDir", c.paths.state_dir}}}};
}

FieldErrorList Validate(const AgentConfiguration& c, std::string_view path) {
  FieldErrorList errors;
  const std::string root(path);
  if (c.pool.empty()) {
    errors.push_back(FieldError::Required(JoinPath(root, "pool"), "the worker pool name"));
  }
  if (c.vendor != "nvidia") {
    errors.push_back(FieldError::NotSupported(JoinPath(root, "vendor"), c.vendor, {"nvidia"}));
  }
  ValidateDriver(c, root, errors);
  const std::string cp = JoinPath(root, "cache");
  if (c.mode == AgentMode::kInstall && c.cache.sources.empty()) {
    errors.push_back(FieldError::Required(JoinPath(cp, "sources"), "at least one cache source"));
  }
  for (size_t i = 0; i < c.cache.sources.size(); ++i) {
    ValidateSource(c.cache.sources[i], IndexPath(JoinPath(cp, "sources"), i), errors);
  }
  static const re2::RE2 kKeyId("sha256:[0-9a-f]{64}");
  for (size_t i = 0; i < c.cache.trusted_keys.size(); ++i) {
    const AgentTrustedKey& k = c.cache.trusted_keys[i];
    const std::string kp = IndexPath(JoinPath(cp, "trustedKeys"), i);
    if (!re2::RE2::FullMatch(k.key_id, kKeyId)) {
      errors.push_back(FieldError::Invalid(JoinPath(kp, "keyId"), k.key_id,
                                           "must be sha256:<64 lower-case hex digits>"));
    }
    if (!IsPublicKey(k.public_key)) {
      errors.push_back(FieldError::Invalid(JoinPath(kp, "publicKey"), k.public_key,
                                           "must be the base64 of a 32-byte ed25519 public key"));
    }
  }
  if (c.upgrade.max_parallel < 1) {
    errors.push_back(FieldError::Invalid(JoinPath(root, "upgrade.maxParallel"),
                                         std::to_string(c.upgrade.max_parallel), "must be >= 1"));
  }
  if (c.upgrade.drain_timeout < 1min || c.upgrade.drain_timeout > 2h) {
    errors.push_back(FieldError::Invalid(JoinPath(root, "upgrade.drainTimeout"),
                                         FormatDuration(c.upgrade.drain_timeout),
                                         "must be between 1m and 2h"));
  }
  const std::pair<std::string_view, const std::string*> paths[] = {
      {"paths.hostRoot", &c.paths.host_root},
      {"paths.driverRoot", &c.paths.driver_root},
      {"paths.stateDir", &c.paths.state_dir}};
  for (const auto& [key, value] : paths) {
    if (!value->starts_with("/")) {
      errors.push_back(FieldError::Invalid(JoinPath(root, key), *value, "must be absolute"));
    }
  }
  return errors;
}

AgentConfiguration LoadAgentConfiguration(std::string_view yaml_text) {
  Decoded<AgentConfiguration> decoded = DecodeAgentConfiguration(ParseYaml(yaml_text));
  FieldErrorList errors = std::move(decoded.errors);
  for (FieldError& e : Validate(decoded.value)) {
    errors.push_back(std::move(e));
  }
  if (!errors.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("invalid AgentConfiguration: {}", ToAggregateMessage(errors)));
  }
  return std::move(decoded.value);
}

}  // namespace gpuext::gpuruntime::api
