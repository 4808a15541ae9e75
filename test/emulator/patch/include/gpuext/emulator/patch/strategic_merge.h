// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Strategic merge patch (Content-Type: application/strategic-merge-patch+json) as kube-apiserver
// applies it, following k8s.io/apimachinery/pkg/util/strategicpatch:
//
//   nlohmann::json patched = StrategicMergePatch(live, patch, *PatchSchema::ForKind("apps",
//   "Deployment"));
//
// Maps merge recursively and `null` deletes a field; lists with a merge key merge item by item;
// sets of primitives (metadata.finalizers) merge as sets; other lists are replaced. Directives:
// `$patch: replace|delete` on a map or list item (`$patch: merge` is refused, as upstream does),
// `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and `$retainKeys`.

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/emulator/patch/patch_schema.h"
#include "gpuext/error.h"

namespace gpuext::emulator::patch {

// A strategic merge patch kube-apiserver would refuse. code() is kInvalidArgument; what() is the
// message kube-apiserver puts in its Status; http_status() is the code it answers with: 400 for
// malformed directive lists and non-object patches, 422 for lists of lists and retainKeys
// mismatches, and 500 for everything else (kube-apiserver reports those as plain errors, which
// become InternalError). Value type.
class MalformedPatch : public gpuext::Error {
 public:
  MalformedPatch(int http_status, const std::string& message)
      : gpuext::Error(ErrorCode::kInvalidArgument, message), http_status_(http_status) {}

  [[nodiscard]] int http_status() const { return http_status_; }

 private:
  int http_status_;
};

// Applies `patch` to `original` and returns the result. Neither input is modified. A null
// `original` counts as an empty object; a null `patch` changes nothing.
// Throws MalformedPatch (a gpuext::Error with kInvalidArgument) with kube-apiserver's message for
// a malformed patch, for example `map: map[image:nginx] does not contain declared merge key: name`.
// Thread safety: a pure function.
[[nodiscard]] nlohmann::json StrategicMergePatch(const nlohmann::json& original,
                                                 const nlohmann::json& patch,
                                                 const PatchSchema& schema);

}  // namespace gpuext::emulator::patch
