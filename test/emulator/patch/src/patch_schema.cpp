// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "gpuext/emulator/patch/patch_schema.h"

#include <utility>

#include <fmt/format.h>

#include "builtin_schemas.h"
#include "gpuext/error.h"

namespace gpuext::emulator::patch {

PatchSchema::PatchSchema(std::vector<PatchField> fields) {
  for (PatchField& field : fields) {
    if (field.strategy == FieldStrategy::kMergeByKey && field.merge_key.empty()) {
      throw Error(
          ErrorCode::kInvalidArgument,
          fmt::format("patch schema: field {} merges by key but names no merge key", field.path));
    }
    std::string path = field.path;
    fields_.insert_or_assign(std::move(path), std::move(field));
  }
}

const PatchSchema* PatchSchema::ForKind(std::string_view group, std::string_view kind) {
  return internal::BuiltinSchema(group, kind);
}

const PatchField* PatchSchema::Find(std::string_view path) const {
  auto it = fields_.find(path);
  return it == fields_.end() ? nullptr : &it->second;
}

std::vector<PatchField> PatchSchema::fields() const {
  std::vector<PatchField> out;
  out.reserve(fields_.size());
  for (const auto& [path, field] : fields_) {
    out.push_back(field);
  }
  return out;
}

std::string JoinPath(std::string_view parent, std::string_view field) {
  if (parent.empty()) {
    return std::string(field);
  }
  std::string out;
  out.reserve(parent.size() + 1 + field.size());
  out.append(parent).append(".").append(field);
  return out;
}

}  // namespace gpuext::emulator::patch
