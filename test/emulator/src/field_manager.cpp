// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "field_manager.h"

#include "api_status.h"
#include "gpuext/emulator/patch/server_side_apply.h"
#include "object_meta.h"

namespace gpuext::emulator {

std::string UpdateManager(const ApiRequest& req) {
  if (req.content_type.find("apply-patch") != std::string::npos) {
    return "";
  }
  std::string manager = req.Param("fieldManager");
  if (!manager.empty()) {
    if (manager.size() > 128) {
      throw Invalid(
          "UpdateOptions", "meta.k8s.io", "",
          {FieldError::Invalid("fieldManager", manager, "may not be more than 128 bytes")});
    }
    return manager;
  }
  for (const char c : req.user_agent.substr(0, req.user_agent.find('/'))) {
    if (manager.size() >= 128) {
      break;
    }
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      manager += c;
    }
  }
  return manager;
}

void RecordWrite(const ApiRequest& req, const nlohmann::json* live, nlohmann::json& obj) {
  const std::string manager = UpdateManager(req);
  if (manager.empty()) {
    return;
  }
  obj = patch::RecordUpdate(live, obj, manager, req.subresource, req.type->patch_schema,
                            NowRfc3339());
}

}  // namespace gpuext::emulator
