// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// S3BlobStore against a real s3rver: layout, verified and resumed downloads, multipart, leases
// over the put-then-read-back fallback (s3rver has no conditional writes), read-only consumers.
#include "gpuext/nodeagent/artifact/s3_store.h"

#include <atomic>
#include <barrier>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/archive.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/artifact/verify.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/fake_clock.h"
#include "s3_test_fixture.h"

namespace gpuext::nodeagent::artifact {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using gpuruntime::Arch;
using gpuruntime::ModuleType;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::string S3StoreTestRead(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes `content` to `path` and returns its digest.
std::string S3StoreTestBlob(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return "sha256:" + Sha256Hex(content);
}

std::string S3StoreTestPattern(std::size_t size, int seed) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>((i * 131 + i / 251 + static_cast<std::size_t>(seed)) & 0xff);
  }
  return out;
}

class S3BlobStoreTest : public testing::S3rverTest {
 protected:
  std::unique_ptr<S3BlobStore> Store(S3StoreOptions options = {}) {
    return std::make_unique<S3BlobStore>(Config(), clock_, std::move(options));
  }

  // Runs `fn` on a thread and advances the fake clock whenever every unfinished caller sleeps
  // (the fallback lease strategy waits between write and read-back).
  void RunAdvancing(const std::vector<std::function<void()>>& fns) {
    std::atomic<std::size_t> done{0};
    std::vector<std::jthread> threads;
    for (const auto& fn : fns) {
      threads.emplace_back([&done, fn] {
        fn();
        ++done;
      });
    }
    while (done < fns.size()) {
      const std::size_t sleepers = clock_.Sleepers();
      if (sleepers > 0 && sleepers == fns.size() - done) {
        clock_.Advance(2s);
      } else {
        std::this_thread::sleep_for(1ms);  // waiting for real threads, not for a timing
      }
    }
  }

  LeaseAnswer Acquire(S3BlobStore& store, const ArtifactKey& key, const std::string& holder) {
    LeaseAnswer answer;
    RunAdvancing({[&] { answer = store.AcquireLease(key, holder, 120s); }});
    return answer;
  }

  // Grant, held, renew, takeover after expiry, stale renew and release, release (the semantics
  // of FilesystemBlobStore's leases).
  void ExpectLeaseLifecycle() {
    auto a = Store();
    auto b = Store();
    const LeaseAnswer first = Acquire(*a, kernel_key_, "shoot--p--s/build-1");
    ASSERT_EQ(first.state, LeaseState::kGranted);
    EXPECT_FALSE(first.took_over_expired);

    const LeaseAnswer second = Acquire(*b, kernel_key_, "shoot--q--t/build-2");
    EXPECT_EQ(second.state, LeaseState::kHeld);
    EXPECT_EQ(second.lease.holder, "shoot--p--s/build-1");

    const auto renewed = a->RenewLease(kernel_key_, first.lease.id, "compile", 120s);
    ASSERT_TRUE(renewed.has_value());
    EXPECT_EQ(renewed->generation, 1);
    EXPECT_EQ(b->GetLease(kernel_key_)->phase, "compile");

    clock_.Advance(3min);  // the builder died: the lease expires
    const LeaseAnswer takeover = Acquire(*b, kernel_key_, "shoot--q--t/build-2");
    ASSERT_EQ(takeover.state, LeaseState::kGranted);
    EXPECT_TRUE(takeover.took_over_expired);
    EXPECT_FALSE(a->RenewLease(kernel_key_, first.lease.id, "link", 120s).has_value());
    EXPECT_FALSE(a->ReleaseLease(kernel_key_, first.lease.id));
    EXPECT_TRUE(b->ReleaseLease(kernel_key_, takeover.lease.id));
    EXPECT_FALSE(b->GetLease(kernel_key_).has_value());
  }

  gpuext::testing::FakeClock clock_;
  const ArtifactKey kernel_key_ =
      KernelKey("580.95.05", "6.12.72-cloud-amd64", ModuleType::kOpen, Arch::kAmd64);
};

