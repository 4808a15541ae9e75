// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/emulator/schema/structural_schema.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "mutation.h"
#include "node.h"
#include "openapi_validation.h"
#include "render.h"
#include "validators.h"

namespace gpuext::emulator::schema {
namespace {

void Append(FieldErrorList& to, FieldErrorList from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// The error types after which apiextensions does not run CEL rules (strategy.go hasBlockingErr).
bool HasBlockingError(const FieldErrorList& errors) {
  return std::any_of(errors.begin(), errors.end(), [](const FieldError& e) {
    return e.type == FieldErrorType::kNotSupported || e.type == FieldErrorType::kRequired ||
           e.type == FieldErrorType::kTooLong || e.type == FieldErrorType::kTooMany ||
           e.type == FieldErrorType::kTypeInvalid;
  });
}

}  // namespace

std::shared_ptr<const StructuralSchema> StructuralSchema::FromOpenApiV3(
    const nlohmann::json& open_api_v3_schema) {
  return std::make_shared<const StructuralSchema>(internal::ParseSchema(open_api_v3_schema));
}

StructuralSchema::StructuralSchema(std::unique_ptr<const internal::SchemaData> data)
    : data_(std::move(data)) {}

StructuralSchema::~StructuralSchema() = default;

void StructuralSchema::ApplyDefaults(nlohmann::json& object) const {
  internal::ApplyDefaults(object, *data_->root);
}

std::vector<std::string> StructuralSchema::Prune(nlohmann::json& object) const {
  return internal::PruneUnknownFields(object, *data_->root);
}

FieldErrorList StructuralSchema::Validate(const nlohmann::json& object,
                                          const nlohmann::json* old_object) const {
  const internal::Node& root = *data_->root;
  FieldErrorList errors = internal::ValidateAgainstSchema(root, object, old_object);
  Append(errors, internal::ValidateEmbeddedResources(root, object));
  // List uniqueness ratchets as a whole: an old object that already broke it is not held to it.
  if (old_object == nullptr || internal::ValidateListTypes(root, *old_object).empty()) {
    Append(errors, internal::ValidateListTypes(root, object));
  }
  if (data_->has_rules) {
    if (HasBlockingError(errors)) {
      errors.push_back(FieldError::Invalid(
          std::string(internal::kNilPath), "null",
          "some validation rules were not checked because the object was invalid; correct the "
          "existing errors to complete validation"));
    } else {
      Append(errors, internal::CheckTransitionRules(root, object, old_object));
    }
  }
  return errors;
}

const nlohmann::json& StructuralSchema::raw() const { return data_->raw; }

const std::vector<SkippedRule>& StructuralSchema::skipped_rules() const {
  return data_->skipped_rules;
}

}  // namespace gpuext::emulator::schema
