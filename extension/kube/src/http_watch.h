// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The streaming side of HttpClient::Watch (private to gpuext::kube).

#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/client.h"
#include "http_transport.h"

namespace gpuext::kube::internal {

// Splits a byte stream into top-level JSON values, whatever whitespace or chunking separates
// them (kube-apiserver writes one object per line, but chunk boundaries fall anywhere).
// Confined to one thread.
class JsonObjectSplitter {
 public:
  // Feeds bytes; appends each complete top-level object's text to `out`.
  void Feed(std::string_view data, std::vector<std::string>& out);
  // Bytes of an object not yet complete.
  [[nodiscard]] size_t pending() const { return current_.size(); }

 private:
  std::string current_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
};

// Decodes one watch event object ({"type": "...", "object": {...}}). Throws Error(kInternal)
// on an unknown type or a malformed event.
WatchEvent DecodeWatchEvent(const std::string& text);

// Opens the watch at `path` (query included) and waits for the answer's headers: a non-2xx
// answer throws ApiError, a connection failure Error(kRetryableInfraDependencies).
std::unique_ptr<WatchStream> StartWatch(Transport& transport, const std::string& resource,
                                        const std::string& path, std::stop_token stop);

}  // namespace gpuext::kube::internal