TEST_F(S3BlobStoreTest, BlobsAndManifestsKeepTheFilesystemLayout) {
  auto store = Store();
  const std::string content = "kernel part";
  const std::string digest = S3StoreTestBlob(dir_.path() / "blob", content);
  ArtifactManifest manifest{.key = kernel_key_, .created = "2026-08-21T10:00:00Z"};
  manifest.blobs = {{.digest = digest, .size = static_cast<std::int64_t>(content.size())}};

  EXPECT_THAT([&] { store->PutManifest(manifest); },
              ThrowsMessage<Error>(HasSubstr("upload every blob before the manifest")));
  EXPECT_FALSE(store->BlobExists(digest));
  store->PutBlob(digest, dir_.path() / "blob");
  store->PutBlob(digest, dir_.path() / "blob");  // existing: no-op
  EXPECT_TRUE(store->BlobExists(digest));
  EXPECT_EQ(store->BlobSize(digest), 11);
  store->PutManifest(manifest);

  // The same object names as FilesystemBlobStore.
  S3Client raw(Config());
  EXPECT_TRUE(raw.HeadObject(BlobObjectName(digest)).has_value());
  EXPECT_TRUE(raw.HeadObject("manifests/" + kernel_key_.Path() + ".json").has_value());

  EXPECT_TRUE(store->ManifestExists(kernel_key_));
  EXPECT_EQ(store->GetManifest(kernel_key_), EncodeManifest(manifest));
  EXPECT_EQ(store->ListBlobs(), std::vector<std::string>{digest});
  const ArtifactKey other = UserspaceKey("580.95.05", Arch::kAmd64);
  manifest.key = other;
  store->PutManifest(manifest);
  EXPECT_EQ(store->ListManifests(""), (std::vector<ArtifactKey>{kernel_key_, other}));
  EXPECT_EQ(store->ListManifests("kernel/580.95.05/"), std::vector<ArtifactKey>{kernel_key_});

  ASSERT_TRUE(store->GetBlob(digest, dir_.path() / "out"));
  EXPECT_EQ(S3StoreTestRead(dir_.path() / "out"), content);

  store->DeleteManifest(kernel_key_);
  store->DeleteBlob(digest);
  EXPECT_FALSE(store->GetManifest(kernel_key_).has_value());
  EXPECT_FALSE(store->GetBlob(digest, dir_.path() / "gone"));
  EXPECT_FALSE(fs::exists(dir_.path() / "gone"));
}

TEST_F(S3BlobStoreTest, PutBlobRefusesContentThatDoesNotMatchTheDigest) {
  auto store = Store();
  const std::string digest = "sha256:" + Sha256Hex("expected");
  S3StoreTestBlob(dir_.path() / "blob", "something else");
  EXPECT_THAT([&] { store->PutBlob(digest, dir_.path() / "blob"); },
              ThrowsMessage<Error>(HasSubstr("nothing was stored")));
  EXPECT_FALSE(store->BlobExists(digest));
}

TEST_F(S3BlobStoreTest, LargeBlobGoesMultipartAndRoundTrips) {
  S3ClientConfig config = Config();
  config.part_size = 64 * 1024;
  config.multipart_threshold = 64 * 1024;
  S3BlobStore store(config, clock_);
  const std::string content = S3StoreTestPattern(300 * 1024 + 7, 1);
  const std::string digest = S3StoreTestBlob(dir_.path() / "big", content);
  store.PutBlob(digest, dir_.path() / "big");
  EXPECT_EQ(server_->WaitForLogCount("Stored part ", 5), 5u) << server_->Log();
  ASSERT_TRUE(store.GetBlob(digest, dir_.path() / "back"));
  EXPECT_TRUE(S3StoreTestRead(dir_.path() / "back") == content);
}

