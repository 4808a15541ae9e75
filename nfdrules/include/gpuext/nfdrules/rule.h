// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The inputs and vocabulary of our NodeFeatureRules (DESIGN.md §15). nfdrules links only base,
// so the vendor matchers (gpuruntime::PciMatch) come in as this plain copy; `gpu` converts.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::nfdrules {

// Every label we create lives here (docs/nfd-rules.md explains the choice and the nfd-master
// `extraLabelNs` setting).
inline constexpr std::string_view kLabelNamespace = "gpu.extensions.gardener.cloud";
// The one compatibility label of seed 000_…: existing selectors use it.
inline constexpr std::string_view kGardenerLabelNamespace = "node.gardener.cloud";

inline constexpr std::string_view kApiVersion = "nfd.k8s-sigs.io/v1alpha1";
inline constexpr std::string_view kKind = "NodeFeatureRule";

// "A device of this vendor with one of these classes is present" (nfd pci.device feature).
struct PciRule {
  uint16_t vendor_id = 0;           // 0x10de
  std::vector<uint16_t> class_ids;  // base class + subclass, {0x0300, 0x0302}
  std::string label = {};           // suffix below the namespace: "nvidia.present"
  std::string value = "true";
};

// Kubernetes label syntax (apimachinery validation): a value is empty or at most 63 characters
// of [A-Za-z0-9._-] starting and ending alphanumeric.
[[nodiscard]] bool IsValidLabelValue(std::string_view value);
// A key is [prefix/]name: name as a value but non-empty; prefix a DNS-1123 subdomain (<= 253).
[[nodiscard]] bool IsValidLabelKey(std::string_view key);

// NFD's dynamic value `@<feature>.<element>`: filled in by nfd-master on each node, so only
// the node's data decides its length; nfd-master drops a resulting label whose value is not a
// valid label value.
[[nodiscard]] bool IsFeatureReference(std::string_view value);

}  // namespace gpuext::nfdrules
