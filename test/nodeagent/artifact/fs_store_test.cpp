// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/fs_store.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "artifact_test_util.h"
#include "gpuext/error.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::artifact {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using gpuruntime::Arch;
using gpuruntime::ModuleType;
using testing::ReadFile;
using testing::WriteFile;

class FilesystemBlobStoreTest : public ::testing::Test {
 protected:
  fs::path Source(const std::string& name, const std::string& content) {
    const auto path = dir_.path() / "src" / name;
    WriteFile(path, content);
    return path;
  }

  static std::string Digest(const std::string& content) { return "sha256:" + Sha256Hex(content); }

  ArtifactManifest ManifestFor(const ArtifactKey& key, const std::vector<std::string>& blobs) {
    ArtifactManifest m;
    m.key = key;
    m.created = "2026-01-01T00:00:00Z";
    for (const auto& b : blobs) {
      m.blobs.push_back({.digest = Digest(b), .size = static_cast<std::int64_t>(b.size())});
    }
    return m;
  }

  static std::size_t CountFiles(const fs::path& dir) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  }

  gpuext::testing::TempDir dir_;
  gpuext::testing::FakeClock clock_;
  FilesystemBlobStore store_{dir_.path() / "store", clock_};
  ArtifactKey key_ = KernelKey("580.95.05", "6.12.72-cloud-amd64", ModuleType::kOpen, Arch::kAmd64);
};

TEST_F(FilesystemBlobStoreTest, BlobsAreContentAddressed) {
  const std::string content = "tar+zstd bytes";
  const std::string digest = Digest(content);
  EXPECT_FALSE(store_.BlobExists(digest));
  store_.PutBlob(digest, Source("a", content));
  const std::string hex = digest.substr(7);
  EXPECT_EQ(ReadFile(store_.root() / "blobs/sha256" / hex.substr(0, 2) / hex), content);
  EXPECT_EQ(BlobObjectName(digest), "blobs/sha256/" + hex.substr(0, 2) + "/" + hex);
  EXPECT_TRUE(store_.BlobExists(digest));
  EXPECT_EQ(store_.BlobSize(digest), static_cast<std::int64_t>(content.size()));
  const auto out = dir_.path() / "fetched";
  EXPECT_TRUE(store_.GetBlob(digest, out));
  EXPECT_EQ(ReadFile(out), content);
  EXPECT_EQ(store_.ListBlobs(), std::vector<std::string>{digest});
  store_.DeleteBlob(digest);
  store_.DeleteBlob(digest);  // absent is fine
  EXPECT_FALSE(store_.GetBlob(digest, out));
  EXPECT_EQ(store_.BlobSize(digest), std::nullopt);
}

TEST_F(FilesystemBlobStoreTest, PutBlobRejectsADigestMismatch) {
  const std::string claimed = Digest("what the uploader promised");
  try {
    store_.PutBlob(claimed, Source("evil", "what it sent"));
    FAIL() << "mismatch accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find(Sha256Hex("what it sent")), std::string::npos);
  }
  EXPECT_FALSE(store_.BlobExists(claimed));
  EXPECT_TRUE(store_.ListBlobs().empty());
  EXPECT_EQ(CountFiles(store_.root() / "tmp"), 0u) << "no litter";
  EXPECT_THROW(store_.PutBlob("sha256:../../etc/passwd", Source("x", "x")), Error);
}

TEST_F(FilesystemBlobStoreTest, GetBlobDetectsCorruptionAtRest) {
  const std::string digest = Digest("good");
  store_.PutBlob(digest, Source("g", "good"));
  WriteFile(store_.root() / BlobObjectName(digest), "rot!");
  EXPECT_THROW((void)store_.GetBlob(digest, dir_.path() / "out"), Error);
}

TEST_F(FilesystemBlobStoreTest, ManifestIsPublishedOnlyAfterItsBlobs) {
  const ArtifactManifest m = ManifestFor(key_, {"blob one", "blob two"});
  store_.PutBlob(Digest("blob one"), Source("1", "blob one"));
  try {
    store_.PutManifest(m);
    FAIL() << "published with a missing blob";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotReady);
    EXPECT_NE(std::string(e.what()).find(Digest("blob two")), std::string::npos);
  }
  EXPECT_FALSE(store_.ManifestExists(key_));
  EXPECT_EQ(store_.GetManifest(key_), std::nullopt);
  store_.PutBlob(Digest("blob two"), Source("2", "blob two"));
  store_.PutManifest(m);
  ASSERT_TRUE(store_.ManifestExists(key_));
  EXPECT_EQ(DecodeManifest(*store_.GetManifest(key_)), m);
  EXPECT_TRUE(fs::exists(store_.root() / "manifests" / (key_.Path() + ".json")));
  EXPECT_EQ(CountFiles(store_.root() / "tmp"), 0u);
}

