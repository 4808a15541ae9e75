// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The AdmissionReview exchange with one webhook, as kube-apiserver's
// k8s.io/apiserver/pkg/admission/plugin/webhook/request package builds and checks it, and the
// denial text of plugin/webhook/errors.ToStatusErr. Pure functions; safe for concurrent use.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/emulator/admission/internal/matching.h"
#include "gpuext/emulator/admission/webhook_dispatcher.h"

namespace gpuext::emulator::admission::internal {

enum class ReviewVersion { kV1, kV1beta1 };

// The first of the webhook's admissionReviewVersions that kube-apiserver can send (v1 or
// v1beta1), or nullopt when it names neither.
[[nodiscard]] std::optional<ReviewVersion> PickReviewVersion(const nlohmann::json& webhook);

// A random (version 4) UUID in its canonical text form.
[[nodiscard]] std::string NewUid();

// Go's %q for the ASCII text webhooks send: double quotes with \" \\ \n \t \r and \xNN escapes.
[[nodiscard]] std::string Quote(std::string_view text);

// The request options kube-apiserver sends with `a`: a.options when set, else CreateOptions,
// UpdateOptions or DeleteOptions (dryRun ["All"] on a dry run), null for CONNECT.
[[nodiscard]] nlohmann::json RequestOptions(const Attributes& a);

// The AdmissionReview sent to a webhook. `object` is null for DELETE and CONNECT.
[[nodiscard]] nlohmann::json BuildReview(ReviewVersion version, const std::string& uid,
                                         const Attributes& a, const nlohmann::json& object);

// What kube-apiserver takes from a webhook's answer.
struct ReviewResponse {
  bool allowed = false;
  nlohmann::json status = {};              // response.status, null when absent
  std::string patch = {};                  // response.patch, base64-decoded; empty when absent
  std::string patch_type = {};             // response.patchType; empty when absent
  std::vector<std::string> warnings = {};  // response.warnings
};

// Checks a webhook's answer like request.VerifyAdmissionResponse: the response is present, for
// v1 its uid echoes `uid` and it is an admission.k8s.io/v1 AdmissionReview, patch and patchType
// come together, and a validating webhook sends neither. Throws gpuext::Error(kInvalidArgument)
// with upstream's text ("expected response.uid=..."); callers prefix "received invalid webhook
// response: ".
[[nodiscard]] ReviewResponse VerifyResponse(const nlohmann::json& review, ReviewVersion version,
                                            const std::string& uid, bool mutating);

// The answer for a webhook that denied the request (errors.ToStatusErr): code status.code but
// at least 400, reason status.reason, and the message
// `admission webhook "<name>" denied the request: <status.message or status.reason>`, or
// `... denied the request without explanation`.
[[nodiscard]] Denial RejectionDenial(std::string_view webhook_name, const nlohmann::json& status);

}  // namespace gpuext::emulator::admission::internal
