// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nfdrules/generator.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "gpuext/error.h"

namespace gpuext::nfdrules {
namespace {

using nlohmann::json;

std::string Hex4(uint16_t value) { return fmt::format("{:04x}", value); }

std::string Key(std::string_view ns, std::string_view suffix) {
  std::string key = fmt::format("{}/{}", ns, suffix);
  if (!IsValidLabelKey(key)) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("invalid label key \"{}\"", key));
  }
  return key;
}

// Adds the label unless its value can never be a label value. Dynamic `@feature.element`
// values are resolved by nfd-master per node and are always kept.
void AddLabel(json& labels, const std::string& key, const std::string& value) {
  if (IsFeatureReference(value) || IsValidLabelValue(value)) {
    labels[key] = value;
  }
}

json RuleObject(std::string_view name, std::string_view rule_name, json labels,
                json match_features) {
  return {{"apiVersion", kApiVersion},
          {"kind", kKind},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"rules", json::array({{{"name", rule_name},
                                    {"labels", std::move(labels)},
                                    {"matchFeatures", std::move(match_features)}}})}}}};
}

json Exists(std::string_view feature, std::string_view element) {
  return json::array(
      {{{"feature", feature}, {"matchExpressions", {{element, {{"op", "Exists"}}}}}}});
}

}  // namespace

std::string PciRuleName(const PciRule& rule) {
  std::string name = "gpuext-" + rule.label;
  std::replace(name.begin(), name.end(), '.', '-');
  return name;
}

std::vector<json> GenerateRules(const GeneratorOptions& options) {
  std::vector<json> rules;

  json os_labels = json::object();
  const std::string os_value = "@system.osrelease.GARDENLINUX_VERSION";
  AddLabel(os_labels, Key(options.label_namespace, "gardenlinux-version"), os_value);
  if (options.gardenlinux_compat_label) {
    AddLabel(os_labels, Key(kGardenerLabelNamespace, "gardenlinux-version"), os_value);
  }
  rules.push_back(RuleObject(kGardenLinuxVersionRule, "gardenlinux-version", std::move(os_labels),
                             Exists("system.osrelease", "GARDENLINUX_VERSION")));

  json kernel_labels = json::object();
  AddLabel(kernel_labels, Key(options.label_namespace, "kernel-release"), "@kernel.version.full");
  rules.push_back(RuleObject(kKernelReleaseRule, "kernel-release", std::move(kernel_labels),
                             Exists("kernel.version", "full")));

  std::set<std::string> seen;
  for (const auto& pci : options.pci_rules) {
    std::string key = Key(options.label_namespace, pci.label);
    if (!seen.insert(key).second) {
      throw Error(ErrorCode::kInvalidArgument, fmt::format("two PCI rules set label {}", key));
    }
    json labels = json::object();
    AddLabel(labels, key, pci.value);
    if (labels.empty()) {
      continue;
    }
    json classes = json::array();
    for (uint16_t id : pci.class_ids) {
      classes.push_back(Hex4(id));
    }
    json match =
        json::array({{{"feature", "pci.device"},
                      {"matchExpressions",
                       {{"vendor", {{"op", "In"}, {"value", json::array({Hex4(pci.vendor_id)})}}},
                        {"class", {{"op", "In"}, {"value", classes}}}}}}});
    rules.push_back(RuleObject(PciRuleName(pci), pci.label, std::move(labels), std::move(match)));
  }

  std::sort(rules.begin(), rules.end(), [](const json& a, const json& b) {
    return a["metadata"]["name"].get<std::string>() < b["metadata"]["name"].get<std::string>();
  });
  return rules;
}

}  // namespace gpuext::nfdrules
