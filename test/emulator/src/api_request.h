// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// One resource request after the HTTP layer has taken it apart (kube-apiserver's RequestInfo).

#include <map>
#include <string>
#include <vector>

#include "resource_type.h"

namespace gpuext::emulator {

struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

struct ApiRequest {
  std::string verb;  // get list watch create update patch delete deletecollection
  ResourceTypePtr type;
  std::string ns;
  std::string name;
  std::string subresource;  // "", "status", "scale"
  std::map<std::string, std::string> query;
  std::string body;
  std::string content_type;
  UserInfo user;
  std::string user_agent = {};  // names the field manager of writes without ?fieldManager=

  // The query parameter or "" when absent.
  [[nodiscard]] std::string Param(const std::string& key) const {
    const auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  }
  [[nodiscard]] bool DryRun() const { return query.contains("dryRun"); }
};

}  // namespace gpuext::emulator
