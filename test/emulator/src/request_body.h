// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Decoding request bodies into objects and checking them against the URL, with the errors
// kube-apiserver gives for each mistake.

#include <nlohmann/json.hpp>

#include "api_request.h"

namespace gpuext::emulator {

// Parses the body as JSON, or YAML for application/yaml and apply-patch+yaml. 400 on syntax
// errors and on anything but a JSON object when `want_object`.
nlohmann::json DecodeBody(const ApiRequest& req, bool want_object = true);

// Checks apiVersion/kind against the endpoint and the namespace/name against the URL, filling
// in the URL's namespace when the body has none. `check_name` for update/apply.
void CheckObjectAgainstRequest(const ApiRequest& req, nlohmann::json& obj, bool check_name);

}  // namespace gpuext::emulator
