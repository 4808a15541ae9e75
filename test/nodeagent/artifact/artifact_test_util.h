// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers for the artifact tests: files, hand-crafted (also malicious) tar+zstd archives written
// with libarchive directly, and real ELF objects compiled with gcc that carry a .modinfo section
// the way MODULE_INFO() places it in a kernel module.

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::artifact::testing {

inline void WriteFile(const std::filesystem::path& path, const std::string& content,
                      std::filesystem::perms perms = std::filesystem::perms(0644)) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  std::filesystem::permissions(path, perms);
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// One entry of a hand-made archive, including kinds the packer never writes.
struct RawEntry {
  enum Kind { kFile, kDir, kSymlink, kHardlink, kCharDevice, kFifo };
  std::string path;
  Kind kind = kFile;
  std::string content = {};  // kFile
  std::string link = {};     // kSymlink target or kHardlink source
};

inline void WriteRawArchive(const std::filesystem::path& out,
                            const std::vector<RawEntry>& entries) {
  struct archive* a = archive_write_new();
  ASSERT_EQ(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
  ASSERT_EQ(archive_write_add_filter_zstd(a), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(a, out.c_str()), ARCHIVE_OK) << archive_error_string(a);
  for (const RawEntry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_perm(entry, 0644);
    switch (e.kind) {
      case RawEntry::kFile:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        break;
      case RawEntry::kDir:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case RawEntry::kSymlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, e.link.c_str());
        break;
      case RawEntry::kHardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.link.c_str());
        archive_entry_set_size(entry, 0);
        break;
      case RawEntry::kCharDevice:
        archive_entry_set_filetype(entry, AE_IFCHR);
        archive_entry_set_rdevmajor(entry, 1);
        archive_entry_set_rdevminor(entry, 3);
        break;
      case RawEntry::kFifo:
        archive_entry_set_filetype(entry, AE_IFIFO);
        break;
    }
    ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
    if (e.kind == RawEntry::kFile && !e.content.empty()) {
      ASSERT_EQ(archive_write_data(a, e.content.data(), e.content.size()),
                static_cast<la_ssize_t>(e.content.size()));
    }
    archive_entry_free(entry);
  }
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

struct ModInfoLine {
  std::string key;
  std::string value;
};

// Compiles a relocatable object whose .modinfo holds `lines`, as the kernel's MODULE_INFO()
// macro emits them (static const char arrays in section ".modinfo", no alignment padding).
// `extra_flags` e.g. {"-m32"}. Returns the object path.
inline std::filesystem::path CompileModule(const std::filesystem::path& dir,
                                           const std::string& name,
                                           const std::vector<ModInfoLine>& lines,
                                           const std::vector<std::string>& extra_flags = {}) {
  std::filesystem::create_directories(dir);
  std::string source = "int module_code(void) { return 42; }\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string value;
    for (const char c : lines[i].value) {
      if (c == '"' || c == '\\') {
        value.push_back('\\');
      }
      value.push_back(c);
    }
    source += "static const char modinfo_" + std::to_string(i) +
              "[] __attribute__((section(\".modinfo\"), used, aligned(1))) = \"" + lines[i].key +
              "=" + value + "\";\n";
  }
  const auto src = dir / (name + ".c");
  WriteFile(src, source);
  const auto out = dir / name;
  std::vector<std::string> argv = {"gcc", "-c", "-O1"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  argv.insert(argv.end(), {src.string(), "-o", out.string()});
  const auto r = gpuext::testing::RunProcess(argv);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  return out;
}

}  // namespace gpuext::nodeagent::artifact::testing
