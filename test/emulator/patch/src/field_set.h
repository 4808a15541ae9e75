// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Field paths and sets of them as managedFields stores them (fieldsType FieldsV1):
//
//   {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers":
//     {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}
//
// A path is a list of elements: "f:<field>", "k:<key object as JSON>" (an item of a keyed list),
// "v:<value as JSON>" (an item of a set) and "i:<index>" (read, never written). A set holds the
// paths its manager owns: leaves, keyed list items and set items.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::emulator::patch::internal {

using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

// "f:<name>".
[[nodiscard]] std::string FieldElement(std::string_view name);

// "k:{\"<key>\":<value>}" for the item of a list keyed by `key`.
[[nodiscard]] std::string KeyElement(std::string_view key, const nlohmann::json& value);

// "v:<value>" for an item of a set.
[[nodiscard]] std::string ValueElement(const nlohmann::json& value);

// Decodes a FieldsV1 object. Key and value elements are rewritten to our canonical JSON so that
// they compare equal to the elements we build. Anything malformed is skipped.
[[nodiscard]] FieldSet DecodeFieldsV1(const nlohmann::json& fields);

// Encodes a set as FieldsV1 ("." marks a path that is owned and also has owned children).
[[nodiscard]] nlohmann::json EncodeFieldsV1(const FieldSet& set);

// The path as kube-apiserver prints it in conflicts: .spec.containers[name="app"].image,
// .metadata.finalizers[="a"].
[[nodiscard]] std::string PathString(const FieldPath& path);

// True when `path` equals `prefix` or lies below it.
[[nodiscard]] bool IsAtOrUnder(const FieldPath& path, const FieldPath& prefix);

}  // namespace gpuext::emulator::patch::internal
