// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/manifest.h"

#include <limits>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::artifact {

namespace {

using nlohmann::json;

[[noreturn]] void Invalid(std::string_view field, std::string_view message) {
  throw Error(ErrorCode::kInvalidArgument, fmt::format("manifest: {}: {}", field, message));
}

// Floats have no canonical text form, so a signed document must not contain one anywhere.
void RejectFloats(const json& value, const std::string& where) {
  if (value.is_number_float()) {
    Invalid(where, "floating-point numbers are not allowed");
  }
  if (value.is_object()) {
    for (const auto& [name, item] : value.items()) {
      RejectFloats(item, where + "." + name);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      RejectFloats(value[i], fmt::format("{}[{}]", where, i));
    }
  }
}

// Reads the fields of one JSON object and rejects any field it was not asked for.
class StrictObject {
 public:
  StrictObject(const json& value, std::string where) : value_(value), where_(std::move(where)) {
    if (!value_.is_object()) {
      Invalid(where_, "must be an object");
    }
  }

  [[nodiscard]] const json* Find(const char* name) {
    seen_.insert(name);
    const auto it = value_.find(name);
    return it == value_.end() ? nullptr : &*it;
  }

  [[nodiscard]] const json& Required(const char* name) {
    const json* v = Find(name);
    if (v == nullptr) {
      Invalid(Field(name), "is required");
    }
    return *v;
  }

  [[nodiscard]] std::string String(const char* name, bool required) {
    const json* v = required ? &Required(name) : Find(name);
    if (v == nullptr) {
      return {};
    }
    if (!v->is_string()) {
      Invalid(Field(name), "must be a string");
    }
    return v->get<std::string>();
  }

  [[nodiscard]] std::int64_t Integer(const char* name, std::int64_t max) {
    const json& v = Required(name);
    if (!v.is_number_integer()) {
      Invalid(Field(name), "must be an integer");
    }
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        Invalid(Field(name), fmt::format("must be at most {}", max));
      }
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    const auto n = v.get<std::int64_t>();
    if (n < 0 || n > max) {
      Invalid(Field(name), fmt::format("must be between 0 and {}", max));
    }
    return n;
  }

  [[nodiscard]] bool Bool(const char* name) {
    const json* v = Find(name);
    if (v == nullptr) {
      return false;
    }
    if (!v->is_boolean()) {
      Invalid(Field(name), "must be a boolean");
    }
    return v->get<bool>();
  }

  [[nodiscard]] std::string Field(std::string_view name) const {
    return where_.empty() ? std::string(name) : fmt::format("{}.{}", where_, name);
  }

  // Call after reading every known field.
  void RejectUnknown() const {
    for (const auto& [name, item] : value_.items()) {
      if (!seen_.contains(name)) {
        Invalid(Field(name), "unknown field");
      }
    }
  }

 private:
  const json& value_;
  std::string where_;
  std::set<std::string, std::less<>> seen_;
};

BuilderInfo DecodeBuilder(const json& value) {
  StrictObject o(value, "builder");
  BuilderInfo b;
  b.image = o.String("image", false);
  b.recipe = o.String("recipe", false);
  b.source_sha256 = o.String("sourceSha256", false);
  b.signed_modules = o.Bool("signedModules");
  b.job_name = o.String("jobName", false);
  b.cluster = o.String("cluster", false);
  o.RejectUnknown();
  return b;
}

BlobRef DecodeBlob(const json& value, const std::string& where) {
  StrictObject o(value, where);
  BlobRef b;
  b.digest = o.String("digest", true);
  if (!IsSha256Digest(b.digest)) {
    Invalid(o.Field("digest"), "must be sha256:<64 lower-case hex>");
  }
  b.size = o.Integer("size", std::numeric_limits<std::int64_t>::max());
  b.media_type = o.String("mediaType", true);
  o.RejectUnknown();
  return b;
}

FileEntry DecodeFile(const json& value, const std::string& where) {
  StrictObject o(value, where);
  FileEntry f;
  f.path = o.String("path", true);
  if (!IsSafeRelativePath(f.path)) {
    Invalid(o.Field("path"), fmt::format("\"{}\" is not a safe relative path", f.path));
  }
  f.size = o.Integer("size", std::numeric_limits<std::int64_t>::max());
  f.sha256 = o.String("sha256", true);
  if (!IsSha256Hex(f.sha256)) {
    Invalid(o.Field("sha256"), "must be 64 lower-case hex characters");
  }
  f.mode = static_cast<std::uint32_t>(o.Integer("mode", 0777));
  f.link_target = o.String("linkTarget", false);
  o.RejectUnknown();
  return f;
}

