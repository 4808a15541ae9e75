// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Request bodies in Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), for
// the kinds kubectl's imperative generators send that way (`kubectl create namespace|
// configmap|secret|serviceaccount`). The body is converted to the JSON object kube-apiserver
// would have decoded, so everything after decoding stays JSON.

#include <string_view>

#include <nlohmann/json.hpp>

namespace gpuext::emulator {

// True for a Content-Type naming the protobuf encoding.
bool IsProtobufContentType(std::string_view content_type);

// Decodes `k8s\0` + runtime.Unknown{typeMeta, raw} into the JSON object (with apiVersion and
// kind). Throws ApiStatus 415 for kinds without a field table here and 400 for malformed bytes.
nlohmann::json DecodeProtobufObject(std::string_view body);

}  // namespace gpuext::emulator
