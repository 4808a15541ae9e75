// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Random shoots through the Shoot webhook: MutateShoot, ValidateShoot and the AdmissionReview
// path of both handlers. The shoots start from a realistic GPU shoot and are bent by random
// edits (values of every JSON type in every place, removed and invented keys, type-meta and
// enum near-misses, long multi-byte strings), so the decoders and rules are reached, not only
// the first type check. Fixed seed: a failure reproduces with the printed iteration.
//
// Properties:
//   - nothing throws out of MutateShoot, ValidateShoot or HandleAdmissionReview;
//   - a well-formed AdmissionReview is never answered with code 500;
//   - a denial always carries a non-empty message, and every field error renders to text;
//   - the response encodes as strict UTF-8 JSON (what the HTTP server sends), and a returned
//     JSON patch applies to the request's object.

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/gardener/admission.h"
#include "gpuext/webhook/shoot_admission.h"
#include "gpuext/webhook/shoot_mutator.h"
#include "gpuext/webhook/shoot_validator.h"
#include "shoot_review.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;

constexpr uint32_t kSeed = 20261123;
constexpr int kIterations = 3000;  // about 20 s in the Check build on 2 cores
// A slow machine (or a sanitizer build) stops early rather than failing; the seed still fixes
// which shoots run, only fewer of them.
constexpr auto kTimeBudget = std::chrono::seconds(120);
constexpr int kMinIterations = 500;

