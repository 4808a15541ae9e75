// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The read verbs: get, list (selectors, pagination) and watch.
#include <algorithm>

#include <fmt/format.h>

#include "api_server.h"
#include "api_status.h"
#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "object_meta.h"
#include "watch_filter.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

struct ContinueToken {
  uint64_t resource_version = 0;
  std::string start;  // "ns/name" of the last item returned
};

ContinueToken DecodeContinue(const std::string& token) {
  std::string raw;
  try {
    raw = Base64Decode(token);
  } catch (const Error& e) {
    throw BadRequest(fmt::format("continue key is not valid: {}", e.what()));
  }
  try {
    const json j = json::parse(raw);
    return {j.at("rv").get<uint64_t>(), j.at("start").get<std::string>()};
  } catch (const std::exception&) {
    throw BadRequest("continue key is not valid: incorrect encoded start resourceVersion");
  }
}

std::string EncodeContinue(const ContinueToken& t) {
  return Base64Encode(
      json{{"v", "meta.k8s.io/v1"}, {"rv", t.resource_version}, {"start", t.start}}.dump());
}

size_t ParseLimit(const ApiRequest& req) {
  const std::string limit = req.Param("limit");
  if (limit.empty()) {
    return 0;
  }
  try {
    const long long n = std::stoll(limit);
    return n > 0 ? static_cast<size_t>(n) : 0;
  } catch (const std::exception&) {
    throw BadRequest(fmt::format("invalid limit: {}", limit));
  }
}

}  // namespace

json ApiServer::Get(const ApiRequest& req) {
  const ResourceType& type = *req.type;
  const ObjectPtr obj = store_.Get(type.StorageKey(), req.ns, req.name);
  if (!obj) {
    throw NotFound(type.resource, type.group, req.name);
  }
  if (req.subresource == "scale") {
    return ScaleOf(type, *obj);
  }
  return Served(type, *obj);
}

json ApiServer::List(const ApiRequest& req) {
  const ResourceType& type = *req.type;
  const Selectors selectors = Selectors::FromRequest(req);
  const size_t limit = ParseLimit(req);
  std::string after;
  if (const std::string token = req.Param("continue"); !token.empty()) {
    const ContinueToken t = DecodeContinue(token);
    if (t.resource_version < store_.CompactedResourceVersion()) {
      throw ApiStatus(
          410, "Expired",
          "The provided continue parameter is too old to display a consistent list result. You "
          "can start a new list without the continue parameter.");
    }
    after = t.start;
  }
  if (req.Param("resourceVersionMatch") == "Exact") {
    const std::string rv = req.Param("resourceVersion");
    if (rv.empty() || std::to_string(store_.ResourceVersion()) != rv) {
      throw Gone(fmt::format("too old resource version: {} ({})", rv, store_.ResourceVersion()));
    }
  }
  const ObjectStore::ListResult stored = store_.List(type.StorageKey(), req.ns, after);
  json items = json::array();
  std::string last_path;
  size_t index = 0;
  for (; index < stored.items.size(); ++index) {
    const json& obj = *stored.items[index];
    if (!selectors.Matches(obj)) {
      continue;
    }
    if (limit > 0 && items.size() == limit) {
      break;
    }
    items.push_back(Served(type, obj));
    last_path = ObjectPath(Meta(obj, "namespace"), Meta(obj, "name"));
  }
  json meta = {{"resourceVersion", std::to_string(stored.resource_version)}};
  if (index < stored.items.size()) {
    meta["continue"] = EncodeContinue({stored.resource_version, last_path});
    if (selectors.Empty()) {
      meta["remainingItemCount"] = stored.items.size() - index;
    }
  }
  return {{"kind", type.list_kind},
          {"apiVersion", type.ApiVersion()},
          {"metadata", meta},
          {"items", std::move(items)}};
}

}  // namespace gpuext::emulator
