// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// End-to-end admission (issue 3's open item): the in-process kube-emulator over TLS calls our
// real gardener::WebhookServer over TLS, whose certificates come from certs.h and whose
// registration comes from webhook_registration.h; the real kubectl drives it all.
//
//   namespace webhook-system:  Service + Endpoints "certs-webhook" → 127.0.0.1:<server port>
//   namespace gpu-team:        labelled e2e.gpuext.dev/webhooks=enabled (webhooks apply)
//   namespace plain:           unlabelled (namespaceSelector excludes it)

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/emulator/server.h"
#include "gpuext/gardener/admission.h"
#include "gpuext/gardener/certs.h"
#include "gpuext/gardener/webhook_registration.h"
#include "gpuext/gardener/webhook_server.h"
#include "gpuext/kube/http_client.h"
#include "gpuext/testing/process.h"

namespace gpuext::gardener::e2e {

inline constexpr const char* kServiceName = "certs-webhook";
inline constexpr const char* kServiceNamespace = "webhook-system";
inline constexpr const char* kMutatedLabel = "e2e.gpuext.dev/mutated";
inline constexpr const char* kMutatingWebhook = "label.e2e.gpuext.dev";
inline constexpr const char* kValidatingWebhook = "deny.e2e.gpuext.dev";
inline constexpr const char* kDenialDetail = "this key is reserved for the platform";

// Labels every object it sees.
class LabelMutator : public Mutator {
 public:
  void Mutate(const AdmissionRequest&, nlohmann::json& object) override {
    object["metadata"]["labels"][kMutatedLabel] = "true";
  }
};

// Denies ConfigMaps carrying data.forbidden, with a field path.
class ForbiddenKeyValidator : public Validator {
 public:
  FieldErrorList Validate(const AdmissionRequest& request) override {
    if (request.object.is_object() &&
        request.object.value("data", nlohmann::json::object()).contains("forbidden")) {
      return {FieldError::Forbidden("data.forbidden", kDenialDetail)};
    }
    return {};
  }
};

class WebhookE2ETest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs the real kubectl against the emulator.
  gpuext::testing::ProcessResult Kubectl(const std::vector<std::string>& args,
                                         const std::string& stdin_text = {});
  // kubectl create -f - of a ConfigMap; `data` as JSON object.
  gpuext::testing::ProcessResult CreateConfigMap(const std::string& ns, const std::string& name,
                                                 const nlohmann::json& data);
  // The stored object, read through our HTTP client.
  std::optional<nlohmann::json> GetConfigMap(const std::string& ns, const std::string& name);

  // Our two configurations: a mutating and a validating one, both selecting gpu-team.
  [[nodiscard]] WebhookConfigurationDescription MutatingDescription() const;
  [[nodiscard]] WebhookConfigurationDescription ValidatingDescription() const;
  void Register(const std::string& ca_bundle);

  // The certificate the webhook server presents to a new connection (via `openssl s_client`).
  std::string PresentedCertificate();

  CertificateConfig cert_config_;
  gpuext::testing::TempDir dir_;
  std::filesystem::path cert_dir_;
  std::filesystem::path kubeconfig_;
  std::unique_ptr<emulator::Server> emulator_;
  std::unique_ptr<kube::HttpClient> client_;
  LabelMutator mutator_;
  ForbiddenKeyValidator validator_;
  std::unique_ptr<WebhookServer> webhook_;
  CertificateRotation initial_;
};

}  // namespace gpuext::gardener::e2e
