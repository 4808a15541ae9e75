// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// managedFields for ordinary writes (create, update, merge/JSON/strategic patch), as
// kube-apiserver's field manager records them next to server-side apply's.

#include <string>

#include <nlohmann/json.hpp>

#include "api_request.h"

namespace gpuext::emulator {

// Who makes a non-apply write: `?fieldManager=`, else the User-Agent up to its first '/'
// (printable characters, at most 128), as kube-apiserver names it. "" for apply requests
// (server-side apply records those itself) and for in-process loads without either.
std::string UpdateManager(const ApiRequest& req);

// Records the write of `obj` (replacing `live`, nullptr on create) in obj's managedFields as
// an Update entry of UpdateManager(req); does nothing when that is "".
void RecordWrite(const ApiRequest& req, const nlohmann::json* live, nlohmann::json& obj);

}  // namespace gpuext::emulator
