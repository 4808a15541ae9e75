// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// NodeFeatureRule objects (nfd.k8s-sigs.io/v1alpha1, cluster-scoped) for the shoot (DESIGN.md
// §15): the Garden Linux version, the kernel release and one presence label per vendor PCI
// match. Pure: the same options always give the same objects, sorted by name.
//
//   GeneratorOptions options{.pci_rules = FromVendors(...)};
//   for (const nlohmann::json& rule : GenerateRules(options)) resources.push_back(rule);

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/nfdrules/rule.h"

namespace gpuext::nfdrules {

struct GeneratorOptions {
  std::string label_namespace = std::string(kLabelNamespace);
  // Also set node.gardener.cloud/gardenlinux-version (seed 000_…'s label).
  bool gardenlinux_compat_label = true;
  std::vector<PciRule> pci_rules = {};
};

// Object names.
inline constexpr std::string_view kGardenLinuxVersionRule = "gpuext-gardenlinux-version";
inline constexpr std::string_view kKernelReleaseRule = "gpuext-kernel-release";
// A PCI rule's object name: "gpuext-" + its label with '.' as '-' ("gpuext-nvidia-present").
[[nodiscard]] std::string PciRuleName(const PciRule& rule);

// The rules, sorted by metadata.name. A static label value that is not a valid label value
// (e.g. longer than 63 characters) is left out, and a PCI rule left without labels is left out
// entirely. Throws gpuext::Error(kInvalidArgument) for a label key that is not valid (a bad
// namespace or suffix is a programming error, not data) or two PCI rules with one label.
[[nodiscard]] std::vector<nlohmann::json> GenerateRules(const GeneratorOptions& options);

}  // namespace gpuext::nfdrules
