// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// HttpClient's verbs: REST paths and query parameters of the Kubernetes API, pagination, and
// the mapping of answers to values (404 on Get/Delete) or ApiError.
#include "gpuext/kube/http_client.h"

#include <fmt/format.h>

#include "gpuext/error.h"
#include "http_transport.h"
#include "http_watch.h"

namespace gpuext::kube {

using internal::HttpRequest;
using internal::HttpResponse;
using internal::QueryEscape;
using nlohmann::json;

struct HttpClient::Impl {
  Impl(RestConfig config, HttpClientOptions options, Clock& clock)
      : transport(std::move(config), std::move(options), clock) {}
  internal::Transport transport;
};

namespace {

bool Ok(int status) { return status >= 200 && status < 300; }

// Query string builder: "?a=1&b=2" (or empty).
class Query {
 public:
  void Add(std::string_view key, std::string_view value) {
    text_ += text_.empty() ? "?" : "&";
    text_ += key;
    text_ += '=';
    text_ += QueryEscape(value);
  }
  [[nodiscard]] const std::string& str() const { return text_; }

 private:
  std::string text_;
};

json ParseBody(const HttpResponse& response, const std::string& what) {
  try {
    return json::parse(response.body);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInternal,
                fmt::format("{}: the server answered {} with a body that is not JSON: {}", what,
                            response.status, e.what()));
  }
}

void AddWriteOptions(Query& query, const WriteOptions& options) {
  if (!options.field_manager.empty()) {
    query.Add("fieldManager", options.field_manager);
  }
  if (options.dry_run) {
    query.Add("dryRun", "All");
  }
}

void AddSelectors(Query& query, const ListOptions& options) {
  if (!options.label_selector.empty()) {
    query.Add("labelSelector", options.label_selector);
  }
  if (!options.field_selector.empty()) {
    query.Add("fieldSelector", options.field_selector);
  }
}

std::string DeleteBody(const DeleteOptions& options) {
  json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  switch (options.propagation) {
    case PropagationPolicy::kDefault:
      break;
    case PropagationPolicy::kBackground:
      body["propagationPolicy"] = "Background";
      break;
    case PropagationPolicy::kForeground:
      body["propagationPolicy"] = "Foreground";
      break;
    case PropagationPolicy::kOrphan:
      body["propagationPolicy"] = "Orphan";
      break;
  }
  if (options.precondition_uid) {
    body["preconditions"]["uid"] = *options.precondition_uid;
  }
  if (options.precondition_resource_version) {
    body["preconditions"]["resourceVersion"] = *options.precondition_resource_version;
  }
  if (options.grace_period_seconds) {
    body["gracePeriodSeconds"] = *options.grace_period_seconds;
  }
  if (options.dry_run) {
    body["dryRun"] = json::array({"All"});
  }
  return body.dump();
}

std::string ObjectNamespace(const Resource& resource, const json& obj) {
  if (!resource.namespaced) {
    return {};
  }
  const json metadata = obj.is_object() ? obj.value("metadata", json::object()) : json::object();
  const std::string ns = metadata.is_object() ? metadata.value("namespace", "") : "";
  if (ns.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{}: metadata.namespace is required for a namespaced resource",
                            resource.String()));
  }
  return ns;
}

std::string ObjectName(const Resource& resource, const json& obj) {
  const json metadata = obj.is_object() ? obj.value("metadata", json::object()) : json::object();
  const std::string name = metadata.is_object() ? metadata.value("name", "") : "";
  if (name.empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{}: metadata.name is required", resource.String()));
  }
  return name;
}

}  // namespace

namespace internal {

std::string ResourcePath(const Resource& resource, const std::string& ns, const std::string& name,
                         Subresource subresource) {
  std::string path = resource.group.empty()
                         ? fmt::format("/api/{}", resource.version)
                         : fmt::format("/apis/{}/{}", resource.group, resource.version);
  if (resource.namespaced && !ns.empty()) {
    path += "/namespaces/" + QueryEscape(ns);
  }
  path += "/" + resource.resource;
  if (!name.empty()) {
    path += "/" + QueryEscape(name);
  }
  if (subresource == Subresource::kStatus) {
    path += "/status";
  }
  return path;
}

}  // namespace internal

