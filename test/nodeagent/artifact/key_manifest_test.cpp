// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/nodeagent/artifact/key.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::artifact {
namespace {

using gpuruntime::Arch;
using gpuruntime::ModuleType;
using nlohmann::json;

TEST(ArtifactKeyTest, PathsFollowTheStorageLayout) {
  const auto kernel =
      KernelKey("580.95.05", "6.12.72-cloud-amd64", ModuleType::kOpen, Arch::kAmd64);
  EXPECT_EQ(kernel.Path(), "kernel/580.95.05/6.12.72-cloud-amd64/open/amd64");
  EXPECT_EQ(UserspaceKey("580.95.05", Arch::kArm64).Path(), "userspace/580.95.05/arm64");
  EXPECT_EQ(kernel.PathSha256(), Sha256Hex("kernel/580.95.05/6.12.72-cloud-amd64/open/amd64"));
}

TEST(ArtifactKeyTest, ParseIsTheInverseOfPath) {
  for (const auto& key :
       {KernelKey("580.95.05", "6.12.72-cloud-amd64", ModuleType::kProprietary, Arch::kArm64),
        KernelKey("550.54.14", "6.1.0+", ModuleType::kOpen, Arch::kAmd64),
        UserspaceKey("580.95.05", Arch::kAmd64)}) {
    EXPECT_EQ(ArtifactKey::Parse(key.Path()), key) << key.Path();
    EXPECT_EQ(KeyFromJson(KeyToJson(key)), key) << key.Path();
  }
}

TEST(ArtifactKeyTest, ParseRejectsUnsafeOrMalformedPaths) {
  for (const char* bad : {
           "", "kernel",
           "kernel/580.95.05/6.12.72/open",              // too few segments
           "kernel/580.95.05/6.12.72/open/amd64/extra",  // too many
           "kernel/580.95.05/../open/amd64",             // ..
           "kernel/580.95.05/./open/amd64",              // .
           "kernel/580.95.05//open/amd64",               // empty
           "kernel/580.95.05/6.12 72/open/amd64",        // space
           "kernel/580.95.05/6.12%2f72/open/amd64",      // escapes
           "kernel/580.95.05/6.12?x/open/amd64",         // query
           "kernel/580/6.12.72/open/amd64",              // branch only
           "kernel/580.95.05/6.12.72/closed/amd64",      // module type
           "kernel/580.95.05/6.12.72/open/x86_64",       // uname spelling
           "userspace/580.95.05/6.12.72/amd64",          // kernel field on userspace
           "firmware/580.95.05/amd64",                   // part
           "/userspace/580.95.05/amd64",                 // absolute
       }) {
    EXPECT_THROW((void)ArtifactKey::Parse(bad), Error) << bad;
  }
}

TEST(ArtifactKeyTest, JsonIsStrict) {
  json good = {{"part", "kernel"},
               {"driverVersion", "580.95.05"},
               {"kernelRelease", "6.12.72-cloud-amd64"},
               {"moduleType", "open"},
               {"arch", "amd64"}};
  EXPECT_NO_THROW((void)KeyFromJson(good));
  json extra = good;
  extra["flavour"] = "cloud";
  EXPECT_THROW((void)KeyFromJson(extra), Error);
  json slash = good;
  slash["kernelRelease"] = "6.12/../x";
  EXPECT_THROW((void)KeyFromJson(slash), Error);
  json number = good;
  number["driverVersion"] = 580;
  EXPECT_THROW((void)KeyFromJson(number), Error);
  json userspace_with_kernel = good;
  userspace_with_kernel["part"] = "userspace";
  EXPECT_THROW((void)KeyFromJson(userspace_with_kernel), Error);
}

// The §14.2 example, with real hex values.
std::string ExampleManifest() {
  const std::string hex(64, 'a');
  return json::
      parse(R"({"apiVersion": "cache.gpu.extensions.gardener.cloud/v1alpha1", "kind": "ArtifactManifest",
 "key": {"part": "kernel", "driverVersion": "580.95.05", "kernelRelease": "6.12.72-cloud-amd64", "moduleType": "open", "arch": "amd64"},
 "created": "2026-08-21T10:00:00Z",
 "builder": {"image": "ghcr.io/gardenlinux/gardenlinux/kmodbuild@sha256:0123", "recipe": "kbuild-open", "sourceSha256": "bbbb",
             "signedModules": false, "jobName": "build-6f1c", "cluster": "shoot--p--s"},
 "vermagic": "6.12.72-cloud-amd64 SMP preempt mod_unload modversions",
 "blobs": [{"digest": "sha256:)" +
            hex + R"(", "size": 31457280, "mediaType": "application/vnd.gpuext.artifact.tar+zstd"}],
 "files": [{"path": "lib/modules/6.12.72-cloud-amd64/kernel/drivers/video/nvidia.ko", "size": 61234567, "sha256": ")" +
            hex + R"(", "mode": 420}],
 "signature": {"algorithm": "ed25519", "keyId": "sha256:)" +
            hex + R"(", "value": "AAAA"}})")
          .dump();
}

