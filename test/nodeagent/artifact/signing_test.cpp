// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/signing.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "artifact_test_util.h"
#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::artifact {
namespace {

using gpuruntime::Arch;
using gpuruntime::ModuleType;

ArtifactManifest SampleManifest() {
  ArtifactManifest m;
  m.key = KernelKey("580.95.05", "6.12.72-cloud-amd64", ModuleType::kOpen, Arch::kAmd64);
  m.created = "2026-08-21T10:00:00Z";
  m.builder = {.image = "kmodbuild@sha256:00",
               .recipe = "kbuild-open",
               .source_sha256 = std::string(64, 'b'),
               .signed_modules = false,
               .job_name = "build-6f1c",
               .cluster = "shoot--p--s"};
  m.vermagic = "6.12.72-cloud-amd64 SMP preempt mod_unload modversions";
  m.blobs = {{.digest = "sha256:" + std::string(64, 'c'), .size = 10}};
  m.files = {{.path = "lib/modules/x/nvidia.ko", .size = 5, .sha256 = std::string(64, 'd')}};
  return m;
}

TEST(SigningTest, SignedManifestVerifiesWithTheTrustedKey) {
  const SigningKey key = SigningKey::Generate();
  ArtifactManifest m = SampleManifest();
  SignManifest(m, key);
  ASSERT_TRUE(m.signature.has_value());
  EXPECT_EQ(m.signature->algorithm, "ed25519");
  EXPECT_EQ(m.signature->key_id, "sha256:" + Sha256Hex(key.public_key().raw()));
  EXPECT_EQ(Base64Decode(m.signature->value).size(), 64u);
  const std::vector<PublicKey> trusted = {PublicKey::FromBase64(key.PublicKeyBase64())};
  EXPECT_TRUE(VerifyManifestSignature(m, trusted).ok());
  // Survives the trip through JSON text.
  EXPECT_TRUE(VerifyManifestSignature(DecodeManifest(EncodeManifest(m)), trusted).ok());
}

TEST(SigningTest, EveryTamperedFieldIsDetected) {
  const SigningKey key = SigningKey::Generate();
  const std::vector<PublicKey> trusted = {key.public_key()};
  const std::vector<std::pair<const char*, std::function<void(ArtifactManifest&)>>> tampers = {
      {"kernel release", [](auto& m) { m.key.kernel_release = "6.12.73-cloud-amd64"; }},
      {"signedModules", [](auto& m) { m.builder.signed_modules = true; }},
      {"job name", [](auto& m) { m.builder.job_name = "evil"; }},
      {"blob digest", [](auto& m) { m.blobs[0].digest = "sha256:" + std::string(64, 'e'); }},
      {"blob size", [](auto& m) { m.blobs[0].size = 11; }},
      {"file hash", [](auto& m) { m.files[0].sha256 = std::string(64, 'f'); }},
      {"file mode", [](auto& m) { m.files[0].mode = 04755; }},
      {"extra file", [](auto& m) { m.files.push_back(m.files[0]); }},
      {"vermagic", [](auto& m) { m.vermagic = "6.1.0 SMP"; }},
      {"created", [](auto& m) { m.created = "2026-08-21T10:00:01Z"; }},
  };
  for (const auto& [name, tamper] : tampers) {
    ArtifactManifest m = SampleManifest();
    SignManifest(m, key);
    tamper(m);
    const SignatureCheck check = VerifyManifestSignature(m, trusted);
    EXPECT_EQ(check.status, SignatureStatus::kBadSignature) << name;
    EXPECT_NE(check.message.find("does not match"), std::string::npos) << check.message;
  }
}

TEST(SigningTest, UnknownKeyUnsignedAndForeignAlgorithmsAreNamed) {
  const SigningKey key = SigningKey::Generate();
  const SigningKey other = SigningKey::Generate();
  ArtifactManifest m = SampleManifest();
  SignManifest(m, other);
  const std::vector<PublicKey> trusted = {key.public_key()};
  const SignatureCheck unknown = VerifyManifestSignature(m, trusted);
  EXPECT_EQ(unknown.status, SignatureStatus::kUnknownKey);
  EXPECT_NE(unknown.message.find(other.KeyId()), std::string::npos) << unknown.message;

  // A signature by an untrusted key relabelled with the trusted keyId does not verify.
  m.signature->key_id = key.KeyId();
  EXPECT_EQ(VerifyManifestSignature(m, trusted).status, SignatureStatus::kBadSignature);

  m.signature->value = "not base64!";
  EXPECT_EQ(VerifyManifestSignature(m, trusted).status, SignatureStatus::kBadSignature);
  m.signature->algorithm = "rsa";
  EXPECT_EQ(VerifyManifestSignature(m, trusted).status, SignatureStatus::kUnsupportedAlgorithm);
  m.signature.reset();
  EXPECT_EQ(VerifyManifestSignature(m, trusted).status, SignatureStatus::kUnsigned);
}

TEST(SigningTest, PemRoundTripKeepsTheKey) {
  const SigningKey key = SigningKey::Generate();
  const std::string pem = key.ToPem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----")) << pem;
  const SigningKey loaded = SigningKey::FromPem(pem);
  EXPECT_EQ(loaded.KeyId(), key.KeyId());
  EXPECT_EQ(loaded.Sign("data"), key.Sign("data"));  // ed25519 is deterministic
  EXPECT_THROW((void)SigningKey::FromPem("garbage"), Error);
}

TEST(SigningTest, ReadsKeysMadeByTheOpensslCommand) {
  gpuext::testing::TempDir dir;
  const auto pem = dir.path() / "key.pem";
  const auto r = gpuext::testing::RunProcess(
      {"openssl", "genpkey", "-algorithm", "ed25519", "-out", pem.string()});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  const SigningKey key = SigningKey::FromPem(testing::ReadFile(pem));
  // `openssl pkey -pubout -outform DER` ends with the 32 raw public key bytes.
  const auto der = dir.path() / "pub.der";
  const auto p = gpuext::testing::RunProcess(
      {"openssl", "pkey", "-in", pem.string(), "-pubout", "-outform", "DER", "-out", der.string()});
  ASSERT_EQ(p.exit_code, 0) << p.stderr_text;
  const std::string der_bytes = testing::ReadFile(der);
  EXPECT_EQ(key.public_key().raw(), der_bytes.substr(der_bytes.size() - 32));
}

TEST(SigningTest, PublicKeysMustBe32Bytes) {
  EXPECT_THROW((void)PublicKey::FromBase64(Base64Encode(std::string(31, 'x'))), Error);
  EXPECT_THROW((void)PublicKey::FromBase64("%%%"), Error);
  EXPECT_FALSE(PublicKey::FromRaw(std::string(32, 'x')).Verify("data", std::string(64, 's')));
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
