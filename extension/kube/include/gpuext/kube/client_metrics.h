// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// REST client metrics, fed by HttpClient's observer (client-go's metrics as controller-runtime
// registers them): rest_client_requests_total{code,host,method} and
// rest_client_request_duration_seconds{host,verb}.
//
//   metrics::Registry& registry = metrics::Registry::Default();
//   HttpClient client(config, {.observer = RestClientMetricsObserver(registry, config.server)});
//   Manager manager(client, {.registry = &registry});   // /metrics shows both
//
// The observer is safe for concurrent use, as HttpClientOptions::observer must be.

#include <string>

#include "gpuext/kube/http_client.h"
#include "gpuext/kube/metrics.h"

namespace gpuext::kube {

// An observer for HttpClientOptions::observer. `server` is the API URL ("https://h:6443");
// its host:port becomes the "host" label. Codes are "200", "404", ... or "<error>" when no
// answer came; LIST and WATCH count as method GET. `registry` must outlive the observer.
[[nodiscard]] std::function<void(const RequestRecord&)> RestClientMetricsObserver(
    metrics::Registry& registry, const std::string& server);

}  // namespace gpuext::kube
