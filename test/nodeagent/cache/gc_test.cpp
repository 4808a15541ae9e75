// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
// GC and quota (DESIGN.md §14.6) with FakeClock time and file times set explicitly.
#include "gpuext/nodeagent/cache/gc.h"

#include <fstream>

#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/blob_store.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/fake_clock.h"
#include "gpuext/testing/process.h"
#include "gpuext/time_format.h"

namespace gpuext::nodeagent::cache {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class GarbageCollectorTest : public ::testing::Test {
 protected:
  GarbageCollectorTest() : store_(dir_.path() / "data", clock_) {}

  // Stores a blob of `size` bytes written `age` ago.
  std::string Blob(char fill, std::int64_t size, std::chrono::seconds age) {
    const std::string content(static_cast<std::size_t>(size), fill);
    const fs::path file = dir_.path() / "in";
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << content;
    }
    const std::string digest = "sha256:" + Sha256Hex(content);
    store_.PutBlob(digest, file);
    SetAge(store_.root() / artifact::BlobObjectName(digest), age);
    return digest;
  }

  void SetAge(const fs::path& file, std::chrono::seconds age) {
    const auto when = clock_.Now() - age;
    fs::permissions(file, fs::perms::owner_write, fs::perm_options::add);
    fs::last_write_time(file, std::chrono::file_clock::from_sys(when));
  }

  artifact::ArtifactKey Manifest(const std::string& kernel, const std::vector<std::string>& blobs,
                                 std::chrono::seconds age) {
    artifact::ArtifactManifest m;
    m.key = artifact::KernelKey("580.95.05", kernel, gpuruntime::ModuleType::kOpen,
                                gpuruntime::Arch::kAmd64);
    m.created = FormatRfc3339(clock_.Now());
    for (const auto& d : blobs) {
      m.blobs.push_back({.digest = d, .size = *store_.BlobSize(d)});
    }
    store_.PutManifest(m);
    SetAge(store_.root() / artifact::ManifestObjectName(m.key), age);
    return m.key;
  }

  gpuext::testing::TempDir dir_;
  gpuext::testing::FakeClock clock_;
  artifact::FilesystemBlobStore store_;
};

TEST_F(GarbageCollectorTest, SweepsOnlyUnreferencedBlobsOlderThanTheGrace) {
  const auto referenced = Blob('a', 100, 48h);
  const auto old_orphan = Blob('b', 100, 25h);
  const auto fresh_orphan = Blob('c', 100, 1h);  // an upload of a build in flight
  (void)Manifest("6.1.0-1-amd64", {referenced}, 48h);
  GarbageCollector gc(store_, clock_, {});
  const GcResult r = gc.RunOnce();
  EXPECT_EQ(r.deleted_blobs, 1);
  EXPECT_TRUE(store_.BlobExists(referenced));
  EXPECT_FALSE(store_.BlobExists(old_orphan));
  EXPECT_TRUE(store_.BlobExists(fresh_orphan));
  EXPECT_EQ(r.bytes_stored, 200);
  clock_.Advance(24h);
  EXPECT_EQ(gc.RunOnce().deleted_blobs, 1);
  EXPECT_FALSE(store_.BlobExists(fresh_orphan));
}

TEST_F(GarbageCollectorTest, QuotaEvictsLeastRecentlyServedOutsideMinRetention) {
  ServedLog served;
  const auto b1 = Blob('1', 100, 30 * 24h);
  const auto b2 = Blob('2', 100, 30 * 24h);
  const auto b3 = Blob('3', 100, 30 * 24h);
  const auto shared = Blob('s', 50, 30 * 24h);
  const auto k1 = Manifest("6.1.0-1-amd64", {b1, shared}, 30 * 24h);
  const auto k2 = Manifest("6.1.0-2-amd64", {b2, shared}, 30 * 24h);
  const auto k3 = Manifest("6.1.0-3-amd64", {b3}, 30 * 24h);
  served.Touch(k1.Path(), clock_.Now() - 20 * 24h);  // oldest
  served.Touch(k2.Path(), clock_.Now() - 10 * 24h);
  served.Touch(k3.Path(), clock_.Now() - 1h);  // within minRetention: protected
  GarbageCollector gc(store_, clock_, {.quota_bytes = 200}, &served);
  const GcResult r = gc.RunOnce();
  // 350 bytes stored: evicting k1 frees b1 (shared stays with k2): 250; then k2: 100.
  EXPECT_EQ(r.evicted, (std::vector<std::string>{k1.Path(), k2.Path()}));
  EXPECT_FALSE(store_.ManifestExists(k1));
  EXPECT_FALSE(store_.ManifestExists(k2));
  EXPECT_TRUE(store_.ManifestExists(k3));
  EXPECT_FALSE(store_.BlobExists(b1));
  EXPECT_FALSE(store_.BlobExists(shared));
  EXPECT_TRUE(store_.BlobExists(b3));
  EXPECT_EQ(r.bytes_stored, 100);
  EXPECT_FALSE(r.over_quota);
  EXPECT_EQ(r.deleted_blobs, 3);
}

TEST_F(GarbageCollectorTest, QuotaNeverEvictsProtectedKeys) {
  const auto b1 = Blob('1', 100, 30 * 24h);
  const auto b2 = Blob('2', 100, 30 * 24h);
  const auto running = Manifest("6.1.0-1-amd64", {b1}, 30 * 24h);
  const auto recent = Manifest("6.1.0-2-amd64", {b2}, 2 * 24h);  // written 2 d ago, never served
  GarbageCollector gc(
      store_, clock_,
      {.quota_bytes = 50, .in_use = [&](const artifact::ArtifactKey& k) { return k == running; }});
  const GcResult r = gc.RunOnce();
  EXPECT_TRUE(r.evicted.empty());
  EXPECT_TRUE(r.over_quota);
  EXPECT_TRUE(store_.ManifestExists(running));
  EXPECT_TRUE(store_.ManifestExists(recent));
}

TEST_F(GarbageCollectorTest, AbandonedUploadsAreRemovedAfterTheGrace) {
  const fs::path staging = dir_.path() / "data" / "uploads";
  fs::create_directories(staging / "dead");
  fs::create_directories(staging / "live");
  std::ofstream(staging / "dead" / "blob") << "x";
  std::ofstream(staging / "live" / "blob") << "y";
  SetAge(staging / "dead" / "blob", 25h);
  SetAge(staging / "dead", 25h);
  SetAge(staging / "live" / "blob", 1h);
  SetAge(staging / "live", 30h);  // an old directory with a fresh upload inside
  GarbageCollector gc(store_, clock_, {.staging_dir = staging});
  EXPECT_EQ(gc.RunOnce().removed_uploads, 1);
  EXPECT_FALSE(fs::exists(staging / "dead"));
  EXPECT_TRUE(fs::exists(staging / "live" / "blob"));
}

TEST_F(GarbageCollectorTest, ServedLogSurvivesARestart) {
  const fs::path file = dir_.path() / "served.json";
  {
    ServedLog log(file);
    log.Touch("kernel/580.95.05/6.1.0-1-amd64/open/amd64", clock_.Now());
    log.Save();
  }
  ServedLog again(file);
  EXPECT_EQ(again.Last("kernel/580.95.05/6.1.0-1-amd64/open/amd64"), clock_.Now());
  EXPECT_EQ(again.Last("userspace/580.95.05/amd64"), std::nullopt);
}

}  // namespace
}  // namespace gpuext::nodeagent::cache
