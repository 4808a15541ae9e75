// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The structural-schema engine of kube-emulator: what kube-apiserver's apiextensions-apiserver
// does with a CustomResourceDefinition version's openAPIV3Schema when it serves that version.
//
//   auto schema = StructuralSchema::FromOpenApiV3(crd_version["schema"]["openAPIV3Schema"]);
//   std::vector<std::string> unknown = schema->Prune(object);   // strict: unknown field "spec.x"
//   schema->ApplyDefaults(object);
//   FieldErrorList errors = schema->Validate(object, stored_object_or_nullptr);
//
// The server calls the three steps in that order (decode, default, validate), as kube-apiserver
// does. Error paths and messages follow apiextensions-apiserver and kube-openapi's validator
// (Kubernetes 1.35): `spec.replicas: Invalid value: "string": spec.replicas in body must be of
// type integer: "string"`. Values are rendered as text and quoted by FieldError::ToString.
//
// CEL (x-kubernetes-validations): only the transition rule `self == oldSelf` is evaluated; every
// other rule is skipped and listed by skipped_rules() so the server can log it once.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gpuext/field_errors.h"

namespace gpuext::emulator::schema {

namespace internal {
struct SchemaData;
}  // namespace internal

// An x-kubernetes-validations rule the emulator does not evaluate. Value type.
struct SkippedRule {
  std::string path = {};  // field path of the schema node: "" (root), "spec", "spec.items[*].name"
  std::string rule = {};  // the CEL expression as written
  std::string message = {};  // the rule's message; empty when it has none
};

// One CRD version's structural schema. Immutable after construction; safe for concurrent use.
class StructuralSchema {
 public:
  // Builds the schema from a CRD version's spec.versions[].schema.openAPIV3Schema. Throws
  // gpuext::Error(kInvalidArgument) naming the schema path of every malformed keyword (unknown
  // type, a pattern re2 cannot compile, a non-object property, ...), all at once.
  static std::shared_ptr<const StructuralSchema> FromOpenApiV3(
      const nlohmann::json& open_api_v3_schema);

  // Applies `default` values in place, as kube-apiserver does when decoding a request or reading
  // from storage: a missing property with a default is set (also a null one that is not
  // nullable), then defaulting recurses into every existing object, array item and
  // additionalProperties value, including values that were just defaulted. Set values are never
  // overridden. Defaults are copied as written (upstream validates them when the CRD is created).
  void ApplyDefaults(nlohmann::json& object) const;

  // Drops fields the schema does not know, as apiextensions-apiserver's pruning does: nothing
  // under x-kubernetes-preserve-unknown-fields (except inside properties it declares), the
  // root's apiVersion/kind/metadata are always kept and nothing inside root metadata is pruned;
  // x-kubernetes-embedded-resource objects keep apiVersion/kind/metadata. Returns the sorted
  // paths of the pruned fields as Kubernetes prints them for strict field validation
  // (`unknown field "spec.foo"`): `spec.foo`, `spec.items[2].bar`. Afterwards it also removes
  // null values of fields that are neither nullable nor defaulted (upstream's
  // PruneNonNullableNullsWithoutDefaults); those are not reported.
  std::vector<std::string> Prune(nlohmann::json& object) const;

  // Validates the whole object and returns every error at once; the root's metadata is not
  // looked at (the server validates ObjectMeta itself). `old_object` is the stored object on
  // update and nullptr on create; it enables validation ratcheting (errors in values that did
  // not change are dropped, as in Kubernetes >= 1.30) and the `self == oldSelf` rules.
  [[nodiscard]] FieldErrorList Validate(const nlohmann::json& object,
                                        const nlohmann::json* old_object) const;

  // The schema as given to FromOpenApiV3 (for OpenAPI publishing and kubectl explain).
  [[nodiscard]] const nlohmann::json& raw() const;

  // The x-kubernetes-validations rules Validate does not evaluate, in schema order.
  [[nodiscard]] const std::vector<SkippedRule>& skipped_rules() const;

  // Use FromOpenApiV3; the data is built there.
  explicit StructuralSchema(std::unique_ptr<const internal::SchemaData> data);
  ~StructuralSchema();
  StructuralSchema(const StructuralSchema&) = delete;
  StructuralSchema& operator=(const StructuralSchema&) = delete;

 private:
  std::unique_ptr<const internal::SchemaData> data_;
};

}  // namespace gpuext::emulator::schema
