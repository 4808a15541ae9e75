// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Who may request leases (DESIGN.md §14.3, §19.1): node agents with a projected ServiceAccount
// token of audience gpu-driver-cache, checked by a TokenReview. Tests use a shared token.
//
//   TokenReviewAuthenticator auth(client, clock);       // in the cluster
//   SharedTokenAuthenticator auth("test-token");        // tests
//   if (auto user = auth.Authenticate(bearer)) { ... *user == "system:serviceaccount:..." }

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "gpuext/clock.h"
#include "gpuext/kube/client.h"

namespace gpuext::nodeagent::cache {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The authenticated and allowed user name, or nullopt (the server answers 401). Throws
  // gpuext::Error when the check itself failed (the server answers 503).
  [[nodiscard]] virtual std::optional<std::string> Authenticate(std::string_view bearer_token) = 0;
};

// Accepts exactly one token, compared in constant time. For tests and local runs.
class SharedTokenAuthenticator final : public Authenticator {
 public:
  explicit SharedTokenAuthenticator(std::string token, std::string user = "shared-token");
  [[nodiscard]] std::optional<std::string> Authenticate(std::string_view bearer_token) override;

 private:
  std::string token_;
  std::string user_;
};

struct TokenReviewOptions {
  std::string audience = "gpu-driver-cache";
  // Users allowed after authentication: the node agents' ServiceAccount.
  std::set<std::string, std::less<>> allowed_users = {
      "system:serviceaccount:gpu-node-agent:gpu-node-agent"};
  std::chrono::seconds cache_ttl = std::chrono::minutes(1);  // answers, positive and negative
};

// TokenReview through kube::Client (authentication.k8s.io/v1); answers are cached by the
// token's sha256 for cache_ttl, so a node polling every few seconds costs one review a minute.
// Safe for concurrent use.
class TokenReviewAuthenticator final : public Authenticator {
 public:
  TokenReviewAuthenticator(kube::Client& client, const Clock& clock,
                           TokenReviewOptions options = {});
  [[nodiscard]] std::optional<std::string> Authenticate(std::string_view bearer_token) override;

 private:
  struct Cached {
    std::optional<std::string> user;
    std::chrono::steady_clock::time_point until;
  };
  kube::Client& client_;
  const Clock& clock_;
  TokenReviewOptions options_;
  std::mutex mutex_;
  std::map<std::string, Cached> cache_;  // guarded by mutex_; keyed by sha256 of the token
};

}  // namespace gpuext::nodeagent::cache
