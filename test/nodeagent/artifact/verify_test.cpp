// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/verify.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "artifact_test_util.h"
#include "gpuext/nodeagent/artifact/elf_modinfo.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::artifact {
namespace {

namespace fs = std::filesystem;
using gpuruntime::Arch;
using gpuruntime::ModuleType;
using testing::CompileModule;
using testing::RawEntry;
using testing::ReadFile;
using testing::WriteFile;
using testing::WriteRawArchive;

constexpr const char* kKernel = "6.12.72-cloud-amd64";
constexpr const char* kModuleDir = "lib/modules/6.12.72-cloud-amd64/kernel/drivers/video";
const std::string kSignatureMarker = "~Module signature appended~\n";

// A real kernel-part artifact: two modules compiled with a .modinfo, a firmware file and a
// symlink, packed, described by a signed manifest. Each test breaks one thing.
class VerifyArtifactTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = dir_.path() / "tree";
    AddModule("nvidia.ko", std::string(kKernel) + " SMP preempt mod_unload modversions ");
    AddModule("nvidia-uvm.ko", std::string(kKernel) + " SMP preempt mod_unload modversions ");
    WriteFile(tree_ / "lib/firmware/nvidia/580.95.05/gsp_ga10x.bin", "firmware");
    fs::create_symlink("nvidia.ko", tree_ / kModuleDir / "nvidia-current");
    key_ = KernelKey("580.95.05", kKernel, ModuleType::kOpen, Arch::kAmd64);
  }

  void AddModule(const std::string& name, const std::string& vermagic,
                 const std::string& trailer = "") {
    const auto ko = CompileModule(dir_.path() / "build", name,
                                  {{"vermagic", vermagic}, {"name", name}, {"license", "GPL"}});
    WriteFile(tree_ / kModuleDir / name, ReadFile(ko) + trailer);
  }

  // Packs the tree into one blob, fills a manifest from it, lets `edit` change it, signs it.
  void Build(const std::function<void(ArtifactManifest&)>& edit = {}) {
    blob_ = dir_.path() / "blob.tar.zst";
    const PackResult packed = PackDirectory(tree_, ListTree(tree_), blob_, {.zstd_level = 3});
    manifest_ = ArtifactManifest{};
    manifest_.key = key_;
    manifest_.created = "2026-08-21T10:00:00Z";
    manifest_.builder.recipe = "kbuild-open";
    manifest_.vermagic = std::string(kKernel) + " SMP preempt mod_unload modversions ";
    manifest_.blobs = {{.digest = packed.digest, .size = packed.size}};
    manifest_.files = packed.files;
    if (edit) {
      edit(manifest_);
    }
    SignManifest(manifest_, signer_);
  }

  // Uses a hand-made archive as the blob, listing its entries as given.
  void BuildRaw(const std::vector<RawEntry>& entries) {
    blob_ = dir_.path() / "raw.tar.zst";
    WriteRawArchive(blob_, entries);
    const std::string bytes = ReadFile(blob_);
    manifest_ = ArtifactManifest{};
    manifest_.key = key_;
    manifest_.created = "2026-08-21T10:00:00Z";
    manifest_.blobs = {
        {.digest = "sha256:" + Sha256Hex(bytes), .size = static_cast<std::int64_t>(bytes.size())}};
    for (const RawEntry& e : entries) {
      if (e.kind == RawEntry::kFile) {
        manifest_.files.push_back({.path = e.path,
                                   .size = static_cast<std::int64_t>(e.content.size()),
                                   .sha256 = Sha256Hex(e.content),
                                   .mode = 0644});
      }
    }
    SignManifest(manifest_, signer_);
  }

  VerifyResult Verify(bool secure_boot = false) {
    dest_ = dir_.path() / ("verified-" + std::to_string(++runs_));
    return VerifyArtifact({.manifest = manifest_,
                           .blob_files = {blob_},
                           .requested_key = key_,
                           .trusted_keys = {signer_.public_key()},
                           .target_kernel_release = kKernel,
                           .require_signed_modules = secure_boot,
                           .dest = dest_});
  }

  void ExpectRefused(const VerifyResult& r, RefusalReason want, const std::string& needle) {
    EXPECT_EQ(r.reason, want) << ToString(r.reason) << ": " << r.message;
    EXPECT_NE(r.message.find(needle), std::string::npos) << r.message;
    EXPECT_FALSE(fs::exists(dest_)) << "a refused artifact leaves no tree";
    EXPECT_FALSE(fs::exists(dest_.string() + ".tmp"));
  }

  gpuext::testing::TempDir dir_;
  fs::path tree_;
  fs::path blob_;
  fs::path dest_;
  int runs_ = 0;
  ArtifactKey key_;
  ArtifactManifest manifest_;
  SigningKey signer_ = SigningKey::Generate();
};