TEST_F(FilesystemBlobStoreTest, ListsManifestsByPrefix) {
  const std::vector<ArtifactKey> keys = {
      KernelKey("580.95.05", "6.12.72-cloud-amd64", ModuleType::kOpen, Arch::kAmd64),
      KernelKey("580.95.05", "6.12.73-cloud-amd64", ModuleType::kOpen, Arch::kAmd64),
      KernelKey("570.86.15", "6.12.72-cloud-amd64", ModuleType::kProprietary, Arch::kArm64),
      UserspaceKey("580.95.05", Arch::kAmd64),
  };
  for (const auto& k : keys) {
    store_.PutManifest(ManifestFor(k, {}));
  }
  WriteFile(store_.root() / "manifests/kernel/not-a-key.json", "{}");  // ignored
  EXPECT_EQ(store_.ListManifests("").size(), 4u);
  EXPECT_EQ(store_.ListManifests("kernel/580.95.05/"),
            (std::vector<ArtifactKey>{keys[0], keys[1]}));
  EXPECT_EQ(store_.ListManifests("userspace/"), std::vector<ArtifactKey>{keys[3]});
  store_.DeleteManifest(keys[0]);
  store_.DeleteManifest(keys[0]);
  EXPECT_EQ(store_.ListManifests("kernel/580.95.05/"), std::vector<ArtifactKey>{keys[1]});
}

TEST_F(FilesystemBlobStoreTest, LeaseIsExclusiveUntilItExpires) {
  const LeaseAnswer first = store_.AcquireLease(key_, "cluster-a/build-1", 120s);
  ASSERT_EQ(first.state, LeaseState::kGranted);
  EXPECT_FALSE(first.took_over_expired);
  EXPECT_TRUE(fs::exists(store_.root() / "leases" / (key_.PathSha256() + ".json")));

  clock_.Advance(119s);
  const LeaseAnswer second = store_.AcquireLease(key_, "cluster-b/build-2", 120s);
  EXPECT_EQ(second.state, LeaseState::kHeld);
  EXPECT_EQ(second.lease.holder, "cluster-a/build-1");
  EXPECT_EQ(second.lease.id, first.lease.id);

  // The holder heartbeats; the lease lives on.
  const auto renewed = store_.RenewLease(key_, first.lease.id, "Compiling", 120s);
  ASSERT_TRUE(renewed.has_value());
  EXPECT_EQ(renewed->phase, "Compiling");
  clock_.Advance(119s);
  EXPECT_EQ(store_.AcquireLease(key_, "cluster-b/build-2", 120s).state, LeaseState::kHeld);

  // The holder dies: after the TTL the next request takes over.
  clock_.Advance(2s);
  const LeaseAnswer takeover = store_.AcquireLease(key_, "cluster-b/build-3", 120s);
  ASSERT_EQ(takeover.state, LeaseState::kGranted);
  EXPECT_TRUE(takeover.took_over_expired);
  EXPECT_EQ(store_.GetLease(key_)->holder, "cluster-b/build-3");
  // The old holder's late heartbeat and release fail and do not disturb the new holder.
  EXPECT_EQ(store_.RenewLease(key_, first.lease.id, "Uploading", 120s), std::nullopt);
  EXPECT_FALSE(store_.ReleaseLease(key_, first.lease.id));
  EXPECT_EQ(store_.GetLease(key_)->id, takeover.lease.id);

  EXPECT_TRUE(store_.ReleaseLease(key_, takeover.lease.id));
  EXPECT_EQ(store_.GetLease(key_), std::nullopt);
  EXPECT_EQ(store_.AcquireLease(key_, "cluster-c/build-4", 120s).state, LeaseState::kGranted);
}

