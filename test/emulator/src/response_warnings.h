// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Warnings for the response of the request this thread is serving (admission webhooks'
// AdmissionReview `warnings`), sent as `Warning: 299 - "<text>"` headers as kube-apiserver does,
// so kubectl prints them as "Warning: <text>". cpp-httplib serves a request on one thread from
// routing to the response, which is why a thread-local list is enough.

#include <string>
#include <vector>

namespace gpuext::emulator {

// Adds warnings to the current request's response, skipping ones already added.
void AddResponseWarnings(const std::vector<std::string>& warnings);

// Returns the current request's warnings and clears the list (called once per request).
[[nodiscard]] std::vector<std::string> TakeResponseWarnings();

// `299 - "<text>"` with `"` and `\` escaped (RFC 7234 warn-text is a quoted-string).
[[nodiscard]] std::string WarningHeaderValue(const std::string& text);

}  // namespace gpuext::emulator