TEST_F(VerifyArtifactTest, AcceptsAGoodArtifact) {
  Build();
  const VerifyResult r = Verify();
  ASSERT_TRUE(r.ok()) << ToString(r.reason) << ": " << r.message;
  EXPECT_EQ(r.files.size(), 4u);
  EXPECT_EQ(ReadModInfo(dest_ / kModuleDir / "nvidia.ko").Get("name"), "nvidia.ko");
  EXPECT_TRUE(fs::is_symlink(dest_ / kModuleDir / "nvidia-current"));
}

TEST_F(VerifyArtifactTest, BadSignature) {
  Build();
  manifest_.builder.signed_modules = true;  // tampered after signing
  ExpectRefused(Verify(), RefusalReason::kBadSignature, "does not match");
  manifest_.signature.reset();
  ExpectRefused(Verify(), RefusalReason::kBadSignature, "no signature");
}

TEST_F(VerifyArtifactTest, UnknownKey) {
  Build();
  SignManifest(manifest_, SigningKey::Generate());
  ExpectRefused(Verify(), RefusalReason::kUnknownKey, "trustedKeys");
}

TEST_F(VerifyArtifactTest, KeyMismatch) {
  const struct {
    const char* name;
    std::function<void(ArtifactKey&)> edit;
  } cases[] = {
      {"driver version", [](ArtifactKey& k) { k.driver_version = "580.95.06"; }},
      {"module type", [](ArtifactKey& k) { k.module_type = ModuleType::kProprietary; }},
      {"arch", [](ArtifactKey& k) { k.arch = Arch::kArm64; }},
      {"kernel release", [](ArtifactKey& k) { k.kernel_release = "6.12.73-cloud-amd64"; }},
  };
  for (const auto& c : cases) {
    Build([&](ArtifactManifest& m) { c.edit(m.key); });
    ExpectRefused(Verify(), RefusalReason::kKeyMismatch, "was requested");
  }
}

TEST_F(VerifyArtifactTest, DigestMismatch) {
  // The blob changed in transit (same size).
  Build();
  std::string bytes = ReadFile(blob_);
  bytes[bytes.size() / 2] ^= 0x01;
  WriteFile(blob_, bytes);
  ExpectRefused(Verify(), RefusalReason::kDigestMismatch, "downloaded as");

  // The blob is shorter than announced.
  Build([](ArtifactManifest& m) { m.blobs[0].size += 1; });
  ExpectRefused(Verify(), RefusalReason::kDigestMismatch, "downloaded as");

  // A file differs from what the manifest lists (the signer was given wrong hashes).
  Build([](ArtifactManifest& m) { m.files[0].sha256 = std::string(64, '0'); });
  ExpectRefused(Verify(), RefusalReason::kDigestMismatch, "but the manifest says");

  // A mode differs (exec bit smuggled in).
  Build([](ArtifactManifest& m) { m.files[1].mode = 0755; });
  ExpectRefused(Verify(), RefusalReason::kDigestMismatch, "mode");

  // A listed file is missing from the archive.
  Build([](ArtifactManifest& m) {
    m.files.push_back({.path = "lib/missing.ko", .size = 1, .sha256 = std::string(64, '1')});
  });
  ExpectRefused(Verify(), RefusalReason::kDigestMismatch, "lib/missing.ko");
}

TEST_F(VerifyArtifactTest, UnlistedFile) {
  Build([](ArtifactManifest& m) { m.files.erase(m.files.begin() + 1); });
  ExpectRefused(Verify(), RefusalReason::kUnlistedFile, "does not list");
}