// Many threads race for one fresh lease and then for one expired lease; each time exactly one
// wins. Repeated over several keys to give the race many chances.
TEST_F(FilesystemBlobStoreTest, RacingAcquirersExactlyOneWins) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 10; ++round) {
    const ArtifactKey key = KernelKey("580.95.05", "6.12." + std::to_string(round) + "-cloud-amd64",
                                      ModuleType::kOpen, Arch::kAmd64);
    for (const bool expired : {false, true}) {
      if (expired) {
        clock_.Advance(121s);  // the winner of the first race died
      }
      std::atomic<int> ready{0};
      std::atomic<int> granted{0};
      std::atomic<int> took_over{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          FilesystemBlobStore store(store_.root(), clock_);  // as another process would
          ++ready;
          while (ready.load() < kThreads) {
          }
          const LeaseAnswer a = store.AcquireLease(key, "builder-" + std::to_string(t), 120s);
          if (a.state == LeaseState::kGranted) {
            ++granted;
            took_over += a.took_over_expired ? 1 : 0;
          }
        });
      }
      for (auto& th : threads) {
        th.join();
      }
      EXPECT_EQ(granted.load(), 1) << "round " << round << " expired=" << expired;
      EXPECT_EQ(took_over.load(), expired ? 1 : 0);
    }
  }
}

TEST_F(FilesystemBlobStoreTest, RacingProcessesExactlyOneWins) {
  constexpr int kProcesses = 6;
  std::vector<pid_t> children;
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(pipe_fds[1]);
      char go = 0;
      (void)::read(pipe_fds[0], &go, 1);  // start together
      FilesystemBlobStore store(store_.root(), clock_);
      const LeaseAnswer a = store.AcquireLease(key_, "process-" + std::to_string(p), 120s);
      ::_exit(a.state == LeaseState::kGranted ? 0 : 1);
    }
    children.push_back(pid);
  }
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);  // EOF releases every child at once
  int winners = 0;
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    winners += WEXITSTATUS(status) == 0 ? 1 : 0;
  }
  EXPECT_EQ(winners, 1);
}

TEST_F(FilesystemBlobStoreTest, FailuresBackOffExponentially) {
  EXPECT_EQ(FailureBackoff(1), 10min);
  EXPECT_EQ(FailureBackoff(2), 20min);
  EXPECT_EQ(FailureBackoff(6), 320min);
  EXPECT_EQ(FailureBackoff(7), 6h);
  EXPECT_EQ(FailureBackoff(1000), 6h);

  const FailureRecord first = store_.RecordFailure(key_, "NoHeadersForKernel", "no headers");
  EXPECT_EQ(first.attempts, 1);
  EXPECT_EQ(first.retry_after - first.failed_at, 10min);
  EXPECT_TRUE(fs::exists(store_.root() / "failures" / (key_.PathSha256() + ".json")));
  ASSERT_TRUE(store_.ActiveFailure(key_).has_value());
  EXPECT_EQ(store_.ActiveFailure(key_)->reason, "NoHeadersForKernel");
  clock_.Advance(10min);
  EXPECT_EQ(store_.ActiveFailure(key_), std::nullopt) << "retry allowed after the backoff";
  const FailureRecord second = store_.RecordFailure(key_, "CompileError", "log tail");
  EXPECT_EQ(second.attempts, 2);
  EXPECT_EQ(second.retry_after - second.failed_at, 20min);
  EXPECT_EQ(store_.GetFailure(key_)->message, "log tail");
  store_.ClearFailure(key_);
  EXPECT_EQ(store_.GetFailure(key_), std::nullopt);
  EXPECT_EQ(store_.RecordFailure(key_, "CompileError", "again").attempts, 1);
}

TEST_F(FilesystemBlobStoreTest, SweepRemovesOldLitterOnly) {
  WriteFile(store_.root() / "tmp/crashed.blob", "partial");
  fs::last_write_time(store_.root() / "tmp/crashed.blob",
                      fs::file_time_type::clock::now() - std::chrono::hours(2));
  WriteFile(store_.root() / "tmp/in-flight.blob", "partial");
  store_.SweepStaleFiles(std::chrono::hours(1));
  EXPECT_FALSE(fs::exists(store_.root() / "tmp/crashed.blob"));
  EXPECT_TRUE(fs::exists(store_.root() / "tmp/in-flight.blob"));
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
