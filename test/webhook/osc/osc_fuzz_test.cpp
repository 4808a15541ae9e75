// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Random OSCs through the whole handler (fixed seed, bounded): gardenlet's OSC with random edits
// (wrong types, missing fields, foreign and stale entries, random subtrees) and plain random
// JSON. Whatever comes in, the answer is a well-formed AdmissionReview; a denial carries a
// message and is never a 500 (with the Cluster present, a 500 means the mutation broke an OSC
// rule, which is a bug); a patch applies, adds no OSC validation error, and a second round on
// the patched object changes nothing.

#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/gardener/admission.h"
#include "gpuext/webhook/osc_admission.h"
#include "osc_fake_lookup.h"
#include "osc_test_util.h"

namespace gpuext::webhook {
namespace {

using nlohmann::json;
using namespace gpuext::webhook::testing;

constexpr unsigned kSeed = 20261123;
constexpr int kRounds = 3000;

class Fuzzer {
 public:
  explicit Fuzzer(unsigned seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin() { return Int(0, 1) == 1; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }

  // Valid UTF-8 only: the server parses request bodies with nlohmann::json, which refuses
  // anything else before a handler runs.
  std::string Word() {
    static const std::vector<std::string> kWords = {"",
                                                    "add",
                                                    "remove",
                                                    "reconcile",
                                                    "provision",
                                                    "systemd",
                                                    "cgroupfs",
                                                    "gpu",
                                                    "cpu",
                                                    "nvidia",
                                                    "containerd",
                                                    "io.containerd.grpc.v1.cri",
                                                    "runtimes",
                                                    "options",
                                                    "b64",
                                                    "/etc/x.conf",
                                                    "/etc/modprobe.d/other.conf",
                                                    "日本"};
    return Pick(kWords);
  }

  json Random(int depth) {
    switch (Int(0, depth > 0 ? 7 : 4)) {
      case 0:
        return nullptr;
      case 1:
        return Coin();
      case 2:
        return Int(-3, 1000);
      case 3:
        return 1.5;
      case 4:
        return Word();
      case 5: {
        json array = json::array();
        for (int i = Int(0, 3); i > 0; --i) {
          array.push_back(Random(depth - 1));
        }
        return array;
      }
      default: {
        json object = json::object();
        for (int i = Int(0, 3); i > 0; --i) {
          object[Word()] = Random(depth - 1);
        }
        return object;
      }
    }
  }

  json PluginPath() {
    static const std::vector<json> kPaths = {
        {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia"},
        {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia", "options"},
        {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "nvidia", "options", "x"},
        {"io.containerd.grpc.v1.cri"},
        {"io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc"},
        json::array()};
    return Coin() ? Pick(kPaths) : Random(1);
  }

  json Plugin() {
    json entry = json::object();
    if (Coin()) {
      entry["op"] = Pick(std::vector<json>{"add", "remove", "replace", nullptr, 3});
    }
    if (Int(0, 4) > 0) {
      entry["path"] = PluginPath();
    }
    if (Coin()) {
      entry["values"] = Coin() ? Random(2) : json{{"enable_cdi", Coin()}};
    }
    return Int(0, 9) == 0 ? Random(2) : entry;
  }

  json File() {
    static const std::vector<std::string> kPaths = {
        "/etc/modprobe.d/gardener-extension-gpu-nouveau.conf",
        "/etc/modprobe.d/gardener-extension-gpu-nvidia.conf", "/etc/x.conf", ""};
    json file = {{"path", Pick(kPaths)}};
    switch (Int(0, 3)) {
      case 0:
        file["content"] = {{"inline", {{"encoding", Word()}, {"data", Word()}}}};
        break;
      case 1:
        file["content"] = {{"secretRef", {{"name", "s"}, {"dataKey", "k"}}}};
        break;
      case 2:
        file["content"] = Random(2);
        break;
      default:
        break;
    }
    if (Int(0, 5) == 0) {
      file["hostName"] = Word();
    }
    return Int(0, 9) == 0 ? Random(2) : file;
  }

  // One random edit of gardenlet's OSC.
  void Edit(json& osc) {
    json& spec = osc["spec"];
    switch (Int(0, 13)) {
      case 0:
        spec["purpose"] = Pick(std::vector<json>{"provision", "", 7, nullptr, "reconcile"});
        break;
      case 1:
        osc["metadata"]["labels"]["worker.gardener.cloud/pool"] = Coin() ? json(Word()) : Random(1);
        break;
      case 2:
        spec["criConfig"]["cgroupDriver"] = Coin() ? json(Word()) : Random(1);
        break;
      case 3:
        spec["criConfig"]["containerd"].erase("sandboxImage");
        break;
      case 4:
        spec["criConfig"] = Random(2);
        break;
      case 5:
        spec["criConfig"]["containerd"]["plugins"].push_back(Plugin());
        break;
      case 6:
        spec["criConfig"]["containerd"]["plugins"] = Random(2);
        break;
      case 7:
        spec["files"].push_back(File());
        break;
      case 8:
        spec["files"] = Random(2);
        break;
      case 9:
        spec["units"] = Random(3);
        break;
      case 10:
        osc["metadata"]["deletionTimestamp"] = Coin() ? json("2026-08-21T10:00:00Z") : Random(1);
        break;
      case 11:
        osc["status"] = {{"extensionFiles", json::array({File()})}, {"extensionUnits", Random(2)}};
        break;
      case 12:
        spec[Word()] = Random(3);
        break;
      default:
        osc["metadata"] = Random(2);
        break;
    }
    // Our own file paths in status.extensionFiles make every mutation a duplicate: that is the
    // one real conflict (tested in osc_admission_test), not something to fuzz into a failure.
    if (osc.contains("status") && osc["status"].is_object()) {
      json& files = osc["status"]["extensionFiles"];
      if (files.is_array()) {
        for (json& file : files) {
          if (file.is_object() && file.value("path", json()).is_string() &&
              file["path"].get<std::string>().starts_with(
                  "/etc/modprobe.d/gardener-extension-gpu")) {
            file["path"] = "/etc/other.conf";
          }
        }
      }
    }
  }

  json Osc() {
    if (Int(0, 19) == 0) {
      return Random(4);
    }
    json osc = ReconcileOsc(Pick(std::vector<std::string>{"gpu", "cpu", "gone"}),
                            Pick(std::vector<std::string>{"systemd", "cgroupfs", ""}));
    for (int i = Int(0, 4); i > 0; --i) {
      try {
        Edit(osc);
      } catch (const json::exception&) {
        // An edit that does not fit what earlier edits left (push_back on a number, ...).
      }
    }
    return osc;
  }

 private:
  std::mt19937 rng_;
};

TEST(OscFuzzTest, RandomOscsNeverCrashNorGetA500) {
  Fuzzer fuzz(kSeed);
  const std::vector<std::string> images = {kImageContainerd16, kImageContainerd17,
                                           kImageContainerd2, kImageUnlisted};
  int patched_count = 0;
  int denied_count = 0;
  for (int round = 0; round < kRounds; ++round) {
    MapOscLookup lookup;
    json shoot = StandardShoot(fuzz.Pick(images));
    if (fuzz.Int(0, 9) == 0) {
      shoot["metadata"]["deletionTimestamp"] = "2026-08-21T10:00:00Z";
    }
    lookup.clusters[kShootNamespace] = ClusterObject(shoot);
    if (fuzz.Coin()) {
      lookup.extensions[kShootNamespace] = ExtensionObject(
          fuzz.Pick(std::vector<std::vector<std::string>>{{}, {"cpu"}, {"gpu", "cpu"}}));
    }
    OscMutatorHandler handler(lookup, Component());
    const json osc = fuzz.Osc();
    const std::string operation = fuzz.Pick(std::vector<std::string>{"CREATE", "UPDATE", "DELETE"});
    SCOPED_TRACE("round " + std::to_string(round) + ": " + osc.dump());

    const json review = gardener::HandleAdmissionReview(OscReview(operation, osc), handler);
    ASSERT_EQ(review["kind"], "AdmissionReview");
    const json& response = review["response"];
    ASSERT_EQ(response["uid"], "0c8f2d5e-osc");
    if (response["allowed"] == false) {
      ++denied_count;
      ASSERT_NE(response["status"]["code"], 500) << response["status"]["message"];
      ASSERT_FALSE(response["status"]["message"].get<std::string>().empty());
      continue;
    }
    if (!response.contains("patch")) {
      continue;
    }
    ++patched_count;
    json patched;
    ASSERT_NO_THROW(patched = Patched(osc, review));
    ASSERT_TRUE(NewOscViolations(osc, patched).empty())
        << ToAggregateMessage(NewOscViolations(osc, patched));
    // gardenlet's next UPDATE of an unchanged spec: nothing more to do.
    const json again = gardener::HandleAdmissionReview(OscReview("UPDATE", patched), handler);
    ASSERT_EQ(again["response"]["allowed"], true);
    ASSERT_FALSE(again["response"].contains("patch")) << patched.dump();
  }
  // The generator must reach the interesting paths, not only skips.
  EXPECT_GT(patched_count, kRounds / 10);
  EXPECT_GT(denied_count, 0);
}

TEST(OscFuzzTest, MalformedReviewsAreA400) {
  MapOscLookup lookup;
  OscMutatorHandler handler(lookup, Component());
  Fuzzer fuzz(kSeed + 1);
  for (int round = 0; round < 500; ++round) {
    json review = OscReview("CREATE", ReconcileOsc("gpu"));
    switch (fuzz.Int(0, 3)) {
      case 0:
        review["request"].erase("uid");
        break;
      case 1:
        review["request"] = fuzz.Random(2);
        break;
      case 2:
        review = fuzz.Random(3);
        break;
      default:
        review["request"]["uid"] = fuzz.Random(1);
        break;
    }
    if (review.is_object() && review.contains("request") && review["request"].is_object() &&
        review["request"].value("uid", json()).is_string() &&
        !review["request"]["uid"].get<std::string>().empty()) {
      continue;  // accidentally well-formed
    }
    const json response = gardener::HandleAdmissionReview(review, handler);
    ASSERT_EQ(response["response"]["allowed"], false) << review.dump();
    ASSERT_EQ(response["response"]["status"]["code"], 400) << review.dump();
  }
}

}  // namespace
}  // namespace gpuext::webhook