TEST_F(VerifyArtifactTest, UnsafePath) {
  const struct {
    const char* name;
    std::vector<RawEntry> entries;
    const char* needle;
  } cases[] = {
      {"dot-dot", {{.path = "lib/../../../etc/modprobe.d/evil.conf", .content = "x"}}, ".."},
      {"absolute", {{.path = "/etc/modprobe.d/evil.conf", .content = "x"}}, "absolute"},
      {"symlink escape",
       {{.path = "lib/firmware", .kind = RawEntry::kSymlink, .link = "../../../../lib/firmware"}},
       "outside"},
      {"hardlink",
       {{.path = "a", .content = "x"}, {.path = "b", .kind = RawEntry::kHardlink, .link = "a"}},
       "hardlink"},
      {"device", {{.path = "dev/nvidiactl", .kind = RawEntry::kCharDevice}}, "device"},
  };
  for (const auto& c : cases) {
    BuildRaw(c.entries);
    ExpectRefused(Verify(), RefusalReason::kUnsafePath, c.needle);
  }
  // A module that is a symlink would make the checked file differ from the loaded one.
  BuildRaw({{.path = "real", .content = "x"},
            {.path = "nvidia.ko", .kind = RawEntry::kSymlink, .link = "real"}});
  manifest_.files.push_back({.path = "nvidia.ko",
                             .size = 4,
                             .sha256 = Sha256Hex("real"),
                             .mode = 0777,
                             .link_target = "real"});
  SignManifest(manifest_, signer_);
  ExpectRefused(Verify(), RefusalReason::kUnsafePath, "symlink");
}

TEST_F(VerifyArtifactTest, VermagicMismatch) {
  // Built against other headers; the file name and the key still say the right kernel.
  AddModule("nvidia-uvm.ko", "6.12.71-cloud-amd64 SMP preempt mod_unload modversions ");
  Build();
  ExpectRefused(Verify(), RefusalReason::kVermagicMismatch, "6.12.71-cloud-amd64");
}

TEST_F(VerifyArtifactTest, VermagicMustMatchTheWholeRelease) {
  // "6.12.72-cloud-amd64-rt" starts with the release text but is another kernel.
  AddModule("nvidia.ko", "6.12.72-cloud-amd64-rt SMP PREEMPT_RT mod_unload ");
  Build();
  ExpectRefused(Verify(), RefusalReason::kVermagicMismatch, "-rt");
  EXPECT_TRUE(VermagicMatches("6.1.0 SMP", "6.1.0"));
  EXPECT_TRUE(VermagicMatches("6.1.0", "6.1.0"));
  EXPECT_FALSE(VermagicMatches("6.1.0-18 SMP", "6.1.0"));
  EXPECT_FALSE(VermagicMatches("6.1.0 SMP", ""));
}

TEST_F(VerifyArtifactTest, ModulesThatAreNotElfAreRefused) {
  WriteFile(tree_ / kModuleDir / "nvidia-drm.ko", "#!/bin/sh\nnot a module\n");
  Build();
  ExpectRefused(Verify(), RefusalReason::kVermagicMismatch, "not a readable kernel module");
}

TEST_F(VerifyArtifactTest, KernelPartWithoutModulesIsRefused) {
  fs::remove_all(tree_ / "lib/modules");
  Build();
  ExpectRefused(Verify(), RefusalReason::kVermagicMismatch, "no .ko");
}

TEST_F(VerifyArtifactTest, UnsignedModules) {
  Build();
  ExpectRefused(Verify(/*secure_boot=*/true), RefusalReason::kUnsignedModules,
                "moduleSigning.secretRef");
  // The builder claims signed modules but one lacks the signature.
  AddModule("nvidia.ko", std::string(kKernel) + " SMP ", kSignatureMarker);
  Build([](ArtifactManifest& m) { m.builder.signed_modules = true; });
  ExpectRefused(Verify(true), RefusalReason::kUnsignedModules, "nvidia-uvm.ko");
  // Every module signed: accepted under Secure Boot.
  AddModule("nvidia-uvm.ko", std::string(kKernel) + " SMP ", kSignatureMarker);
  Build([](ArtifactManifest& m) { m.builder.signed_modules = true; });
  const VerifyResult r = Verify(true);
  EXPECT_TRUE(r.ok()) << r.message;
}

TEST_F(VerifyArtifactTest, UserspacePartNeedsNoModules) {
  fs::remove_all(tree_ / "lib/modules");
  key_ = UserspaceKey("580.95.05", Arch::kAmd64);
  Build([](ArtifactManifest& m) { m.vermagic.clear(); });
  const VerifyResult r = Verify(/*secure_boot=*/true);
  EXPECT_TRUE(r.ok()) << r.message;
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
