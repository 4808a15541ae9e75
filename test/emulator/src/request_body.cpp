// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "request_body.h"

#include <fmt/format.h>

#include "api_status.h"
#include "gpuext/yaml_json.h"
#include "object_meta.h"

namespace gpuext::emulator {

using nlohmann::json;

json DecodeBody(const ApiRequest& req, bool want_object) {
  if (req.body.empty()) {
    throw BadRequest("the body of the request was empty; an object is required");
  }
  json obj;
  const bool yaml = req.content_type.find("yaml") != std::string::npos;
  try {
    obj = yaml ? ParseYaml(req.body) : json::parse(req.body);
  } catch (const std::exception& e) {
    throw BadRequest(fmt::format("the body of the request could not be decoded: {}", e.what()));
  }
  try {
    (void)obj.dump();
  } catch (const json::type_error&) {
    // Invalid UTF-8 inside strings: the YAML decoder refuses it, the JSON decoder replaces
    // it with U+FFFD, as kube-apiserver's decoders do. Nothing invalid reaches the store.
    if (yaml) {
      throw BadRequest("the body of the request could not be decoded: invalid UTF-8 in YAML");
    }
    obj = json::parse(obj.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  if (want_object && !obj.is_object()) {
    throw BadRequest(
        fmt::format("the body of the request must be a JSON object, not {}", obj.type_name()));
  }
  return obj;
}

void CheckObjectAgainstRequest(const ApiRequest& req, json& obj, bool check_name) {
  const ResourceType& type = *req.type;
  // Like kube-apiserver's decoder, a body without apiVersion and kind takes them from the URL.
  if (!obj.contains("kind") && !obj.contains("apiVersion")) {
    obj["apiVersion"] = type.ApiVersion();
    obj["kind"] = type.kind;
  }
  const std::string kind = obj.value("kind", "");
  const std::string api_version = obj.value("apiVersion", "");
  if (kind.empty()) {
    throw BadRequest(
        fmt::format("Object 'Kind' is missing in '{}'",
                    obj.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 200)));
  }
  if (api_version != type.ApiVersion()) {
    throw BadRequest(
        fmt::format("the API version in the data ({}) does not match the expected API version ({})",
                    api_version, type.ApiVersion()));
  }
  if (kind != type.kind) {
    throw BadRequest(fmt::format("the kind in the data ({}) does not match the expected kind ({})",
                                 kind, type.kind));
  }
  if (obj.contains("metadata") && !obj["metadata"].is_object()) {
    throw BadRequest("metadata must be an object");
  }
  json& meta = obj["metadata"];
  if (meta.is_null()) {
    meta = json::object();
  }
  const std::string ns = Meta(obj, "namespace");
  if (type.namespaced) {
    if (ns.empty()) {
      meta["namespace"] = req.ns;
    } else if (ns != req.ns) {
      throw BadRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
  }
  if (check_name && Meta(obj, "name") != req.name) {
    throw BadRequest(
        fmt::format("the name of the object ({}) does not match the name on the URL ({})",
                    Meta(obj, "name"), req.name));
  }
}

}  // namespace gpuext::emulator