HttpClient::HttpClient(RestConfig config, HttpClientOptions options, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(options), clock)) {}

HttpClient::~HttpClient() = default;

const RestConfig& HttpClient::config() const { return impl_->transport.config(); }

std::optional<json> HttpClient::Get(const Resource& resource, const ObjectKey& key) {
  const HttpResponse response = impl_->transport.Do(
      HttpRequest{.method = "GET",
                  .verb = "GET",
                  .resource = resource.String(),
                  .path = internal::ResourcePath(resource, key.ns, key.name, Subresource::kNone),
                  .body = {},
                  .content_type = {}});
  if (response.status == 404) {
    return std::nullopt;
  }
  if (!Ok(response.status)) {
    throw ApiErrorFromResponse(response.status, response.body);
  }
  return ParseBody(response, fmt::format("get {} {}", resource.String(), key.String()));
}

std::optional<json> HttpClient::GetPath(const std::string& path) {
  const HttpResponse response = impl_->transport.Do(HttpRequest{.method = "GET",
                                                                .verb = "GET",
                                                                .resource = path,
                                                                .path = path,
                                                                .body = {},
                                                                .content_type = {}});
  if (response.status == 404) {
    return std::nullopt;
  }
  if (!Ok(response.status)) {
    throw ApiErrorFromResponse(response.status, response.body);
  }
  return ParseBody(response, fmt::format("get {}", path));
}

json HttpClient::List(const Resource& resource, const ListOptions& options) {
  json result;
  std::string continue_token;
  do {
    Query query;
    AddSelectors(query, options);
    if (options.limit > 0) {
      query.Add("limit", std::to_string(options.limit));
    }
    if (!continue_token.empty()) {
      // A continued list is pinned to the first page's snapshot; no resourceVersion allowed.
      query.Add("continue", continue_token);
    } else if (!options.resource_version.empty()) {
      query.Add("resourceVersion", options.resource_version);
    }
    const HttpResponse response = impl_->transport.Do(HttpRequest{
        .method = "GET",
        .verb = "LIST",
        .resource = resource.String(),
        .path = internal::ResourcePath(resource, options.ns, "", Subresource::kNone) + query.str(),
        .body = {},
        .content_type = {}});
    if (!Ok(response.status)) {
      throw ApiErrorFromResponse(response.status, response.body);
    }
    json page = ParseBody(response, fmt::format("list {}", resource.String()));
    json metadata = page.value("metadata", json::object());
    continue_token = metadata.is_object() ? metadata.value("continue", "") : "";
    json items = page.value("items", json::array());
    if (items.is_null()) {
      items = json::array();
    }
    if (result.is_null()) {
      result = std::move(page);
      result["items"] = std::move(items);
    } else {
      json& all = result["items"];
      for (auto& item : items) {
        all.push_back(std::move(item));
      }
      result["metadata"]["resourceVersion"] = metadata.value("resourceVersion", "");
    }
  } while (!continue_token.empty());
  if (result["metadata"].is_object()) {
    result["metadata"].erase("continue");
    result["metadata"].erase("remainingItemCount");
  }
  return result;
}

json HttpClient::Create(const Resource& resource, const json& obj, const WriteOptions& options) {
  Query query;
  AddWriteOptions(query, options);
  const HttpResponse response = impl_->transport.Do(HttpRequest{
      .method = "POST",
      .verb = "POST",
      .resource = resource.String(),
      .path =
          internal::ResourcePath(resource, ObjectNamespace(resource, obj), "", Subresource::kNone) +
          query.str(),
      .body = obj.dump(),
      .content_type = "application/json"});
  if (!Ok(response.status)) {
    throw ApiErrorFromResponse(response.status, response.body);
  }
  return ParseBody(response, fmt::format("create {}", resource.String()));
}

