// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/operation.h"

#include "gpuext/gardener/constants.h"

namespace gpuext::gardener {

using nlohmann::json;

namespace {

const json* LastOperation(const json& obj) {
  const auto status = obj.find("status");
  if (status == obj.end() || !status->is_object()) {
    return nullptr;
  }
  const auto last = status->find("lastOperation");
  if (last == status->end() || !last->is_object()) {
    return nullptr;
  }
  return &*last;
}

std::string StringField(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool HasDeletionTimestamp(const json& obj) {
  const auto meta = obj.find("metadata");
  return meta != obj.end() && meta->is_object() && meta->contains("deletionTimestamp") &&
         !(*meta)["deletionTimestamp"].is_null();
}

}  // namespace

std::string_view OperationTypeName(OperationType type) {
  switch (type) {
    case OperationType::kCreate:
      return "Create";
    case OperationType::kReconcile:
      return "Reconcile";
    case OperationType::kDelete:
      return "Delete";
    case OperationType::kMigrate:
      return "Migrate";
    case OperationType::kRestore:
      return "Restore";
  }
  return "Reconcile";
}

std::optional<OperationType> ParseOperationType(std::string_view name) {
  for (const auto type : {OperationType::kCreate, OperationType::kReconcile, OperationType::kDelete,
                          OperationType::kMigrate, OperationType::kRestore}) {
    if (OperationTypeName(type) == name) {
      return type;
    }
  }
  return std::nullopt;
}

std::string OperationAnnotation(const json& obj) {
  const auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) {
    return {};
  }
  const auto annotations = meta->find("annotations");
  if (annotations == meta->end() || !annotations->is_object()) {
    return {};
  }
  return StringField(*annotations, std::string(kOperationAnnotation).c_str());
}

bool LastOperationSucceeded(const json& obj) {
  const json* last = LastOperation(obj);
  return last != nullptr && StringField(*last, "state") == "Succeeded";
}

bool IsMigrated(const json& obj) {
  const json* last = LastOperation(obj);
  return last != nullptr && StringField(*last, "type") == "Migrate" &&
         StringField(*last, "state") == "Succeeded";
}

OperationType ComputeOperationType(const json& obj) {
  const std::string annotation = OperationAnnotation(obj);
  if (annotation == kOperationMigrate) {
    return OperationType::kMigrate;
  }
  if (HasDeletionTimestamp(obj)) {
    return OperationType::kDelete;
  }
  if (annotation == kOperationRestore) {
    return OperationType::kRestore;
  }
  const json* last = LastOperation(obj);
  if (last == nullptr) {
    return OperationType::kCreate;
  }
  const auto last_type = ParseOperationType(StringField(*last, "type"));
  const bool succeeded = StringField(*last, "state") == "Succeeded";
  if (last_type && !succeeded &&
      (*last_type == OperationType::kCreate || *last_type == OperationType::kMigrate ||
       *last_type == OperationType::kRestore)) {
    return *last_type;
  }
  return OperationType::kReconcile;
}

}  // namespace gpuext::gardener
