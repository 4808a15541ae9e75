// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/admission.h"

#include "gpuext/base64.h"
#include "gpuext/error.h"

namespace gpuext::gardener {

using nlohmann::json;

namespace {

std::string StringOf(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

AdmissionDecision Deny(int code, std::string reason, std::string message) {
  return {.allowed = false,
          .code = code,
          .reason = std::move(reason),
          .message = std::move(message),
          .patch = nullptr,
          .warnings = {}};
}

AdmissionDecision DenyFromException(const std::exception& e) {
  const auto* error = dynamic_cast<const Error*>(&e);
  const bool user_error = error != nullptr && (error->code() == ErrorCode::kInvalidArgument ||
                                               error->code() == ErrorCode::kConfigurationProblem);
  return user_error ? Deny(422, "Invalid", DescribeException(e))
                    : Deny(500, "InternalError", DescribeException(e));
}

std::string ObjectDescription(const AdmissionRequest& request) {
  return request.kind.kind + " \"" + request.name + "\"";
}

template <typename Handler>
json Handle(const json& review, Handler&& handler) {
  AdmissionRequest request;
  try {
    request = DecodeAdmissionRequest(review);
  } catch (const std::exception& e) {
    return EncodeAdmissionResponse(review, Deny(400, "BadRequest", DescribeException(e)));
  }
  return EncodeAdmissionResponse(review, handler(request));
}

}  // namespace

AdmissionRequest DecodeAdmissionRequest(const json& review) {
  if (!review.is_object() || !review.contains("request") || !review["request"].is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "AdmissionReview: request: Required value: the body must be an AdmissionReview "
                "with a request");
  }
  const json& r = review["request"];
  AdmissionRequest request;
  request.uid = StringOf(r, "uid");
  if (request.uid.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "AdmissionReview: request.uid: Required value");
  }
  if (const auto kind = r.find("kind"); kind != r.end() && kind->is_object()) {
    request.kind = {StringOf(*kind, "group"), StringOf(*kind, "version"), StringOf(*kind, "kind")};
  }
  if (const auto resource = r.find("resource"); resource != r.end() && resource->is_object()) {
    request.resource = StringOf(*resource, "resource");
  }
  request.subresource = StringOf(r, "subResource");
  request.name = StringOf(r, "name");
  request.ns = StringOf(r, "namespace");
  request.operation = StringOf(r, "operation");
  if (const auto user = r.find("userInfo"); user != r.end() && user->is_object()) {
    request.username = StringOf(*user, "username");
  }
  request.dry_run = r.value("dryRun", false);
  request.object = r.value("object", json(nullptr));
  request.old_object = r.value("oldObject", json(nullptr));
  if (request.name.empty() && request.object.is_object()) {
    request.name = request.object.value("/metadata/name"_json_pointer, std::string());
  }
  return request;
}

AdmissionDecision RunMutator(Mutator& mutator, const AdmissionRequest& request) {
  json mutated = request.object;
  std::vector<std::string> warnings;
  try {
    mutator.Mutate(request, mutated, warnings);
  } catch (const std::exception& e) {
    return DenyFromException(e);
  }
  AdmissionDecision decision;
  decision.warnings = std::move(warnings);
  json patch = json::diff(request.object, mutated);
  if (!patch.empty()) {
    decision.patch = std::move(patch);
  }
  return decision;
}

AdmissionDecision RunValidator(Validator& validator, const AdmissionRequest& request) {
  FieldErrorList errors;
  std::vector<std::string> warnings;
  try {
    errors = validator.Validate(request, warnings);
  } catch (const std::exception& e) {
    return DenyFromException(e);
  }
  AdmissionDecision decision;
  if (!errors.empty()) {
    decision = Deny(422, "Invalid",
                    ObjectDescription(request) + " is invalid: " + ToAggregateMessage(errors));
  }
  decision.warnings = std::move(warnings);
  return decision;
}

json EncodeAdmissionResponse(const json& review, const AdmissionDecision& decision) {
  std::string api_version = "admission.k8s.io/v1";
  std::string uid;
  if (review.is_object()) {
    if (StringOf(review, "apiVersion") == "admission.k8s.io/v1beta1") {
      api_version = "admission.k8s.io/v1beta1";
    }
    if (review.contains("request") && review["request"].is_object()) {
      uid = StringOf(review["request"], "uid");
    }
  }
  json response = {{"uid", uid}, {"allowed", decision.allowed}};
  if (!decision.allowed) {
    response["status"] = {{"code", decision.code},
                          {"reason", decision.reason},
                          {"message", decision.message},
                          {"status", "Failure"},
                          {"metadata", json::object()}};
  }
  if (decision.allowed && decision.patch.is_array() && !decision.patch.empty()) {
    response["patchType"] = "JSONPatch";
    response["patch"] = Base64Encode(decision.patch.dump());
  }
  if (!decision.warnings.empty()) {
    response["warnings"] = decision.warnings;
  }
  return {{"apiVersion", api_version}, {"kind", "AdmissionReview"}, {"response", response}};
}

json HandleAdmissionReview(const json& review, Mutator& mutator) {
  return Handle(review, [&](const AdmissionRequest& r) { return RunMutator(mutator, r); });
}

json HandleAdmissionReview(const json& review, Validator& validator) {
  return Handle(review, [&](const AdmissionRequest& r) { return RunValidator(validator, r); });
}

}  // namespace gpuext::gardener
