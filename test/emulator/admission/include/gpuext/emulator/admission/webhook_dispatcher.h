// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// How the kube-apiserver emulator calls admission webhooks, the way kube-apiserver's
// MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins do (DESIGN.md §21.1).
//
//   WebhookDispatcher dispatcher({
//       .mutating_configurations = [&] { return store.List("mutatingwebhookconfigurations"); },
//       .validating_configurations = [&] { return store.List("validatingwebhookconfigurations"); },
//       .get_namespace = [&](const std::string& name) { return store.Get("namespaces", name); },
//       .resolve_service = [&](const std::string& ns, const std::string& name, int port) {
//         return endpoints.Resolve(ns, name, port);  // "127.0.0.1:40123"
//       },
//   });
//   Result mutated = dispatcher.Mutate(attributes, std::move(object));
//   if (!mutated.allowed) { return StatusResponse(mutated.code, mutated.reason, mutated.message); }
//   ... defaulting, schema validation ...
//   Result validated = dispatcher.Validate(attributes, mutated.object);
//
// Each webhook is called over HTTPS with an AdmissionReview (admission.k8s.io/v1, or v1beta1
// when that is the only version it accepts), verifying the server certificate against the
// webhook's caBundle. A `service` clientConfig is verified for `<name>.<namespace>.svc` while
// the connection goes to the address that Environment::resolve_service returns.
//
// Denials and failures are ordinary answers (a Result with allowed == false), carrying the
// HTTP code, Status reason and the message text that kube-apiserver would return. Nothing here
// throws for a webhook's misbehaviour; only std::bad_alloc and the like escape.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpuext::emulator::admission {

// One admission request, as kube-apiserver's admission.Attributes describes it. Borrowed by the
// dispatcher for the duration of a call.
struct Attributes {
  std::string operation = {};  // CREATE, UPDATE, DELETE, CONNECT
  // The request's resource: group "" is the core group; subresource e.g. "status".
  std::string group = {};
  std::string version = {};
  std::string resource = {};
  std::string subresource = {};
  // The object's kind (e.g. "", "v1", "Pod").
  std::string kind_group = {};
  std::string kind_version = {};
  std::string kind = {};
  // Namespace and name of the object. kube-apiserver sets `ns` of a Namespace object to its own
  // name on UPDATE/DELETE (taken from the URL) and leaves it empty on CREATE; do the same.
  std::string ns = {};
  std::string name = {};
  bool namespaced = true;  // false for cluster-scoped resources, Namespace included
  bool dry_run = false;
  std::string user = {};
  std::vector<std::string> groups = {};
  const nlohmann::json* old_object = nullptr;  // UPDATE/DELETE: the stored object
  // The request options sent as request.options (CreateOptions, UpdateOptions, DeleteOptions).
  // nullptr: derived from `operation` and `dry_run`.
  const nlohmann::json* options = nullptr;
};

// How the dispatcher sees the cluster. Every callback may be called from several threads at
// once and must be safe for that. An empty std::function reads as "none": no configurations,
// no namespaces, no service endpoints.
struct Environment {
  // MutatingWebhookConfiguration objects, in any order.
  std::function<std::vector<nlohmann::json>()> mutating_configurations = {};
  // ValidatingWebhookConfiguration objects, in any order.
  std::function<std::vector<nlohmann::json>()> validating_configurations = {};
  // The Namespace object named `name`, for namespaceSelector; nullopt when it does not exist.
  std::function<std::optional<nlohmann::json>(const std::string& name)> get_namespace = {};
  // Resolves a clientConfig.service to the "host:port" to connect to (the emulator reads
  // Endpoints); nullopt makes the call fail like a connection error.
  std::function<std::optional<std::string>(const std::string& ns, const std::string& name,
                                           int port)>
      resolve_service = {};
};

// The answer of Mutate or Validate.
struct Result {
  bool allowed = true;
  // HTTP code for the client when denied: the webhook's status.code (at least 400, as
  // kube-apiserver enforces; 400 when it gave none), 500 when a webhook with failurePolicy Fail
  // could not be called, 400 for a dry run that a webhook with side effects would see, 404
  // when namespaceSelector needs a namespace that does not exist.
  int code = 200;
  // Status reason: the webhook's own (possibly empty) on denial, "InternalError" for failures,
  // "BadRequest" for unsupported dry runs, "NotFound" for a missing namespace.
  std::string reason = {};
  // The exact Status message kube-apiserver returns, e.g.
  // `admission webhook "x.example.com" denied the request: <webhook's message>` or
  // `Internal error occurred: failed calling webhook "x.example.com": failed to call webhook:
  // Post "https://x.default.svc:443/mutate?timeout=10s": context deadline exceeded`.
  std::string message = {};
  // The (possibly mutated) object. Mutate returns it even when denied, as far as it got.
  nlohmann::json object = {};
  // Admission warnings from every webhook called, in call order, without duplicates.
  std::vector<std::string> warnings = {};
};

// Calls the admission webhooks registered in the Environment's configurations.
//
// Thread safety: safe for concurrent use; every call reads the configurations afresh, so a
// change to a configuration takes effect on the next request. Calls block for at most the sum
// of the matching webhooks' timeoutSeconds (mutating; validating webhooks run in parallel).
class WebhookDispatcher {
 public:
  // Initialises libcurl once per process (curl_global_init is thread-safe in the libcurl that
  // Debian 12 ships, 7.88).
  explicit WebhookDispatcher(Environment env);

  // Runs the matching mutating webhooks in kube-apiserver's order (configurations sorted by
  // name, webhooks in their order), applying each JSONPatch response to `object`. When a webhook
  // changed the object, the earlier webhooks with reinvocationPolicy IfNeeded run once more.
  // `object` is null for DELETE and CONNECT; a patch for it is then an internal error.
  // Requests for webhook configurations themselves are never sent to webhooks.
  [[nodiscard]] Result Mutate(const Attributes& a, nlohmann::json object) const;

  // Runs the matching validating webhooks on the final object, in parallel. When several deny,
  // the first one in configuration order decides the answer. The returned Result's object is
  // `object` unchanged.
  [[nodiscard]] Result Validate(const Attributes& a, const nlohmann::json& object) const;

 private:
  Environment env_;  // Immutable after construction.
};

}  // namespace gpuext::emulator::admission
