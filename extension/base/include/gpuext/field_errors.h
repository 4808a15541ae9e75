// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Field-path validation errors rendered like Kubernetes' field.ErrorList:
//
//   FieldErrorList errs;
//   errs.push_back(FieldError::Required("spec.provider.workers[1].cri.name", "set it to
//   containerd")); if (!errs.empty()) throw Error(ErrorCode::kConfigurationProblem,
//   ToAggregateMessage(errs));
//
// Validation returns every error at once; throwing is the caller's choice.

#include <string>
#include <vector>

namespace gpuext {

enum class FieldErrorType {
  kRequired,
  kInvalid,
  kNotSupported,
  kForbidden,
  kDuplicate,
  kTooLong,
  kTooMany,
  kTypeInvalid
};

// One problem with one field. Value type.
struct FieldError {
  FieldErrorType type = FieldErrorType::kInvalid;
  std::string field;   // "spec.provider.workers[1].cri.name"
  std::string value;   // the offending value rendered as text; empty when not meaningful
  std::string detail;  // what is wrong and how to fix it

  static FieldError Required(std::string field, std::string detail = {});
  static FieldError Invalid(std::string field, std::string value, std::string detail);
  static FieldError NotSupported(std::string field, std::string value,
                                 const std::vector<std::string>& supported);
  static FieldError Forbidden(std::string field, std::string detail);
  static FieldError Duplicate(std::string field, std::string value);
  static FieldError TypeInvalid(std::string field, std::string value, std::string detail);

  // Kubernetes' StatusCause reason for this type: "FieldValueRequired", "FieldValueInvalid", ...
  [[nodiscard]] std::string Reason() const;

  // Renders as Kubernetes does: `spec.x: Required value: detail`,
  // `spec.y: Invalid value: "v": detail`, `spec.z: Unsupported value: "v": supported values: "a",
  // "b"`.
  [[nodiscard]] std::string ToString() const;
};

using FieldErrorList = std::vector<FieldError>;

// Joins the errors as Kubernetes' aggregate does: a single error alone, several as "[a, b]".
[[nodiscard]] std::string ToAggregateMessage(const FieldErrorList& errors);

}  // namespace gpuext
