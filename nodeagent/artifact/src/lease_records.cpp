// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "lease_records.h"

#include <random>

#include <nlohmann/json.hpp>

#include "gpuext/sha256.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::artifact::internal {

using nlohmann::json;

std::string LeaseToJsonText(const Lease& l) {
  return json{{"id", l.id},
              {"holder", l.holder},
              {"key", l.key},
              {"created", FormatRfc3339Micro(l.created)},
              {"expires", FormatRfc3339Micro(l.expires)},
              {"phase", l.phase},
              {"generation", l.generation}}
      .dump();
}

std::optional<Lease> LeaseFromJsonText(const std::string& text) {
  try {
    const json j = json::parse(text);
    const auto created = ParseRfc3339(j.at("created").get<std::string>());
    const auto expires = ParseRfc3339(j.at("expires").get<std::string>());
    if (!created || !expires) {
      return std::nullopt;
    }
    return Lease{.id = j.at("id").get<std::string>(),
                 .holder = j.at("holder").get<std::string>(),
                 .key = j.at("key").get<std::string>(),
                 .created = *created,
                 .expires = *expires,
                 .phase = j.at("phase").get<std::string>(),
                 .generation = j.at("generation").get<std::int64_t>()};
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string FailureToJsonText(const FailureRecord& f) {
  return json{{"key", f.key},
              {"reason", f.reason},
              {"message", f.message},
              {"attempts", f.attempts},
              {"failedAt", FormatRfc3339Micro(f.failed_at)},
              {"retryAfter", FormatRfc3339Micro(f.retry_after)}}
      .dump();
}

std::optional<FailureRecord> FailureFromJsonText(const std::string& text) {
  try {
    const json j = json::parse(text);
    const auto failed = ParseRfc3339(j.at("failedAt").get<std::string>());
    const auto retry = ParseRfc3339(j.at("retryAfter").get<std::string>());
    if (!failed || !retry) {
      return std::nullopt;
    }
    return FailureRecord{.key = j.at("key").get<std::string>(),
                         .reason = j.at("reason").get<std::string>(),
                         .message = j.at("message").get<std::string>(),
                         .attempts = j.at("attempts").get<std::int64_t>(),
                         .failed_at = *failed,
                         .retry_after = *retry};
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string RandomLeaseHex(std::size_t bytes) {
  std::random_device rd;
  std::string raw;
  for (std::size_t i = 0; i < bytes; ++i) {
    raw.push_back(static_cast<char>(rd() & 0xff));
  }
  return HexEncode(raw);
}

}  // namespace gpuext::nodeagent::artifact::internal
