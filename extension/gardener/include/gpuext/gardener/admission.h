// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Admission webhooks: AdmissionReview in, AdmissionReview out (admission.k8s.io/v1), with the
// patch computed from the raw request object (controller-runtime's habit: a mutator edits a
// copy of the object and json::diff finds what changed, so it never builds patches by hand).
//
//   class ShootMutator : public Mutator {
//     void Mutate(const AdmissionRequest& request, nlohmann::json& shoot) override { ... }
//   };
//   json response = HandleAdmissionReview(review_json, mutator);
//
// Requests in v1beta1 are answered in v1beta1; v1 in v1 (kube-apiserver accepts only the
// version it sent).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/field_errors.h"

namespace gpuext::gardener {

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;
};

struct AdmissionRequest {
  std::string uid;
  GroupVersionKind kind;
  std::string resource;     // plural, e.g. "shoots"
  std::string subresource;  // "" or "status"
  std::string name;
  std::string ns;
  std::string operation;  // CREATE, UPDATE, DELETE, CONNECT
  std::string username;
  bool dry_run = false;
  nlohmann::json object;      // null for DELETE
  nlohmann::json old_object;  // null for CREATE
};

// Decodes request fields from an AdmissionReview. Throws gpuext::Error(kInvalidArgument)
// naming the missing field (request, request.uid) when the review is malformed.
[[nodiscard]] AdmissionRequest DecodeAdmissionRequest(const nlohmann::json& review);

// What a handler decided.
struct AdmissionDecision {
  bool allowed = true;
  int code = 200;        // status.code when denied (403 Forbidden, 422 Invalid, 400 ...)
  std::string reason;    // status.reason when denied
  std::string message;   // status.message when denied; shown to the user by kubectl
  nlohmann::json patch;  // JSON patch (RFC 6902) array, or null for none
  std::vector<std::string> warnings;
};

// Mutating handler: edits `object` (a copy of request.object) in place. Throwing
// gpuext::Error denies the request with its message (kInvalidArgument/kConfigurationProblem →
// 422, others → 500). No change → allowed without patch.
class Mutator {
 public:
  virtual ~Mutator() = default;
  virtual void Mutate(const AdmissionRequest& request, nlohmann::json& object) = 0;
  // Handlers with something to tell the user (AdmissionReview `warnings`, shown by kubectl as
  // "Warning: ...") override this one; it is what RunMutator calls.
  virtual void Mutate(const AdmissionRequest& request, nlohmann::json& object,
                      std::vector<std::string>& warnings) {
    (void)warnings;
    Mutate(request, object);
  }
};

// Validating handler: returns the field errors; any error denies with 422 and a message
// "<Kind> \"<name>\" is invalid: <field>: <type>: <detail>; ..." as kube-apiserver words it.
class Validator {
 public:
  virtual ~Validator() = default;
  virtual FieldErrorList Validate(const AdmissionRequest& request) = 0;
  // As Mutator's: override to add warnings; RunValidator calls this one.
  virtual FieldErrorList Validate(const AdmissionRequest& request,
                                  std::vector<std::string>& warnings) {
    (void)warnings;
    return Validate(request);
  }
};

[[nodiscard]] AdmissionDecision RunMutator(Mutator& mutator, const AdmissionRequest& request);
[[nodiscard]] AdmissionDecision RunValidator(Validator& validator, const AdmissionRequest& request);

// The AdmissionReview response for `review` (same apiVersion; uid echoed; patch base64'd with
// patchType JSONPatch).
[[nodiscard]] nlohmann::json EncodeAdmissionResponse(const nlohmann::json& review,
                                                     const AdmissionDecision& decision);

// Decode → handler → encode, with malformed reviews answered as errors (code 400) rather than
// exceptions. This is what the HTTP handler calls.
[[nodiscard]] nlohmann::json HandleAdmissionReview(const nlohmann::json& review, Mutator& mutator);
[[nodiscard]] nlohmann::json HandleAdmissionReview(const nlohmann::json& review,
                                                   Validator& validator);

}  // namespace gpuext::gardener
