// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The Lease record: one acquire-or-renew attempt, the release, and what this process observed.
#include <array>
#include <cstdlib>
#include <random>

#include <fmt/format.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/leader_election.h"
#include "gpuext/time_format.h"

namespace gpuext::kube {

using nlohmann::json;

namespace {

std::string HolderOf(const json& spec) {
  const auto it = spec.find("holderIdentity");
  return it != spec.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t IntOf(const json& spec, const char* field) {
  const auto it = spec.find(field);
  return it != spec.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string RandomUuid() {
  std::random_device device;
  std::array<unsigned char, 16> bytes{};
  for (auto& b : bytes) {
    b = static_cast<unsigned char>(device());
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += fmt::format("{:02x}", bytes[i]);
  }
  return out;
}

}  // namespace

std::string DefaultLeaderIdentity() {
  std::string name;
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') {
    name = pod;
  } else {
    std::array<char, 256> host{};
    if (gethostname(host.data(), host.size() - 1) == 0) {
      name = host.data();
    }
  }
  return name + "_" + RandomUuid();
}

bool LeaderElector::TryAcquireOrRenew() {
  const std::string now = FormatRfc3339Micro(clock_.Now());
  json spec = {{"holderIdentity", options_.identity},
               {"leaseDurationSeconds", options_.lease_duration.count()},
               {"acquireTime", now},
               {"renewTime", now},
               {"leaseTransitions", 0}};
  std::optional<json> current;
  try {
    current = client_.Get(kLeases, {options_.lease_namespace, options_.lease_name});
  } catch (const std::exception& e) {
    log_.Error(e, "Failed to read the lease");
    return false;
  }
  if (!current.has_value()) {
    return TryCreate(spec);
  }
  const json old_spec = current->value("spec", json::object());
  {
    std::lock_guard lock(mutex_);
    lease_ = *current;
    if (old_spec != observed_spec_) {
      observed_spec_ = old_spec;
      observed_time_ = clock_.SteadyNow();
    }
    if (!HolderOf(old_spec).empty() && LeaseValidLocked(clock_.SteadyNow()) && !IsLeaderLocked()) {
      log_.Debug("Lease is held by another candidate and has not expired",
                 {{"holder", HolderOf(old_spec)}});
      return false;
    }
    if (IsLeaderLocked()) {
      spec["acquireTime"] = old_spec.value("acquireTime", now);
      spec["leaseTransitions"] = IntOf(old_spec, "leaseTransitions");
    } else {
      spec["leaseTransitions"] = IntOf(old_spec, "leaseTransitions") + 1;
    }
  }
  return TryUpdate(*current, spec);
}

bool LeaderElector::TryCreate(const json& spec) {
  const json lease = {
      {"apiVersion", kLeases.ApiVersion()},
      {"kind", "Lease"},
      {"metadata", {{"name", options_.lease_name}, {"namespace", options_.lease_namespace}}},
      {"spec", spec}};
  try {
    const json created = client_.Create(kLeases, lease);
    std::lock_guard lock(mutex_);
    lease_ = created;
  } catch (const std::exception& e) {
    // AlreadyExists: another candidate created it first; the next attempt reads it.
    log_.Error(e, "Failed to create the lease");
    return false;
  }
  Observe(spec);
  return true;
}

bool LeaderElector::TryUpdate(json lease, const json& spec) {
  // `lease` keeps metadata.resourceVersion from the read: the write fails with 409 if anyone
  // wrote in between.
  lease["spec"] = spec;
  try {
    const json updated = client_.Update(kLeases, lease);
    std::lock_guard lock(mutex_);
    lease_ = updated;
  } catch (const std::exception& e) {
    if (IsConflict(e)) {
      log_.Debug("Lease changed while writing it; retrying later");
    } else {
      log_.Error(e, "Failed to update the lease");
    }
    return false;
  }
  Observe(spec);
  return true;
}

void LeaderElector::Observe(const json& spec) {
  std::lock_guard lock(mutex_);
  observed_spec_ = spec;
  observed_time_ = clock_.SteadyNow();
}

bool LeaderElector::LeaseValidLocked(std::chrono::steady_clock::time_point now) const {
  const auto duration = std::chrono::seconds(IntOf(observed_spec_, "leaseDurationSeconds"));
  return observed_time_ + duration > now;
}

bool LeaderElector::IsLeaderLocked() const { return HolderOf(observed_spec_) == options_.identity; }

bool LeaderElector::IsLeader() const {
  std::lock_guard lock(mutex_);
  return IsLeaderLocked();
}

std::string LeaderElector::leader() const {
  std::lock_guard lock(mutex_);
  return HolderOf(observed_spec_);
}

void LeaderElector::Release() {
  json lease;
  json spec;
  {
    std::lock_guard lock(mutex_);
    if (!IsLeaderLocked() || !lease_.has_value()) {
      return;
    }
    const std::string now = FormatRfc3339Micro(clock_.Now());
    // An empty holder with a one-second lease: every candidate may take it at its next try.
    spec = {{"holderIdentity", ""},
            {"leaseDurationSeconds", 1},
            {"acquireTime", now},
            {"renewTime", now},
            {"leaseTransitions", IntOf(observed_spec_, "leaseTransitions")}};
    lease = *lease_;
  }
  if (TryUpdate(lease, spec)) {
    log_.Info("Released the lease");
  }
}

}  // namespace gpuext::kube
