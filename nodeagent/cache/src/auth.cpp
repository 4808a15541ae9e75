// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/cache/auth.h"

#include <utility>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "gpuext/error.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::cache {

SharedTokenAuthenticator::SharedTokenAuthenticator(std::string token, std::string user)
    : token_(std::move(token)), user_(std::move(user)) {
  if (token_.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "shared token authenticator: the token is empty");
  }
}

std::optional<std::string> SharedTokenAuthenticator::Authenticate(std::string_view bearer_token) {
  if (bearer_token.size() == token_.size() &&
      CRYPTO_memcmp(bearer_token.data(), token_.data(), token_.size()) == 0) {
    return user_;
  }
  return std::nullopt;
}

TokenReviewAuthenticator::TokenReviewAuthenticator(kube::Client& client, const Clock& clock,
                                                   TokenReviewOptions options)
    : client_(client), clock_(clock), options_(std::move(options)) {}

std::optional<std::string> TokenReviewAuthenticator::Authenticate(std::string_view bearer_token) {
  if (bearer_token.empty()) {
    return std::nullopt;
  }
  const std::string id = Sha256Hex(bearer_token);
  const auto now = clock_.SteadyNow();
  {
    std::lock_guard lock(mutex_);
    if (const auto it = cache_.find(id); it != cache_.end() && it->second.until > now) {
      return it->second.user;
    }
  }
  // The API server answers authenticated=false for a token that is not valid for any of the
  // requested audiences, so the audience check happens there.
  const nlohmann::json review = {
      {"apiVersion", "authentication.k8s.io/v1"},
      {"kind", "TokenReview"},
      {"spec", {{"token", std::string(bearer_token)}, {"audiences", {options_.audience}}}}};
  nlohmann::json answer;
  try {
    answer = client_.Create({"authentication.k8s.io", "v1", "tokenreviews", false}, review);
  } catch (const std::exception&) {
    std::throw_with_nested(
        Error(ErrorCode::kRetryableInfraDependencies, "TokenReview for a lease request failed"));
  }
  std::optional<std::string> user;
  const nlohmann::json status = answer.value("status", nlohmann::json::object());
  if (status.value("authenticated", false)) {
    const std::string name =
        status.value("user", nlohmann::json::object()).value("username", std::string());
    bool audience_ok = true;
    if (const auto it = status.find("audiences"); it != status.end() && it->is_array()) {
      audience_ok = false;
      for (const auto& a : *it) {
        audience_ok = audience_ok || (a.is_string() && a.get<std::string>() == options_.audience);
      }
    }
    if (audience_ok && options_.allowed_users.contains(name)) {
      user = name;
    }
  }
  std::lock_guard lock(mutex_);
  if (cache_.size() > 10000) {
    std::erase_if(cache_, [&](const auto& entry) { return entry.second.until <= now; });
  }
  cache_[id] = {user, now + options_.cache_ttl};
  return user;
}

}  // namespace gpuext::nodeagent::cache
