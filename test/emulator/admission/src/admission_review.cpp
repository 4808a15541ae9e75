// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/emulator/admission/internal/admission_review.h"

#include <random>

#include <fmt/format.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"

namespace gpuext::emulator::admission::internal {
namespace {

using nlohmann::json;

constexpr std::string_view kV1ApiVersion = "admission.k8s.io/v1";
constexpr std::string_view kV1beta1ApiVersion = "admission.k8s.io/v1beta1";

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message);
}

// Go's GroupVersionKind.String() for an apiVersion and kind: "group/version, Kind=kind".
std::string GvkString(const std::string& api_version, const std::string& kind) {
  const std::string gv =
      api_version.find('/') == std::string::npos ? "/" + api_version : api_version;
  return fmt::format("{}, Kind={}", gv, kind);
}

std::string StringField(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json UserInfo(const Attributes& a) {
  json info = json::object();
  if (!a.user.empty()) {
    info["username"] = a.user;
  }
  if (!a.groups.empty()) {
    info["groups"] = a.groups;
  }
  return info;
}

}  // namespace

std::optional<ReviewVersion> PickReviewVersion(const json& webhook) {
  const auto versions = webhook.find("admissionReviewVersions");
  if (versions == webhook.end() || !versions->is_array()) {
    return std::nullopt;
  }
  for (const json& v : *versions) {
    if (v == "v1") {
      return ReviewVersion::kV1;
    }
    if (v == "v1beta1") {
      return ReviewVersion::kV1beta1;
    }
  }
  return std::nullopt;
}

std::string NewUid() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  const uint64_t hi = (engine() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  const uint64_t lo = (engine() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 1
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

json RequestOptions(const Attributes& a) {
  if (a.options != nullptr) {
    return *a.options;
  }
  std::string kind;
  if (a.operation == "CREATE") {
    kind = "CreateOptions";
  } else if (a.operation == "UPDATE") {
    kind = "UpdateOptions";
  } else if (a.operation == "DELETE") {
    kind = "DeleteOptions";
  } else {
    return nullptr;
  }
  json options = {{"kind", kind}, {"apiVersion", "meta.k8s.io/v1"}};
  if (a.dry_run) {
    options["dryRun"] = json::array({"All"});
  }
  return options;
}

json BuildReview(ReviewVersion version, const std::string& uid, const Attributes& a,
                 const json& object) {
  const json kind = {{"group", a.kind_group}, {"version", a.kind_version}, {"kind", a.kind}};
  const json resource = {{"group", a.group}, {"version", a.version}, {"resource", a.resource}};
  json request = {
      {"uid", uid},
      {"kind", kind},
      {"resource", resource},
      {"requestKind", kind},
      {"requestResource", resource},
      {"operation", a.operation},
      {"userInfo", UserInfo(a)},
      {"object", object},
      {"oldObject", a.old_object != nullptr ? *a.old_object : json(nullptr)},
      {"dryRun", a.dry_run},
      {"options", RequestOptions(a)},
  };
  // Go's omitempty fields.
  if (!a.subresource.empty()) {
    request["subResource"] = a.subresource;
    request["requestSubResource"] = a.subresource;
  }
  if (!a.name.empty()) {
    request["name"] = a.name;
  }
  if (!a.ns.empty()) {
    request["namespace"] = a.ns;
  }
  const std::string_view api_version =
      version == ReviewVersion::kV1 ? kV1ApiVersion : kV1beta1ApiVersion;
  return {{"kind", "AdmissionReview"}, {"apiVersion", api_version}, {"request", request}};
}

ReviewResponse VerifyResponse(const json& review, ReviewVersion version, const std::string& uid,
                              bool mutating) {
  const auto response = review.is_object() ? review.find("response") : review.end();
  if (!review.is_object() || response == review.end() || !response->is_object()) {
    Invalid("webhook response was absent");
  }
  ReviewResponse out;
  out.allowed = response->value("allowed", false);
  out.status = response->value("status", json(nullptr));
  for (const json& w : response->value("warnings", json::array())) {
    if (w.is_string()) {
      out.warnings.push_back(w.get<std::string>());
    }
  }
  const std::string patch_text = StringField(*response, "patch");
  const bool has_patch_type =
      response->contains("patchType") && !(*response)["patchType"].is_null();
  if (version == ReviewVersion::kV1beta1) {
    // v1beta1 answers were never checked for uid or kind; a patch is always a JSONPatch.
    if (mutating && !patch_text.empty()) {
      out.patch = Base64Decode(patch_text);
      out.patch_type = "JSONPatch";
    }
    return out;
  }
  const std::string got_uid = StringField(*response, "uid");
  if (got_uid != uid) {
    Invalid(fmt::format("expected response.uid={}, got {}", Quote(uid), Quote(got_uid)));
  }
  const std::string api_version = StringField(review, "apiVersion");
  const std::string kind = StringField(review, "kind");
  if (api_version != kV1ApiVersion || kind != "AdmissionReview") {
    Invalid(fmt::format("expected webhook response of {}, got {}",
                        GvkString(std::string(kV1ApiVersion), "AdmissionReview"),
                        GvkString(api_version, kind)));
  }
  if (!mutating) {
    if (!patch_text.empty()) {
      Invalid("validating webhook may not return response.patch");
    }
    if (has_patch_type) {
      Invalid("validating webhook may not return response.patchType");
    }
    return out;
  }
  if (!patch_text.empty() && !has_patch_type) {
    Invalid("webhook returned response.patch but not response.patchType");
  }
  if (patch_text.empty() && has_patch_type) {
    Invalid("webhook returned response.patchType but not response.patch");
  }
  if (has_patch_type) {
    out.patch_type = StringField(*response, "patchType");
    if (out.patch_type.empty()) {
      Invalid(fmt::format("webhook returned invalid response.patchType of {}", Quote("")));
    }
    out.patch = Base64Decode(patch_text);
  }
  return out;
}

Denial RejectionDenial(std::string_view webhook_name, const json& status) {
  const json s = status.is_object() ? status : json::object();
  const std::string denied_by =
      fmt::format("admission webhook {} denied the request", Quote(webhook_name));
  const std::string message = StringField(s, "message");
  const std::string reason = StringField(s, "reason");
  Denial d;
  const auto code = s.find("code");
  d.code = code != s.end() && code->is_number_integer() ? code->get<int>() : 0;
  // kube-apiserver never answers a rejection with a code below 400.
  if (d.code < 400) {
    d.code = 400;
  }
  d.reason = reason;
  if (!message.empty()) {
    d.message = fmt::format("{}: {}", denied_by, message);
  } else if (!reason.empty()) {
    d.message = fmt::format("{}: {}", denied_by, reason);
  } else {
    d.message = denied_by + " without explanation";
  }
  return d;
}

}  // namespace gpuext::emulator::admission::internal
