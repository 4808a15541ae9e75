// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The checks gardener-resource-manager's extension validating webhook runs on an
// OperatingSystemConfig (gardener pkg/apis/extensions/validation/operatingsystemconfig.go,
// gardener-contract.md §3.2), as far as a webhook that mutates OSCs can break them. A mutating
// webhook runs before that validation, so anything we add that breaks a rule makes gardenlet's
// write fail; the OSC webhook runs this on its own result before answering (DESIGN.md §12 step 5).
//
//   FieldErrorList errors = ValidateOsc(osc);
//   if (!errors.empty()) throw Error(ErrorCode::kInternal, ToAggregateMessage(errors));
//
// Rules, each reported with its field path:
//   - spec.purpose required, one of provision/reconcile;
//   - spec.criConfig.cgroupDriver one of cgroupfs/systemd; spec.criConfig.containerd forbidden for
//     provision, its sandboxImage required;
//   - criConfig.containerd.plugins[]: op (when set) add/remove, non-empty path, values forbidden
//     for remove and an object for add;
//   - spec.files[] / status.extensionFiles[]: path required; exactly one of secretRef (name and
//     dataKey), inline (encoding "" or b64, non-empty data) or imageRef (image and
//     filePathInImage); paths unique across both lists unless the duplicates carry distinct
//     hostNames;
//   - spec.units[] / status.extensionUnits[]: name required; dropIns need name and content;
//     filePaths must name a file of spec.files or status.extensionFiles.
// Fields of the wrong JSON type are reported as TypeInvalid (kube-apiserver's schema would have
// refused them; a webhook answer must still not produce them).
//
// Not covered: metadata rules and the update-only rules (immutable type/purpose, no spec change
// after deletionTimestamp), registries (the OSC webhook never writes them). Pure function, safe
// for concurrent use.

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"

namespace gpuext::gardener {

// Every violation in `osc` (an extensions.gardener.cloud/v1alpha1 OperatingSystemConfig as JSON);
// empty when GRM would accept it.
[[nodiscard]] FieldErrorList ValidateOsc(const nlohmann::json& osc);

}  // namespace gpuext::gardener