json HttpClient::Update(const Resource& resource, const json& obj, Subresource subresource,
                        const WriteOptions& options) {
  Query query;
  AddWriteOptions(query, options);
  const HttpResponse response = impl_->transport.Do(
      HttpRequest{.method = "PUT",
                  .verb = "PUT",
                  .resource = resource.String(),
                  .path = internal::ResourcePath(resource, ObjectNamespace(resource, obj),
                                                 ObjectName(resource, obj), subresource) +
                          query.str(),
                  .body = obj.dump(),
                  .content_type = "application/json"});
  if (!Ok(response.status)) {
    throw ApiErrorFromResponse(response.status, response.body);
  }
  return ParseBody(response, fmt::format("update {}", resource.String()));
}

json HttpClient::Patch(const Resource& resource, const ObjectKey& key, PatchType type,
                       const json& patch, Subresource subresource, const WriteOptions& options) {
  Query query;
  AddWriteOptions(query, options);
  std::string content_type;
  switch (type) {
    case PatchType::kMerge:
      content_type = "application/merge-patch+json";
      break;
    case PatchType::kJson:
      content_type = "application/json-patch+json";
      break;
    case PatchType::kStrategic:
      content_type = "application/strategic-merge-patch+json";
      break;
    case PatchType::kApply:
      if (options.field_manager.empty()) {
        throw Error(ErrorCode::kInvalidArgument,
                    fmt::format("apply patch of {} {}: a field manager is required",
                                resource.String(), key.String()));
      }
      // JSON is YAML: the body needs no conversion.
      content_type = "application/apply-patch+yaml";
      if (options.force) {
        query.Add("force", "true");
      }
      break;
  }
  const HttpResponse response = impl_->transport.Do(HttpRequest{
      .method = "PATCH",
      .verb = "PATCH",
      .resource = resource.String(),
      .path = internal::ResourcePath(resource, key.ns, key.name, subresource) + query.str(),
      .body = patch.dump(),
      .content_type = content_type});
  if (!Ok(response.status)) {
    throw ApiErrorFromResponse(response.status, response.body);
  }
  return ParseBody(response, fmt::format("patch {} {}", resource.String(), key.String()));
}

void HttpClient::Delete(const Resource& resource, const ObjectKey& key,
                        const DeleteOptions& options) {
  const HttpResponse response = impl_->transport.Do(
      HttpRequest{.method = "DELETE",
                  .verb = "DELETE",
                  .resource = resource.String(),
                  .path = internal::ResourcePath(resource, key.ns, key.name, Subresource::kNone),
                  .body = DeleteBody(options),
                  .content_type = "application/json"});
  if (response.status == 404 || Ok(response.status)) {
    return;
  }
  throw ApiErrorFromResponse(response.status, response.body);
}

void HttpClient::DeleteCollection(const Resource& resource, const ListOptions& options,
                                  const DeleteOptions& delete_options) {
  Query query;
  AddSelectors(query, options);
  const HttpResponse response = impl_->transport.Do(HttpRequest{
      .method = "DELETE",
      .verb = "DELETECOLLECTION",
      .resource = resource.String(),
      .path = internal::ResourcePath(resource, options.ns, "", Subresource::kNone) + query.str(),
      .body = DeleteBody(delete_options),
      .content_type = "application/json"});
  if (!Ok(response.status)) {
    throw ApiErrorFromResponse(response.status, response.body);
  }
}

std::unique_ptr<WatchStream> HttpClient::Watch(const Resource& resource, const ListOptions& options,
                                               std::stop_token stop) {
  Query query;
  query.Add("watch", "true");
  AddSelectors(query, options);
  if (!options.resource_version.empty()) {
    query.Add("resourceVersion", options.resource_version);
  }
  if (options.allow_watch_bookmarks) {
    query.Add("allowWatchBookmarks", "true");
  }
  if (options.timeout_seconds) {
    query.Add("timeoutSeconds", std::to_string(*options.timeout_seconds));
  }
  return internal::StartWatch(
      impl_->transport, resource.String(),
      internal::ResourcePath(resource, options.ns, "", Subresource::kNone) + query.str(),
      std::move(stop));
}

}  // namespace gpuext::kube
