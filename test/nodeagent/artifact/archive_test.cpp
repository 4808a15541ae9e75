// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/archive.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "artifact_test_util.h"
#include "gpuext/sha256.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::artifact {
namespace {

namespace fs = std::filesystem;
using testing::RawEntry;
using testing::ReadFile;
using testing::WriteFile;
using testing::WriteRawArchive;

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = dir_.path() / "tree";
    WriteFile(tree_ / "bin/nvidia-smi", "#!/bin/sh\necho smi\n", fs::perms(0755));
    WriteFile(tree_ / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.580.95.05", "ELF library");
    fs::create_symlink("libnvidia-ml.so.580.95.05",
                       tree_ / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
    WriteFile(tree_ / "lib/firmware/nvidia/580.95.05/gsp_ga10x.bin", std::string(300000, 'g'));
    WriteFile(tree_ / std::string(120, 'd') / "long-path-needs-pax", "long");
  }

  gpuext::testing::TempDir dir_;
  fs::path tree_;
};

TEST_F(ArchiveTest, PackThenUnpackReproducesTheTree) {
  const auto blob = dir_.path() / "blob.tar.zst";
  const PackResult packed = PackDirectory(tree_, ListTree(tree_), blob);
  EXPECT_EQ(packed.digest, "sha256:" + Sha256Hex(ReadFile(blob)));
  EXPECT_EQ(packed.size, static_cast<std::int64_t>(fs::file_size(blob)));
  EXPECT_EQ(ReadFile(blob).substr(0, 4), std::string("\x28\xb5\x2f\xfd", 4)) << "zstd magic";
  ASSERT_EQ(packed.files.size(), 5u);

  const auto out = dir_.path() / "out";
  const std::vector<fs::path> blobs = {blob};
  const std::vector<FileEntry> unpacked = UnpackArchives(blobs, out);
  EXPECT_EQ(unpacked, packed.files);
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
  EXPECT_EQ(ReadFile(out / "bin/nvidia-smi"), "#!/bin/sh\necho smi\n");
  EXPECT_EQ(fs::status(out / "bin/nvidia-smi").permissions() & fs::perms::all, fs::perms(0755));
  EXPECT_EQ(fs::read_symlink(out / "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"),
            "libnvidia-ml.so.580.95.05");
  EXPECT_EQ(ReadFile(out / "lib/firmware/nvidia/580.95.05/gsp_ga10x.bin").size(), 300000u);
  for (const FileEntry& f : unpacked) {
    if (f.link_target.empty()) {
      EXPECT_EQ(f.sha256, Sha256Hex(ReadFile(out / f.path))) << f.path;
    }
  }
}

TEST_F(ArchiveTest, PackingIsDeterministic) {
  const auto a = dir_.path() / "a.tar.zst";
  const auto b = dir_.path() / "b.tar.zst";
  const PackResult first = PackDirectory(tree_, ListTree(tree_), a);
  // Different mtimes and a different listing order must not change the bytes.
  fs::last_write_time(tree_ / "bin/nvidia-smi",
                      fs::file_time_type::clock::now() - std::chrono::hours(48));
  auto reversed = ListTree(tree_);
  std::reverse(reversed.begin(), reversed.end());
  const PackResult second = PackDirectory(tree_, reversed, b);
  EXPECT_EQ(first.digest, second.digest);
  EXPECT_EQ(ReadFile(a), ReadFile(b));
}

TEST_F(ArchiveTest, ZstdLevelIsConfigurable) {
  const auto fast = dir_.path() / "fast.tar.zst";
  const auto small = dir_.path() / "small.tar.zst";
  // Words drawn by an LCG: text on which higher levels clearly win (30 % smaller).
  WriteFile(tree_ / "text", [] {
    const char* words[] = {"nvidia", "driver", "kernel", "module", "symbol", "table",
                           "entry",  "gpu",    "memory", "device", "open",   "close",
                           "read",   "write",  "map",    "unmap"};
    std::uint64_t x = 1;
    std::string s;
    for (int i = 0; i < 30000; ++i) {
      x = (x * 1103515245 + 12345) % (std::uint64_t{1} << 31);
      s += words[(x >> 27) & 15];
      s += (x & 7) == 0 ? '\n' : ' ';
    }
    return s;
  }());
  const auto one = PackDirectory(tree_, ListTree(tree_), fast, {.zstd_level = 1});
  const auto nineteen = PackDirectory(tree_, ListTree(tree_), small, {.zstd_level = 19});
  EXPECT_LT(nineteen.size, one.size);
  EXPECT_THROW((void)PackDirectory(tree_, ListTree(tree_), fast, {.zstd_level = 23}), Error);
}

TEST_F(ArchiveTest, UnpackIsCrashSafe) {
  const auto blob = dir_.path() / "blob.tar.zst";
  (void)PackDirectory(tree_, ListTree(tree_), blob);
  const auto out = dir_.path() / "out";
  // A leftover staging dir from a killed run is replaced.
  WriteFile(out.string() + ".tmp/stale", "half");
  const std::vector<fs::path> blobs = {blob};
  (void)UnpackArchives(blobs, out);
  EXPECT_FALSE(fs::exists(out / "stale"));
  // The destination is never replaced in place.
  EXPECT_THROW((void)UnpackArchives(blobs, out), Error);

  // A failing unpack leaves neither the destination nor the staging dir.
  const auto bad = dir_.path() / "bad.tar.zst";
  WriteRawArchive(bad, {{.path = "ok", .content = "fine"}, {.path = "../escape", .content = "x"}});
  const auto out2 = dir_.path() / "out2";
  const std::vector<fs::path> bad_blobs = {bad};
  EXPECT_THROW((void)UnpackArchives(bad_blobs, out2), UnsafeArchiveError);
  EXPECT_FALSE(fs::exists(out2));
  EXPECT_FALSE(fs::exists(out2.string() + ".tmp"));
}

TEST_F(ArchiveTest, RefusesEveryUnsafeEntry) {
  struct Case {
    const char* name;
    std::vector<RawEntry> entries;
  };
  const std::vector<Case> cases = {
      {"dot-dot", {{.path = "a/../../escape", .content = "x"}}},
      {"leading dot-dot", {{.path = "../escape", .content = "x"}}},
      {"absolute", {{.path = "/etc/evil", .content = "x"}}},
      {"absolute symlink", {{.path = "link", .kind = RawEntry::kSymlink, .link = "/etc/shadow"}}},
      {"symlink escaping", {{.path = "a/link", .kind = RawEntry::kSymlink, .link = "../../x"}}},
      {"symlink chain escaping",
       {{.path = "self", .kind = RawEntry::kSymlink, .link = "."},
        {.path = "up", .kind = RawEntry::kSymlink, .link = "self/.."}}},
      {"write through symlink",
       {{.path = "sub", .kind = RawEntry::kDir},
        {.path = "dir", .kind = RawEntry::kSymlink, .link = "sub"},
        {.path = "dir/file", .content = "redirected"}}},
      {"hardlink",
       {{.path = "a", .content = "x"}, {.path = "b", .kind = RawEntry::kHardlink, .link = "a"}}},
      {"hardlink outside", {{.path = "b", .kind = RawEntry::kHardlink, .link = "/etc/passwd"}}},
      {"char device", {{.path = "dev/mem", .kind = RawEntry::kCharDevice}}},
      {"fifo", {{.path = "pipe", .kind = RawEntry::kFifo}}},
      {"duplicate", {{.path = "a", .content = "1"}, {.path = "a", .content = "2"}}},
      {"file over symlink",
       {{.path = "a", .kind = RawEntry::kSymlink, .link = "b"}, {.path = "a", .content = "2"}}},
  };
  for (const Case& c : cases) {
    const auto blob = dir_.path() / (std::string(c.name) + ".tar.zst");
    WriteRawArchive(blob, c.entries);
    const auto dest = dir_.path() / (std::string(c.name) + ".out");
    fs::create_directories(dest);
    EXPECT_THROW((void)ExtractArchive(blob, dest), UnsafeArchiveError) << c.name;
  }
  // Nothing was written outside the destinations.
  EXPECT_FALSE(fs::exists(dir_.path() / "escape"));
  EXPECT_FALSE(fs::exists(dir_.path() / "x"));
}

TEST_F(ArchiveTest, AllowsSymlinksThatStayInside) {
  const auto blob = dir_.path() / "ok.tar.zst";
  WriteRawArchive(blob,
                  {{.path = "lib/real.so.1.2", .content = "so"},
                   {.path = "lib/real.so.1", .kind = RawEntry::kSymlink, .link = "real.so.1.2"},
                   {.path = "bin/tool", .kind = RawEntry::kSymlink, .link = "../lib/real.so.1"},
                   {.path = "./dot/prefixed", .content = "normalised"}});
  const auto dest = dir_.path() / "ok";
  fs::create_directories(dest);
  const auto files = ExtractArchive(blob, dest);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(ReadFile(dest / "bin/tool"), "so");
  EXPECT_EQ(files[3].path, "dot/prefixed");
}

TEST_F(ArchiveTest, BoundsTheUnpackedSize) {
  const auto blob = dir_.path() / "bomb.tar.zst";
  WriteRawArchive(blob, {{.path = "zeros", .content = std::string(1 << 20, '\0')}});
  const auto dest = dir_.path() / "bomb";
  fs::create_directories(dest);
  EXPECT_THROW((void)ExtractArchive(blob, dest, {.max_total_bytes = 1000, .max_entries = 10}),
               UnsafeArchiveError);
}

TEST_F(ArchiveTest, CorruptArchivesAreErrors) {
  const auto blob = dir_.path() / "blob.tar.zst";
  (void)PackDirectory(tree_, ListTree(tree_), blob);
  std::string bytes = ReadFile(blob);
  bytes.resize(bytes.size() / 2);
  WriteFile(blob, bytes);
  const auto dest = dir_.path() / "out";
  fs::create_directories(dest);
  EXPECT_THROW((void)ExtractArchive(blob, dest), Error);
}

TEST_F(ArchiveTest, PackRefusesSpecialFilesAndUnsafeNames) {
  ASSERT_EQ(::mkfifo((tree_ / "fifo").c_str(), 0644), 0);
  EXPECT_THROW((void)ListTree(tree_), Error);
  EXPECT_THROW((void)PackDirectory(tree_, {"fifo"}, dir_.path() / "x.tar.zst"), Error);
  EXPECT_THROW((void)PackDirectory(tree_, {"../tree/bin/nvidia-smi"}, dir_.path() / "x.tar.zst"),
               Error);
  EXPECT_FALSE(fs::exists(dir_.path() / "x.tar.zst.part"));
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