ManifestSignature DecodeSignature(const json& value) {
  StrictObject o(value, "signature");
  ManifestSignature s;
  s.algorithm = o.String("algorithm", true);
  s.key_id = o.String("keyId", true);
  s.value = o.String("value", true);
  o.RejectUnknown();
  return s;
}

json ManifestToJsonWithoutSignature(const ArtifactManifest& m) {
  json blobs = json::array();
  for (const auto& b : m.blobs) {
    blobs.push_back({{"digest", b.digest}, {"size", b.size}, {"mediaType", b.media_type}});
  }
  json files = json::array();
  for (const auto& f : m.files) {
    json entry = {{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}, {"mode", f.mode}};
    if (!f.link_target.empty()) {
      entry["linkTarget"] = f.link_target;
    }
    files.push_back(std::move(entry));
  }
  json out = {
      {"apiVersion", kManifestApiVersion},
      {"kind", kManifestKind},
      {"key", KeyToJson(m.key)},
      {"created", m.created},
      {"builder",
       {{"image", m.builder.image},
        {"recipe", m.builder.recipe},
        {"sourceSha256", m.builder.source_sha256},
        {"signedModules", m.builder.signed_modules},
        {"jobName", m.builder.job_name},
        {"cluster", m.builder.cluster}}},
      {"blobs", std::move(blobs)},
      {"files", std::move(files)},
  };
  if (!m.vermagic.empty()) {
    out["vermagic"] = m.vermagic;
  }
  return out;
}

bool IsLowerHex(std::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsSha256Hex(std::string_view hex) { return hex.size() == 64 && IsLowerHex(hex); }

bool IsSha256Digest(std::string_view digest) {
  return digest.starts_with("sha256:") && IsSha256Hex(digest.substr(7));
}

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.size() > 4096 || path.front() == '/' ||
      path.find('\0') != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    const auto segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return false;
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return true;
}

ArtifactManifest ManifestFromJson(const json& value) {
  RejectFloats(value, "manifest");
  StrictObject o(value, "");
  if (o.String("apiVersion", true) != kManifestApiVersion) {
    Invalid("apiVersion", fmt::format("must be {}", kManifestApiVersion));
  }
  if (o.String("kind", true) != kManifestKind) {
    Invalid("kind", fmt::format("must be {}", kManifestKind));
  }
  ArtifactManifest m;
  try {
    m.key = KeyFromJson(o.Required("key"));
  } catch (const Error&) {
    std::throw_with_nested(Error(ErrorCode::kInvalidArgument, "manifest: key"));
  }
  m.created = o.String("created", true);
  if (!ParseRfc3339(m.created)) {
    Invalid("created", "must be an RFC 3339 time");
  }
  m.builder = DecodeBuilder(o.Required("builder"));
  m.vermagic = o.String("vermagic", false);
  const json& blobs = o.Required("blobs");
  if (!blobs.is_array()) {
    Invalid("blobs", "must be an array");
  }
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    m.blobs.push_back(DecodeBlob(blobs[i], fmt::format("blobs[{}]", i)));
  }
  const json& files = o.Required("files");
  if (!files.is_array()) {
    Invalid("files", "must be an array");
  }
  std::set<std::string, std::less<>> paths;
  for (std::size_t i = 0; i < files.size(); ++i) {
    m.files.push_back(DecodeFile(files[i], fmt::format("files[{}]", i)));
    if (!paths.insert(m.files.back().path).second) {
      Invalid(fmt::format("files[{}].path", i),
              fmt::format("\"{}\" is listed twice", m.files.back().path));
    }
  }
  if (const json* sig = o.Find("signature"); sig != nullptr) {
    m.signature = DecodeSignature(*sig);
  }
  o.RejectUnknown();
  return m;
}

ArtifactManifest DecodeManifest(std::string_view text) {
  json value;
  try {
    value = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("manifest: not JSON: {}", e.what()));
  }
  return ManifestFromJson(value);
}

json ManifestToJson(const ArtifactManifest& m) {
  json out = ManifestToJsonWithoutSignature(m);
  if (m.signature) {
    out["signature"] = {{"algorithm", m.signature->algorithm},
                        {"keyId", m.signature->key_id},
                        {"value", m.signature->value}};
  }
  return out;
}

std::string EncodeManifest(const ArtifactManifest& manifest) {
  return ManifestToJson(manifest).dump();
}

std::string CanonicalManifestJson(const ArtifactManifest& manifest) {
  // nlohmann::json objects are std::map based: dump() writes keys sorted, compactly, as UTF-8
  // (invalid UTF-8 throws rather than being written in some other form).
  return ManifestToJsonWithoutSignature(manifest).dump();
}

}  // namespace gpuext::nodeagent::artifact