TEST_F(S3BlobStoreTest, GetBlobResumesFromAPartialDownload) {
  auto store = Store();
  const std::string content = S3StoreTestPattern(200 * 1024, 2);
  const std::string digest = S3StoreTestBlob(dir_.path() / "blob", content);
  store->PutBlob(digest, dir_.path() / "blob");

  // An earlier attempt stopped after 50 KiB.
  const fs::path dest = dir_.path() / "dest";
  std::ofstream(dest.string() + ".part", std::ios::binary) << content.substr(0, 50 * 1024);
  ASSERT_TRUE(store->GetBlob(digest, dest));
  EXPECT_TRUE(S3StoreTestRead(dest) == content);
  EXPECT_FALSE(fs::exists(dest.string() + ".part"));
  // The rest came as a ranged answer, not the whole object again.
  EXPECT_EQ(server_->WaitForLogCount(" 206 ", 1), 1u) << server_->Log();
}

TEST_F(S3BlobStoreTest, GetBlobStartsOverWhenThePartialDownloadIsBad) {
  auto store = Store();
  const std::string content = S3StoreTestPattern(100 * 1024, 3);
  const std::string digest = S3StoreTestBlob(dir_.path() / "blob", content);
  store->PutBlob(digest, dir_.path() / "blob");
  const fs::path dest = dir_.path() / "dest";
  std::ofstream(dest.string() + ".part", std::ios::binary) << std::string(1000, 'x');
  ASSERT_TRUE(store->GetBlob(digest, dest));
  EXPECT_TRUE(S3StoreTestRead(dest) == content);
  EXPECT_FALSE(fs::exists(dest.string() + ".part"));
}

TEST_F(S3BlobStoreTest, TamperedBlobFailsAndLeavesNoFile) {
  auto store = Store();
  const std::string digest = S3StoreTestBlob(dir_.path() / "blob", "the real bytes");
  store->PutBlob(digest, dir_.path() / "blob");
  // Someone with write access replaces the object's bytes.
  store->client().PutObject(BlobObjectName(digest), "evil bytes!!!!");

  const fs::path dest = dir_.path() / "dest";
  EXPECT_THAT([&] { store->GetBlob(digest, dest); },
              ThrowsMessage<Error>(AllOf(HasSubstr("is corrupt"), HasSubstr(digest))));
  EXPECT_FALSE(fs::exists(dest));
  EXPECT_FALSE(fs::exists(dest.string() + ".part"));
}

TEST_F(S3BlobStoreTest, ConditionalWriteProbeReportsUnsupportedForS3rver) {
  auto store = Store();
  EXPECT_FALSE(store->ConditionalWritesSupported());
  EXPECT_FALSE(store->ConditionalWritesSupported());  // remembered
  // The probe cleans up after itself.
  EXPECT_TRUE(store->client().ListAll("leases/").empty());
}

TEST_F(S3BlobStoreTest, CompetingHoldersGetExactlyOneGrant) {
  // Both racers find no lease before either writes (the hard case), then both write.
  std::barrier both_looked(2);
  const auto line_up = [&] { both_looked.arrive_and_wait(); };
  auto a = Store({.before_lease_write_for_test = line_up});
  auto b = Store({.before_lease_write_for_test = line_up});
  ASSERT_FALSE(a->ConditionalWritesSupported());  // the read-back fallback is under test
  LeaseAnswer got_a;
  LeaseAnswer got_b;
  RunAdvancing({[&] { got_a = a->AcquireLease(kernel_key_, "shoot--a/build-1", 120s); },
                [&] { got_b = b->AcquireLease(kernel_key_, "shoot--b/build-2", 120s); }});
  const int granted = (got_a.state == LeaseState::kGranted) + (got_b.state == LeaseState::kGranted);
  ASSERT_EQ(granted, 1);
  const LeaseAnswer& winner = got_a.state == LeaseState::kGranted ? got_a : got_b;
  const LeaseAnswer& loser = got_a.state == LeaseState::kGranted ? got_b : got_a;
  EXPECT_EQ(loser.lease.id, winner.lease.id) << "the loser is told who holds it";
  EXPECT_EQ(a->GetLease(kernel_key_)->id, winner.lease.id);
}

