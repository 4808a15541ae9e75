// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/emulator/admission/internal/call_hook.h"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "gpuext/emulator/admission/internal/admission_review.h"
#include "gpuext/emulator/admission/internal/webhook_client.h"
#include "gpuext/error.h"

namespace gpuext::emulator::admission::internal {
namespace {

using nlohmann::json;

// kube-apiserver's ErrCallingWebhook before the webhook name is added; what() is the reason,
// e.g. "failed to call webhook: Post ...". failurePolicy decides what it means.
class CallFailure : public Error {
 public:
  explicit CallFailure(const std::string& cause)
      : Error(ErrorCode::kRetryableInfraDependencies, cause) {}
};

// A rejection that failurePolicy does not soften.
class Rejection : public Error {
 public:
  explicit Rejection(Denial denial)
      : Error(ErrorCode::kInvalidArgument, denial.message), denial_(std::move(denial)) {}
  [[nodiscard]] const Denial& denial() const { return denial_; }

 private:
  Denial denial_;
};

// The message client-go's REST client gives an HTTP answer outside 2xx: a Status body's
// message, else apierrors.NewGenericServerResponse's text.
std::string HttpFailure(const HttpResponse& r) {
  try {
    const json status = json::parse(r.body);
    if (status.value("kind", "") == "Status" && !status.value("message", "").empty()) {
      return status.value("message", "");
    }
  } catch (const json::exception&) {
    // Not a Status: fall through to the generic text.
  }
  std::string server_message = "unknown";
  if (r.content_type.starts_with("text/")) {
    server_message = r.body;
    server_message.erase(0, server_message.find_first_not_of(" \t\r\n"));
    server_message.erase(server_message.find_last_not_of(" \t\r\n") + 1);
  }
  switch (r.status) {
    case 400:
      return "the server rejected our request for an unknown reason";
    case 401:
      return "the server has asked for the client to provide credentials";
    case 403:
      return server_message;
    case 404:
      return "the server could not find the requested resource";
    case 405:
      return "the server does not allow this method on the requested resource";
    case 409:
      return "the server reported a conflict";
    case 422:
      return "the server rejected our request due to an error in our request";
    case 429:
      return "the server has received too many requests and has asked us to try again later";
    case 503:
      return "the server is currently unable to handle the request";
    case 504:
      return "the server was unable to return a response in the time allotted, but may still be "
             "processing the request";
    default:
      if (r.status >= 500) {
        return fmt::format("an error on the server ({}) has prevented the request from succeeding",
                           Quote(server_message));
      }
      return fmt::format(
          "the server responded with the status code {} but did not return more "
          "information",
          r.status);
  }
}

HookTarget Target(const json& webhook, const Environment& env) {
  HookTarget target;
  try {
    target = BuildTarget(webhook.value("clientConfig", json::object()), HookTimeout(webhook));
  } catch (const Error& e) {
    throw CallFailure(fmt::format("could not get REST client: {}", e.what()));
  }
  if (target.service) {
    const ServiceRef& s = *target.service;
    std::optional<std::string> address =
        env.resolve_service ? env.resolve_service(s.ns, s.name, s.port) : std::nullopt;
    if (!address) {
      // kube-apiserver resolves the service when dialling, so the failure reads as a Post error.
      throw CallFailure(
          fmt::format("failed to call webhook: Post \"{}\": no endpoints available "
                      "for service {}",
                      target.url, Quote(s.name)));
    }
    target.dial_address = *address;
  }
  return target;
}

// The round trip: POST the review, decode the answer as JSON.
json RoundTrip(const HookTarget& target, const json& review) {
  HttpResponse response;
  try {
    response = Post(target, review.dump());
  } catch (const Error& e) {
    throw CallFailure(fmt::format("failed to call webhook: {}", e.what()));
  }
  if (response.status < 200 || response.status > 299) {
    throw CallFailure(fmt::format("failed to call webhook: {}", HttpFailure(response)));
  }
  try {
    return json::parse(response.body);
  } catch (const json::exception& e) {
    throw CallFailure(fmt::format(
        "failed to call webhook: couldn't get version/kind; json parse error: {}", e.what()));
  }
}

// Applies a mutating webhook's patch; nullopt when it changes nothing.
std::optional<json> ApplyPatch(const std::string& name, const ReviewResponse& r,
                               const json& object) {
  if (r.patch.empty()) {
    return std::nullopt;
  }
  json patch;
  try {
    patch = json::parse(r.patch);
  } catch (const json::exception& e) {
    throw CallFailure(fmt::format("received undecodable patch in webhook response: {}", e.what()));
  }
  if (!patch.is_array()) {
    throw CallFailure(
        "received undecodable patch in webhook response: json: cannot unmarshal "
        "object into Go value of type jsonpatch.Patch");
  }
  if (patch.empty()) {
    return std::nullopt;
  }
  if (object.is_null()) {
    throw Rejection(InternalError(fmt::format(
        "admission webhook {} attempted to modify the object, which is not supported for this "
        "operation",
        Quote(name))));
  }
  if (r.patch_type != "JSONPatch") {
    throw CallFailure(fmt::format("unsupported patch type {}", Quote(r.patch_type)));
  }
  try {
    return object.patch(patch);
  } catch (const json::exception& e) {
    throw Rejection(InternalError(e.what()));
  }
}

// The dryRun rule: a webhook with side effects must not see a dry run.
void CheckDryRun(const json& webhook, const Attributes& a, const std::string& name) {
  if (!a.dry_run) {
    return;
  }
  const auto side_effects = webhook.find("sideEffects");
  if (side_effects == webhook.end() || side_effects->is_null()) {
    throw CallFailure("Webhook SideEffects is nil");
  }
  if (*side_effects != "None" && *side_effects != "NoneOnDryRun") {
    throw Rejection(Denial{
        .code = 400,
        .reason = "BadRequest",
        .message = fmt::format("admission webhook {} does not support dry run", Quote(name))});
  }
}

CallOutcome Call(const json& webhook, const Attributes& a, const json& object, bool mutating,
                 const Environment& env, const std::string& name) {
  CheckDryRun(webhook, a, name);
  const std::optional<ReviewVersion> version = PickReviewVersion(webhook);
  if (!version) {
    throw CallFailure(
        "could not create admission objects: webhook does not accept known "
        "AdmissionReview versions (v1, v1beta1)");
  }
  const std::string uid = NewUid();
  const HookTarget target = Target(webhook, env);
  const json answer = RoundTrip(target, BuildReview(*version, uid, a, object));
  ReviewResponse response;
  try {
    response = VerifyResponse(answer, *version, uid, mutating);
  } catch (const Error& e) {
    throw CallFailure(fmt::format("received invalid webhook response: {}", e.what()));
  }
  CallOutcome out;
  out.warnings = response.warnings;
  if (!response.allowed) {
    out.kind = CallOutcome::Kind::kRejected;
    out.denial = RejectionDenial(name, response.status);
    return out;
  }
  if (mutating) {
    try {
      out.patched = ApplyPatch(name, response, object);
    } catch (const Rejection& r) {
      out.kind = CallOutcome::Kind::kRejected;
      out.denial = r.denial();
    } catch (const CallFailure& f) {
      out.kind = CallOutcome::Kind::kCallFailed;
      out.error = fmt::format("failed calling webhook {}: {}", Quote(name), f.what());
    }
  }
  return out;
}

}  // namespace

std::chrono::seconds HookTimeout(const json& webhook) {
  const auto it = webhook.find("timeoutSeconds");
  const int seconds = it != webhook.end() && it->is_number_integer() ? it->get<int>() : 10;
  return std::chrono::seconds(std::clamp(seconds, 1, 30));
}

CallOutcome CallHook(const json& webhook, const Attributes& a, const json& object, bool mutating,
                     const Environment& env) {
  const std::string name = webhook.value("name", "");
  // Boundary: everything that goes wrong with one webhook becomes its outcome here.
  try {
    return Call(webhook, a, object, mutating, env, name);
  } catch (const CallFailure& f) {
    return {.kind = CallOutcome::Kind::kCallFailed,
            .error = fmt::format("failed calling webhook {}: {}", Quote(name), f.what())};
  } catch (const Rejection& r) {
    return {.kind = CallOutcome::Kind::kRejected, .denial = r.denial()};
  } catch (const std::exception& e) {
    // A bug or an exhausted resource on our side: kube-apiserver answers those with 500.
    return {.kind = CallOutcome::Kind::kRejected, .denial = InternalError(DescribeException(e))};
  }
}

}  // namespace gpuext::emulator::admission::internal