const json kFuzzProfile = json::parse(R"({
  "apiVersion": "core.gardener.cloud/v1beta1", "kind": "CloudProfile", "metadata": {"name": "aws"},
  "spec": {
    "machineTypes": [{"name": "p4d.24xlarge", "gpu": "8"}, {"name": "g4dn.xlarge", "gpu": 1},
                     {"name": "m5.large", "cpu": "2"}],
    "machineImages": [{"name": "gardenlinux", "versions": [
      {"version": "1443.3.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "gvisor"}]}]},
      {"version": "1877.5.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]},
      {"version": "2150.9.0", "cri": [{"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}]}]}]}
})");

const json kShoot = json::parse(R"({
  "apiVersion": "core.gardener.cloud/v1beta1", "kind": "Shoot",
  "metadata": {"name": "gpu", "namespace": "garden-dev"},
  "spec": {
    "cloudProfile": {"kind": "CloudProfile", "name": "aws"},
    "resources": [{"name": "gpu-cache-s3", "resourceRef": {"kind": "Secret", "name": "s3", "apiVersion": "v1"}}],
    "extensions": [
      {"type": "shoot-dns-service"},
      {"type": "nvidia-gpu", "providerConfig": {
        "apiVersion": "gpu.extensions.gardener.cloud/v1alpha1", "kind": "GPUConfig",
        "driver": {"version": "580", "moduleType": "auto", "peermem": false},
        "pools": ["a100", "t4"],
        "cache": {"mode": "server",
                  "server": {"backend": "s3", "replicas": 2, "storage": {"size": "50Gi", "accessMode": "ReadWriteOnce"},
                             "quota": "40Gi", "builds": {"enabled": true, "maxConcurrent": 2, "timeout": "60m", "nodeSelector": {"a": "b"}}},
                  "s3": {"bucket": "gpu-drivers", "region": "eu-central-1", "endpoint": "https://s3.example.com",
                         "forcePathStyle": false, "secretRef": {"name": "gpu-cache-s3"}},
                  "trustedKeys": ["AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="]},
        "sharing": {"timeSlicing": {"replicas": 4, "renameByDefault": false}},
        "mig": {"strategy": "mixed", "profile": "all-1g.10gb"},
        "dcgmExporter": {"enabled": true}, "fabricManager": "auto",
        "prebuild": {"nextKernel": true, "osVersions": ["1877.8"]},
        "moduleSigning": {"secretRef": {"name": ""}, "hash": "sha512"},
        "upgrade": {"maxParallel": 1, "drainTimeout": "10m", "force": false}}}],
    "provider": {"type": "aws", "workers": [
      {"name": "a100", "machine": {"type": "p4d.24xlarge", "architecture": "amd64",
                                   "image": {"name": "gardenlinux", "version": "1877.5.0"}},
       "systemComponents": {"allow": false},
       "cri": {"name": "containerd", "containerRuntimes": [{"type": "gvisor"}, {"type": "nvidia",
         "providerConfig": {"apiVersion": "gpu.extensions.gardener.cloud/v1alpha1", "kind": "GPUPoolConfig",
           "driver": {"version": "590.48.01"}, "sharing": {"mps": {"replicas": 2}},
           "mig": {"profile": "all-1g.10gb"}, "fabricManager": "enabled", "upgrade": {"maxParallel": 2}}}]}},
      {"name": "t4", "machine": {"type": "g4dn.xlarge", "image": {"name": "gardenlinux", "version": "2150.9.0"}},
       "cri": {"name": "containerd", "containerRuntimes": [{"type": "nvidia"}]}},
      {"name": "cpu", "machine": {"type": "m5.large", "image": {"name": "gardenlinux", "version": "1443.3.0"}}}]}}
})");

// Words the decoders and rules look for, so that invented keys and strings hit them.
const std::vector<std::string> kWords = {"apiVersion",
                                         "kind",
                                         "GPUConfig",
                                         "GPUPoolConfig",
                                         "gpu.extensions.gardener.cloud/v1alpha1",
                                         "nvidia",
                                         "nvidia-gpu",
                                         "containerd",
                                         "docker",
                                         "type",
                                         "name",
                                         "providerConfig",
                                         "driver",
                                         "version",
                                         "moduleType",
                                         "pools",
                                         "cache",
                                         "mode",
                                         "s3",
                                         "server",
                                         "filesystem",
                                         "sharing",
                                         "timeSlicing",
                                         "mps",
                                         "replicas",
                                         "mig",
                                         "strategy",
                                         "profile",
                                         "all-disabled",
                                         "single",
                                         "upgrade",
                                         "maxParallel",
                                         "drainTimeout",
                                         "secretRef",
                                         "endpoint",
                                         "http://x",
                                         "https://y",
                                         "580",
                                         "570",
                                         "999",
                                         "590.48.01",
                                         "1877.5.0",
                                         "2150.9.0",
                                         "arm64",
                                         "amd64",
                                         "s390x",
                                         "architecture",
                                         "machine",
                                         "image",
                                         "gardenlinux",
                                         "ubuntu",
                                         "g4dn.xlarge",
                                         "p4d.24xlarge",
                                         "cri",
                                         "containerRuntimes",
                                         "disabled",
                                         "extensions",
                                         "workers",
                                         "resources",
                                         "1m",
                                         "-5m",
                                         "50Gi",
                                         "0.5",
                                         "",
                                         "\xc3\xbc\xc3\xbc\xc3\xbc",
                                         "\xf0\x9f\x98\x80"};

class Fuzzer {
 public:
  explicit Fuzzer(uint32_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }

  std::string Word() {
    if (Chance(10)) {
      // A long multi-byte string: its cut for messages must stay valid UTF-8.
      std::string text;
      const size_t n = 20 + Below(60);
      for (size_t i = 0; i < n; ++i)
        text += Chance(50) ? "\xc3\xa4" : "a";
      return text;
    }
    return kWords[Below(kWords.size())];
  }

  json Scalar() {
    switch (Below(9)) {
      case 0:
        return nullptr;
      case 1:
        return Chance(50);
      case 2:
        return static_cast<int64_t>(Below(10)) - 3;
      case 3:
        return std::vector<json>{9223372036854775807LL,
                                 -9223372036854775807LL - 1,
                                 18446744073709551615ULL,
                                 2147483648LL,
                                 1.5,
                                 1e308,
                                 -0.0}[Below(7)];
      default:
        return Word();
    }
  }

  json Value(int depth) {
    if (depth <= 0 || Chance(60))
      return Scalar();
    if (Chance(50)) {
      json array = json::array();
      for (size_t i = Below(4); i > 0; --i)
        array.push_back(Value(depth - 1));
      return array;
    }
    json object = json::object();
    for (size_t i = Below(4); i > 0; --i)
      object[Word()] = Value(depth - 1);
    return object;
  }

  // Every node of `root` (pointers into it), for picking one to edit.
  static void Nodes(json& node, std::vector<json*>& out) {
    out.push_back(&node);
    if (node.is_structured()) {
      for (auto& child : node)
        Nodes(child, out);
    }
  }

  void Edit(json& root) {
    std::vector<json*> nodes;
    Nodes(root, nodes);
    json& node = *nodes[Below(nodes.size())];
    switch (Below(6)) {
      case 0:  // replace with anything
        node = Value(3);
        break;
      case 1:  // remove a key or element
        if (node.is_object() && !node.empty()) {
          auto it = node.begin();
          std::advance(it, static_cast<long>(Below(node.size())));
          node.erase(it);
        } else if (node.is_array() && !node.empty()) {
          node.erase(Below(node.size()));
        }
        break;
      case 2:  // invent a key or element
        if (node.is_object())
          node[Word()] = Value(2);
        else if (node.is_array())
          node.push_back(Chance(50) ? Value(2) : json(*nodes[Below(nodes.size())]));
        break;
      case 3:  // a near-miss string
        if (node.is_string())
          node = Word();
        break;
      case 4:  // a number where a string was, and the other way round
        if (node.is_string())
          node = Scalar();
        else if (node.is_number())
          node = node.dump();
        break;
      default:  // duplicate a sibling subtree (pools, runtimes, extensions)
        if (node.is_array() && !node.empty()) {
          json copy = node[Below(node.size())];
          node.push_back(std::move(copy));
        }
        break;
    }
  }

  json Shoot() {
    json shoot = kShoot;
    for (size_t edits = 1 + Below(6); edits > 0; --edits)
      Edit(shoot);
    return shoot;
  }

  json Profile() {
    json profile = kFuzzProfile;
    if (Chance(30))
      Edit(profile);
    return profile;
  }

 private:
  std::mt19937 rng_;
};

json FuzzReview(const std::string& operation, const json& object, const json& old_object) {
  return testing::ShootReview(operation, object, old_object, "fuzz");
}

// The properties every answer must have; returns the response for chaining.
json CheckResponse(const json& review, const json& reply, bool well_formed, int iteration) {
  SCOPED_TRACE(::testing::Message() << "iteration " << iteration);
  EXPECT_NO_THROW((void)reply.dump()) << "response is not strict UTF-8 JSON";
  const json* response = reply.contains("response") ? &reply["response"] : nullptr;
  if (response == nullptr || !response->is_object()) {
    ADD_FAILURE() << "no response: " << reply.dump(-1, ' ', false, json::error_handler_t::replace);
    return reply;
  }
  const bool allowed = response->value("allowed", false);
  if (!allowed) {
    const json status = response->value("status", json::object());
    const int code = status.value("code", 0);
    const std::string message = status.value("message", std::string());
    EXPECT_FALSE(message.empty()) << "a denial without a message";
    if (well_formed) {
      EXPECT_NE(code, 500) << message;
    }
  }
  if (allowed && response->contains("patch")) {
    json patch;
    EXPECT_NO_THROW(patch = json::parse(Base64Decode((*response)["patch"].get<std::string>())));
    EXPECT_NO_THROW((void)review["request"]["object"].patch(patch)) << patch.dump();
  }
  return reply;
}

TEST(ShootFuzzTest, RandomShootsNeverCrashOrFailInternally) {
  Fuzzer fuzz(kSeed);
  json profile = kFuzzProfile;
  CloudProfileLookup lookup = [&profile](const CloudProfileRef& ref) -> std::optional<json> {
    if (ref.name == "aws")
      return profile;
    return std::nullopt;
  };
  ShootMutatorHandler mutator(lookup);
  ShootValidatorHandler validator(lookup, {"gardenlinux"});

  const auto start = std::chrono::steady_clock::now();
  int iteration = 0;
  int denials = 0;
  for (; iteration < kIterations; ++iteration) {
    if (std::chrono::steady_clock::now() - start > kTimeBudget)
      break;
    profile = fuzz.Profile();
    const bool update = fuzz.Chance(50);
    const json old_shoot = update ? fuzz.Shoot() : json(nullptr);
    const json shoot = fuzz.Shoot();

    // The pure functions.
    json mutated = shoot;
    ASSERT_NO_THROW((void)MutateShoot(old_shoot, mutated, MachineTypeGpusOf(profile)))
        << "iteration " << iteration << ": " << shoot.dump();
    const ShootValidationContext context{.cloud_profile = &profile};
    ShootValidation validation;
    ASSERT_NO_THROW(validation = ValidateShoot(old_shoot, mutated, context))
        << "iteration " << iteration << ": " << mutated.dump();
    for (const FieldError& error : validation.errors) {
      EXPECT_FALSE(error.field.empty()) << error.ToString();
      EXPECT_FALSE(error.ToString().empty());
    }

    // The AdmissionReview path, as kube-apiserver calls it: mutate, then validate the result.
    const std::string operation = update ? "UPDATE" : "CREATE";
    const json mutate_review = FuzzReview(operation, shoot, old_shoot);
    json reply;
    ASSERT_NO_THROW(reply = gardener::HandleAdmissionReview(mutate_review, mutator))
        << "iteration " << iteration;
    CheckResponse(mutate_review, reply, true, iteration);
    json admitted = shoot;
    if (reply["response"].contains("patch")) {
      admitted =
          shoot.patch(json::parse(Base64Decode(reply["response"]["patch"].get<std::string>())));
    }
    const json validate_review = FuzzReview(operation, admitted, old_shoot);
    ASSERT_NO_THROW(reply = gardener::HandleAdmissionReview(validate_review, validator))
        << "iteration " << iteration;
    CheckResponse(validate_review, reply, true, iteration);
    if (!reply["response"]["allowed"].get<bool>())
      ++denials;

    // A bent AdmissionReview around it: answered, never thrown.
    json bent = validate_review;
    fuzz.Edit(bent);
    json bent_reply;
    ASSERT_NO_THROW(bent_reply = gardener::HandleAdmissionReview(bent, validator))
        << "iteration " << iteration;
    EXPECT_NO_THROW((void)bent_reply.dump());
    ASSERT_NO_THROW(bent_reply = gardener::HandleAdmissionReview(bent, mutator))
        << "iteration " << iteration;
    EXPECT_NO_THROW((void)bent_reply.dump());
    if (HasFailure())
      break;
  }
  if (HasFailure())
    return;
  EXPECT_GE(iteration, kMinIterations) << "time budget exhausted early";
  // Random edits of a valid shoot must produce both answers, or the fuzzer tests nothing.
  EXPECT_GT(denials, iteration / 10);
  EXPECT_LT(denials, iteration);
  RecordProperty("iterations", iteration);
  RecordProperty("denials", denials);
}

}  // namespace
}  // namespace gpuext::webhook