TEST(ArtifactManifestTest, DecodesTheDesignExample) {
  const ArtifactManifest m = DecodeManifest(ExampleManifest());
  EXPECT_EQ(m.key.Path(), "kernel/580.95.05/6.12.72-cloud-amd64/open/amd64");
  EXPECT_EQ(m.builder.recipe, "kbuild-open");
  EXPECT_EQ(m.builder.job_name, "build-6f1c");
  ASSERT_EQ(m.blobs.size(), 1u);
  EXPECT_EQ(m.blobs[0].size, 31457280);
  ASSERT_EQ(m.files.size(), 1u);
  EXPECT_EQ(m.files[0].mode, 0644u);
  ASSERT_TRUE(m.signature.has_value());
  EXPECT_EQ(m.signature->value, "AAAA");
  // Encoding reproduces the same document.
  EXPECT_EQ(json::parse(EncodeManifest(m)), json::parse(ExampleManifest()));
  EXPECT_EQ(DecodeManifest(EncodeManifest(m)), m);
}

TEST(ArtifactManifestTest, CanonicalJsonIsSortedCompactAndWithoutSignature) {
  const ArtifactManifest m = DecodeManifest(ExampleManifest());
  const std::string canonical = CanonicalManifestJson(m);
  EXPECT_EQ(canonical.find("signature"), std::string::npos);
  EXPECT_EQ(canonical.find(' ', 0), canonical.find("SMP") - 1) << "no whitespace outside strings";
  EXPECT_TRUE(canonical.starts_with(
      R"({"apiVersion":"cache.gpu.extensions.gardener.cloud/v1alpha1","blobs":[{"digest":)"))
      << canonical;
  json expected = json::parse(ExampleManifest());
  expected.erase("signature");
  EXPECT_EQ(canonical, expected.dump());
}

TEST(ArtifactManifestTest, DecodingIsStrict) {
  struct Case {
    const char* name;
    std::function<void(json&)> mutate;
  };
  const std::vector<Case> cases = {
      {"unknown top-level field", [](json& j) { j["extra"] = 1; }},
      {"unknown builder field", [](json& j) { j["builder"]["privileged"] = true; }},
      {"unknown file field", [](json& j) { j["files"][0]["owner"] = "root"; }},
      {"float anywhere", [](json& j) { j["files"][0]["size"] = 1.5; }},
      {"float that looks whole", [](json& j) { j["blobs"][0]["size"] = 2.0; }},
      {"negative size", [](json& j) { j["files"][0]["size"] = -1; }},
      {"mode with file type bits", [](json& j) { j["files"][0]["mode"] = 0100644; }},
      {"string size", [](json& j) { j["blobs"][0]["size"] = "1"; }},
      {"missing key", [](json& j) { j.erase("key"); }},
      {"missing files", [](json& j) { j.erase("files"); }},
      {"wrong kind", [](json& j) { j["kind"] = "Manifest"; }},
      {"wrong apiVersion", [](json& j) { j["apiVersion"] = "v1"; }},
      {"bad created", [](json& j) { j["created"] = "yesterday"; }},
      {"bad blob digest", [](json& j) { j["blobs"][0]["digest"] = "sha256:ABC"; }},
      {"upper-case file hash", [](json& j) { j["files"][0]["sha256"] = std::string(64, 'A'); }},
      {"absolute file path", [](json& j) { j["files"][0]["path"] = "/etc/passwd"; }},
      {"dot-dot file path", [](json& j) { j["files"][0]["path"] = "lib/../../etc/passwd"; }},
      {"duplicate file path", [](json& j) { j["files"].push_back(j["files"][0]); }},
      {"signedModules as string", [](json& j) { j["builder"]["signedModules"] = "true"; }},
      {"signature without value", [](json& j) { j["signature"].erase("value"); }},
  };
  for (const Case& c : cases) {
    json j = json::parse(ExampleManifest());
    c.mutate(j);
    EXPECT_THROW((void)DecodeManifest(j.dump()), Error) << c.name;
  }
  EXPECT_THROW((void)DecodeManifest("{not json"), Error);
}

TEST(ArtifactManifestTest, SymlinkEntriesCarryTheirTarget) {
  json j = json::parse(ExampleManifest());
  j["files"].push_back({{"path", "usr/lib/libnvidia-ml.so.1"},
                        {"size", 24},
                        {"sha256", Sha256Hex("libnvidia-ml.so.580.95.05")},
                        {"mode", 0777},
                        {"linkTarget", "libnvidia-ml.so.580.95.05"}});
  const ArtifactManifest m = DecodeManifest(j.dump());
  EXPECT_EQ(m.files.back().link_target, "libnvidia-ml.so.580.95.05");
  EXPECT_EQ(json::parse(EncodeManifest(m)), j);
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
