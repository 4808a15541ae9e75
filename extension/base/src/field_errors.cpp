// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/field_errors.h"

#include <fmt/format.h>

namespace gpuext {

FieldError FieldError::Required(std::string field, std::string detail) {
  return {FieldErrorType::kRequired, std::move(field), {}, std::move(detail)};
}

FieldError FieldError::Invalid(std::string field, std::string value, std::string detail) {
  return {FieldErrorType::kInvalid, std::move(field), std::move(value), std::move(detail)};
}

FieldError FieldError::NotSupported(std::string field, std::string value,
                                    const std::vector<std::string>& supported) {
  std::string detail;
  if (!supported.empty()) {
    detail = "supported values: ";
    for (size_t i = 0; i < supported.size(); ++i) {
      detail += fmt::format("{}\"{}\"", i == 0 ? "" : ", ", supported[i]);
    }
  }
  return {FieldErrorType::kNotSupported, std::move(field), std::move(value), std::move(detail)};
}

FieldError FieldError::Forbidden(std::string field, std::string detail) {
  return {FieldErrorType::kForbidden, std::move(field), {}, std::move(detail)};
}

FieldError FieldError::Duplicate(std::string field, std::string value) {
  return {FieldErrorType::kDuplicate, std::move(field), std::move(value), {}};
}

FieldError FieldError::TypeInvalid(std::string field, std::string value, std::string detail) {
  return {FieldErrorType::kTypeInvalid, std::move(field), std::move(value), std::move(detail)};
}

std::string FieldError::Reason() const {
  switch (type) {
    case FieldErrorType::kRequired:
      return "FieldValueRequired";
    case FieldErrorType::kInvalid:
      return "FieldValueInvalid";
    case FieldErrorType::kNotSupported:
      return "FieldValueNotSupported";
    case FieldErrorType::kForbidden:
      return "FieldValueForbidden";
    case FieldErrorType::kDuplicate:
      return "FieldValueDuplicate";
    case FieldErrorType::kTooLong:
      return "FieldValueTooLong";
    case FieldErrorType::kTooMany:
      return "FieldValueTooMany";
    case FieldErrorType::kTypeInvalid:
      return "FieldValueTypeInvalid";
  }
  return "FieldValueInvalid";
}

std::string FieldError::ToString() const {
  const auto with_detail = [&](std::string head) {
    return detail.empty() ? head : fmt::format("{}: {}", head, detail);
  };
  switch (type) {
    case FieldErrorType::kRequired:
      return with_detail(fmt::format("{}: Required value", field));
    case FieldErrorType::kForbidden:
      return with_detail(fmt::format("{}: Forbidden", field));
    case FieldErrorType::kDuplicate:
      return fmt::format("{}: Duplicate value: \"{}\"", field, value);
    case FieldErrorType::kNotSupported:
      return with_detail(fmt::format("{}: Unsupported value: \"{}\"", field, value));
    case FieldErrorType::kTooLong:
      return with_detail(fmt::format("{}: Too long", field));
    case FieldErrorType::kTooMany:
      return with_detail(fmt::format("{}: Too many", field));
    case FieldErrorType::kTypeInvalid:
      return with_detail(fmt::format("{}: Invalid value: \"{}\"", field, value));
    case FieldErrorType::kInvalid:
      break;
  }
  return with_detail(fmt::format("{}: Invalid value: \"{}\"", field, value));
}

std::string ToAggregateMessage(const FieldErrorList& errors) {
  if (errors.size() == 1) {
    return errors.front().ToString();
  }
  std::string out = "[";
  for (size_t i = 0; i < errors.size(); ++i) {
    out += (i == 0 ? "" : ", ") + errors[i].ToString();
  }
  return out + "]";
}

}  // namespace gpuext
