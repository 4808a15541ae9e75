// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "object_meta.h"

#include <algorithm>
#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <re2/re2.h>

#include "gpuext/kube/selector.h"

namespace gpuext::emulator {
namespace {

// Random bytes from OpenSSL's CSPRNG (uids must not collide across restarts).
void RandomBytes(unsigned char* out, int n) {
  if (RAND_bytes(out, n) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
}

bool IsDnsLabel(const std::string& s) {
  static const RE2 kLabel("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return !s.empty() && s.size() <= 63 && RE2::FullMatch(s, kLabel);
}

bool IsDnsSubdomain(const std::string& s) {
  static const RE2 kSubdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  return !s.empty() && s.size() <= 253 && RE2::FullMatch(s, kSubdomain);
}

// RBAC objects and a few others accept path segment names (anything but "/" and "%", "." and "..").
bool IsPathSegmentName(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find_first_of("/%") == std::string::npos;
}

void ValidateName(const ResourceType& type, const std::string& name, FieldErrorList& errs) {
  if (type.group == "rbac.authorization.k8s.io") {
    if (!IsPathSegmentName(name)) {
      errs.push_back(FieldError::Invalid("metadata.name", name,
                                         "may not contain '/' or '%' and may not be '.' or '..'"));
    }
    return;
  }
  const bool label = type.kind == "Namespace" || type.kind == "Service";
  if (label && !IsDnsLabel(name)) {
    errs.push_back(FieldError::Invalid(
        "metadata.name", name,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
  } else if (!label && !IsDnsSubdomain(name)) {
    errs.push_back(FieldError::Invalid(
        "metadata.name", name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
        "regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
  }
}

void ValidateLabels(const nlohmann::json& meta, FieldErrorList& errs) {
  const auto labels = meta.find("labels");
  if (labels == meta.end() || labels->is_null()) {
    return;
  }
  if (!labels->is_object()) {
    errs.push_back(FieldError::Invalid("metadata.labels", labels->dump(), "must be a map"));
    return;
  }
  for (const auto& [key, value] : labels->items()) {
    if (std::string why = kube::ValidateLabelKey(key); !why.empty()) {
      errs.push_back(FieldError::Invalid("metadata.labels", key, why));
    }
    if (!value.is_string()) {
      errs.push_back(FieldError::Invalid(fmt::format("metadata.labels.{}", key), value.dump(),
                                         "must be a string"));
    } else if (std::string why = kube::ValidateLabelValue(value.get<std::string>()); !why.empty()) {
      errs.push_back(
          FieldError::Invalid(fmt::format("metadata.labels"), value.get<std::string>(), why));
    }
  }
}

void ValidateAnnotations(const nlohmann::json& meta, FieldErrorList& errs) {
  const auto annotations = meta.find("annotations");
  if (annotations == meta.end() || annotations->is_null()) {
    return;
  }
  if (!annotations->is_object()) {
    errs.push_back(
        FieldError::Invalid("metadata.annotations", annotations->dump(), "must be a map"));
    return;
  }
  size_t total = 0;
  for (const auto& [key, value] : annotations->items()) {
    if (std::string why = kube::ValidateLabelKey(key); !why.empty()) {
      errs.push_back(FieldError::Invalid("metadata.annotations", key, why));
    }
    if (!value.is_string()) {
      errs.push_back(FieldError::Invalid(fmt::format("metadata.annotations.{}", key), value.dump(),
                                         "must be a string"));
      continue;
    }
    total += key.size() + value.get_ref<const std::string&>().size();
  }
  if (total > 256 * 1024) {
    errs.push_back(
        {FieldErrorType::kTooLong, "metadata.annotations", {}, "must have at most 262144 bytes"});
  }
}

}  // namespace

std::string Meta(const nlohmann::json& obj, const char* field) {
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) {
    return {};
  }
  const auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string NewUid() {
  unsigned char b[16];
  RandomBytes(b, sizeof(b));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-"
      "{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

std::string NowRfc3339() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

std::string GenerateName(const std::string& prefix) {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  unsigned char b[5];
  RandomBytes(b, sizeof(b));
  std::string name = prefix.size() > 58 ? prefix.substr(0, 58) : prefix;
  for (unsigned char c : b) {
    name += kAlphabet[c % kAlphabet.size()];
  }
  return name;
}

FieldErrorList ValidateObjectMeta(const ResourceType& type, const nlohmann::json& obj) {
  FieldErrorList errs;
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) {
    errs.push_back(FieldError::Required("metadata.name", "name or generateName is required"));
    return errs;
  }
  const std::string name = Meta(obj, "name");
  if (name.empty()) {
    errs.push_back(FieldError::Required("metadata.name", "name or generateName is required"));
  } else {
    ValidateName(type, name, errs);
  }
  const std::string ns = Meta(obj, "namespace");
  if (type.namespaced && ns.empty()) {
    errs.push_back(FieldError::Required("metadata.namespace"));
  } else if (!type.namespaced && !ns.empty()) {
    errs.push_back(FieldError::Forbidden("metadata.namespace", "not allowed on this type"));
  }
  ValidateLabels(*meta, errs);
  ValidateAnnotations(*meta, errs);
  return errs;
}

bool SpecChanged(const nlohmann::json& old_obj, const nlohmann::json& new_obj) {
  nlohmann::json a = old_obj;
  nlohmann::json b = new_obj;
  for (nlohmann::json* o : {&a, &b}) {
    o->erase("metadata");
    o->erase("status");
  }
  return a != b;
}

std::vector<std::string> Finalizers(const nlohmann::json& obj) {
  std::vector<std::string> out;
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->contains("finalizers") || !(*meta)["finalizers"].is_array()) {
    return out;
  }
  for (const nlohmann::json& f : (*meta)["finalizers"]) {
    if (f.is_string()) {
      out.push_back(f.get<std::string>());
    }
  }
  return out;
}

bool HasFinalizer(const nlohmann::json& obj, const std::string& finalizer) {
  const auto all = Finalizers(obj);
  return std::find(all.begin(), all.end(), finalizer) != all.end();
}

void RemoveFinalizer(nlohmann::json& obj, const std::string& finalizer) {
  auto all = Finalizers(obj);
  std::erase(all, finalizer);
  if (all.empty()) {
    obj["metadata"].erase("finalizers");
  } else {
    obj["metadata"]["finalizers"] = all;
  }
}

}  // namespace gpuext::emulator