TEST_F(S3BlobStoreTest, LeaseLifecycleMatchesTheFilesystemStore) { ExpectLeaseLifecycle(); }

TEST_F(S3BlobStoreTest, FailureRecordsBackOff) {
  auto store = Store();
  store->RecordFailure(kernel_key_, "CompileError", "log tail");
  const FailureRecord second = store->RecordFailure(kernel_key_, "NoHeadersForKernel", "none");
  EXPECT_EQ(second.attempts, 2);
  EXPECT_EQ(second.retry_after - second.failed_at, FailureBackoff(2));
  EXPECT_EQ(store->GetFailure(kernel_key_)->reason, "NoHeadersForKernel");
  EXPECT_TRUE(store->ActiveFailure(kernel_key_).has_value());
  clock_.Advance(21min);
  EXPECT_FALSE(store->ActiveFailure(kernel_key_).has_value());
  EXPECT_TRUE(store->GetFailure(kernel_key_).has_value());
  store->ClearFailure(kernel_key_);
  EXPECT_FALSE(store->GetFailure(kernel_key_).has_value());
}

TEST_F(S3BlobStoreTest, ReadOnlyConsumerVerifiesWhatAWriterPublished) {
  // Cluster 1 (read-write credentials) publishes a signed artifact.
  const SigningKey signer = SigningKey::Generate();
  const fs::path tree = dir_.path() / "tree";
  fs::create_directories(tree / "usr/lib");
  std::ofstream(tree / "usr/lib/libnvidia-ml.so.580.95.05") << "library bytes";
  const fs::path blob = dir_.path() / "blob.tar.zst";
  const PackResult packed = PackDirectory(tree, ListTree(tree), blob, {.zstd_level = 3});
  ArtifactManifest manifest{.key = UserspaceKey("580.95.05", Arch::kAmd64),
                            .created = "2026-08-21T10:00:00Z"};
  manifest.blobs = {{.digest = packed.digest, .size = packed.size}};
  manifest.files = packed.files;
  SignManifest(manifest, signer);
  auto writer = Store();
  writer->PutBlob(packed.digest, blob);
  writer->PutManifest(manifest);

  // A node of cluster 2 reads with its own read-only credentials.
  S3ClientConfig config = Config();
  config.credentials = {.access_key_id = "cluster-b", .secret_access_key = "read-only-secret"};
  S3BlobStore reader(config, clock_, {.read_only = true});
  const auto text = reader.GetManifest(manifest.key);
  ASSERT_TRUE(text.has_value());
  const ArtifactManifest got = DecodeManifest(*text);
  ASSERT_TRUE(reader.GetBlob(got.blobs[0].digest, dir_.path() / "downloaded"));
  const VerifyResult verified = VerifyArtifact({.manifest = got,
                                                .blob_files = {dir_.path() / "downloaded"},
                                                .requested_key = manifest.key,
                                                .trusted_keys = {signer.public_key()},
                                                .dest = dir_.path() / "verified"});
  ASSERT_TRUE(verified.ok()) << ToString(verified.reason) << ": " << verified.message;
  EXPECT_EQ(S3StoreTestRead(dir_.path() / "verified/usr/lib/libnvidia-ml.so.580.95.05"),
            "library bytes");

  // Every write is refused before a request is made.
  const auto refused = ThrowsMessage<Error>(HasSubstr("this S3 store is read-only"));
  EXPECT_THAT([&] { reader.PutBlob(packed.digest, blob); }, refused);
  EXPECT_THAT([&] { reader.PutManifest(manifest); }, refused);
  EXPECT_THAT([&] { reader.DeleteBlob(packed.digest); }, refused);
  EXPECT_THAT([&] { reader.DeleteManifest(manifest.key); }, refused);
  EXPECT_THAT([&] { static_cast<void>(reader.AcquireLease(manifest.key, "n", 120s)); }, refused);
  EXPECT_THAT([&] { reader.RecordFailure(manifest.key, "CompileError", ""); }, refused);
  EXPECT_TRUE(writer->ManifestExists(manifest.key));
}

