// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Shoot webhook's CloudProfile lookup, answered from informer caches of cloudprofiles and
// namespacedcloudprofiles, so an admission request makes no API call (DESIGN.md §9).
//
// A NamespacedCloudProfile is answered with its effective profile: `status.cloudProfileSpec`
// (what gardener-apiserver computes from the parent and the overrides) as `spec`; while that
// status is missing, the parent CloudProfile's object.

#include "gpuext/kube/cache.h"
#include "gpuext/webhook/shoot_admission.h"

namespace gpuext::admission {

inline const kube::Resource kCloudProfiles{"core.gardener.cloud", "v1beta1", "cloudprofiles",
                                           false};
inline const kube::Resource kNamespacedCloudProfiles{"core.gardener.cloud", "v1beta1",
                                                     "namespacedcloudprofiles", true};

// Creates the two informers in `cache` (start and sync the cache before serving) and returns a
// lookup reading them. The lookup borrows `cache`.
[[nodiscard]] webhook::CloudProfileLookup CachedCloudProfileLookup(kube::Cache& cache);

}  // namespace gpuext::admission
