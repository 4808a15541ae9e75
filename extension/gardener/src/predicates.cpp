// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/predicates.h"

#include "gpuext/gardener/constants.h"
#include "gpuext/gardener/operation.h"

namespace gpuext::gardener {

using nlohmann::json;

namespace {

const json& Member(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) {
    return kNull;
  }
  const auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

bool BeingDeleted(const json& obj) {
  return !Member(Member(obj, "metadata"), "deletionTimestamp").is_null();
}

}  // namespace

bool HasTypeAndShootClass(const json& obj, std::string_view type) {
  const json& spec = Member(obj, "spec");
  const json& spec_type = Member(spec, "type");
  const json& spec_class = Member(spec, "class");
  return spec_type.is_string() && spec_type.get_ref<const std::string&>() == type &&
         (spec_class.is_null() ||
          (spec_class.is_string() && spec_class.get_ref<const std::string&>() == "shoot"));
}

bool AdmitCreate(const json& obj) {
  const std::string annotation = OperationAnnotation(obj);
  if (annotation == kOperationReconcile || annotation == kOperationRestore ||
      annotation == kOperationMigrate) {
    return true;
  }
  if (BeingDeleted(obj)) {
    return true;
  }
  return !LastOperationSucceeded(obj);
}

bool AdmitUpdate(const json& old_obj, const json& new_obj) {
  if (!OperationAnnotation(new_obj).empty()) {
    return true;
  }
  return BeingDeleted(new_obj) && Member(old_obj, "status") == Member(new_obj, "status");
}

bool GenerationChanged(const json& old_obj, const json& new_obj) {
  if (BeingDeleted(new_obj) && !BeingDeleted(old_obj)) {
    return true;
  }
  return Member(Member(old_obj, "metadata"), "generation") !=
         Member(Member(new_obj, "metadata"), "generation");
}

}  // namespace gpuext::gardener