TEST_F(S3BlobStoreTest, SecretsNeverReachLogsOrErrors) {
  S3ClientConfig config = Config();
  config.credentials = {.access_key_id = "cluster-b",
                        .secret_access_key = "read-only-secret",
                        .session_token = "seeded-session-token"};
  ::testing::internal::CaptureStderr();
  std::string errors;
  {
    S3BlobStore store(config, clock_);
    static_cast<void>(store.ConditionalWritesSupported());  // logs the fallback
    static_cast<void>(Acquire(store, kernel_key_, "holder"));
    config.credentials.secret_access_key = "seeded-wrong-secret";
    S3BlobStore wrong(config, clock_);
    try {
      static_cast<void>(wrong.GetManifest(kernel_key_));
    } catch (const Error& e) {
      errors = e.what();
    }
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("ignores conditional writes"));
  EXPECT_THAT(errors, HasSubstr("SignatureDoesNotMatch"));
  for (const char* secret : {"read-only-secret", "seeded-session-token", "seeded-wrong-secret"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
    EXPECT_EQ(errors.find(secret), std::string::npos) << secret;
  }
}

// The same store against s3rver with SIMULATED conditional writes: the If-None-Match / If-Match
// lease path.
class S3BlobStoreConditionalTest : public S3BlobStoreTest {
 protected:
  [[nodiscard]] gpuext::testing::S3rverOptions ServerOptions() const override {
    return {.simulate_conditional_writes = true};
  }
};

TEST_F(S3BlobStoreConditionalTest, ProbeReportsSupported) {
  auto store = Store();
  EXPECT_TRUE(store->ConditionalWritesSupported());
  EXPECT_TRUE(store->client().ListAll("leases/").empty());
  // What the probe relies on, seen through the client.
  S3Client& s3 = store->client();
  const auto etag = s3.PutObjectIfAbsent("k", "1");
  ASSERT_TRUE(etag.has_value());
  EXPECT_FALSE(s3.PutObjectIfAbsent("k", "2").has_value());
  EXPECT_FALSE(s3.PutObjectIfMatch("k", "3", "\"other\"").has_value());
  EXPECT_TRUE(s3.PutObjectIfMatch("k", "4", *etag).has_value());
  EXPECT_EQ(s3.GetObject("k")->body, "4");
}

TEST_F(S3BlobStoreConditionalTest, CompetingHoldersGetExactlyOneGrant) {
  // No waiting on this path: the server's conditional create decides. Several keys, each raced
  // by three holders at once.
  std::vector<std::unique_ptr<S3BlobStore>> stores;
  for (int i = 0; i < 3; ++i) {
    stores.push_back(Store());
    ASSERT_TRUE(stores.back()->ConditionalWritesSupported());
  }
  for (const char* release :
       {"6.12.72-cloud-amd64", "6.12.73-cloud-amd64", "6.12.74-cloud-amd64"}) {
    SCOPED_TRACE(release);
    const ArtifactKey key = KernelKey("580.95.05", release, ModuleType::kOpen, Arch::kAmd64);
    std::vector<LeaseAnswer> answers(stores.size());
    std::barrier start(static_cast<std::ptrdiff_t>(stores.size()));
    std::vector<std::function<void()>> racers;
    for (std::size_t i = 0; i < stores.size(); ++i) {
      racers.emplace_back([&, i] {
        start.arrive_and_wait();
        answers[i] = stores[i]->AcquireLease(key, "holder-" + std::to_string(i), 120s);
      });
    }
    RunAdvancing(racers);
    int granted = 0;
    std::string winner;
    for (const LeaseAnswer& a : answers) {
      if (a.state == LeaseState::kGranted) {
        ++granted;
        winner = a.lease.id;
      }
    }
    ASSERT_EQ(granted, 1);
    for (const LeaseAnswer& a : answers) {
      EXPECT_EQ(a.lease.id, winner);
    }
  }
}

TEST_F(S3BlobStoreConditionalTest, LeaseLifecycleMatchesTheFilesystemStore) {
  ExpectLeaseLifecycle();
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
