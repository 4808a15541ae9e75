// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Turning a non-2xx answer (normally a metav1.Status) into ApiError, and Retry-After.
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/kube/http_client.h"

namespace gpuext::kube {

using nlohmann::json;

namespace {

// The reason kube-apiserver uses for a status without a Status body (StatusReasonForCode).
std::string ReasonForStatus(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace

ApiError ApiErrorFromResponse(int http_status, std::string_view body) {
  const json status = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    std::vector<StatusCause> causes;
    const json details = status.value("details", json::object());
    if (details.is_object()) {
      for (const json& c : details.value("causes", json::array())) {
        if (c.is_object()) {
          causes.push_back(
              StatusCause{c.value("reason", ""), c.value("message", ""), c.value("field", "")});
        }
      }
    }
    std::string reason = status.value("reason", "");
    if (reason.empty()) {
      reason = ReasonForStatus(http_status);
    }
    std::string message = status.value("message", "");
    if (message.empty()) {
      message = fmt::format("the server answered {} ({})", http_status, reason);
    }
    const int code = status.value("code", 0);
    return ApiError(code >= 400 ? code : http_status, reason, message, std::move(causes));
  }
  // Not a Status (a proxy, or a server fault): the first line of the body says most.
  std::string_view first = body.substr(0, body.find('\n'));
  if (first.size() > 200) {
    first = first.substr(0, 200);
  }
  const std::string reason = ReasonForStatus(http_status);
  return ApiError(http_status, reason,
                  first.empty() ? fmt::format("the server answered {} ({})", http_status, reason)
                                : fmt::format("the server answered {}: {}", http_status, first));
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
    value.remove_suffix(1);
  }
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(seconds);
}

}  // namespace gpuext::kube
