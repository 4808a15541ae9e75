// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/elf_modinfo.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "artifact_test_util.h"
#include "gpuext/testing/process.h"

namespace gpuext::nodeagent::artifact {
namespace {

namespace fs = std::filesystem;
using testing::CompileModule;
using testing::ModInfoLine;
using testing::ReadFile;
using testing::WriteFile;

const std::vector<ModInfoLine> kNvidiaLines = {
    {"vermagic", "6.12.72-cloud-amd64 SMP preempt mod_unload modversions "},
    {"license", "Dual MIT/GPL"},
    {"depends", "drm,i2c-core"},
    {"alias", "pci:v000010DEd*sv*sd*bc03sc00i00*"},
    {"alias", "pci:v000010DEd*sv*sd*bc03sc02i00*"},
    {"version", "580.95.05"},
    {"parm", "NVreg_OpenRmEnableUnsupportedGpus:int"},
    {"description", "NVIDIA \"open\" kernel module; equals = signs = kept"},
    {"name", "nvidia"},
};

fs::path Modinfo() {
  for (const char* p : {"/usr/sbin/modinfo", "/sbin/modinfo"}) {
    if (fs::exists(p)) {
      return p;
    }
  }
  return {};
}

// What the real kmod `modinfo -0` reports, minus its "filename:" line.
std::vector<std::pair<std::string, std::string>> KmodEntries(const fs::path& file) {
  const auto r = gpuext::testing::RunProcess({Modinfo().string(), "-0", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos < r.stdout_text.size()) {
    const auto end = r.stdout_text.find('\0', pos);
    const std::string item = r.stdout_text.substr(pos, end - pos);
    pos = end == std::string::npos ? r.stdout_text.size() : end + 1;
    if (item.starts_with("filename:") || item.starts_with("parm:")) {
      continue;  // kmod reformats parm entries ("parm:  name:description (type)")
    }
    const auto eq = item.find('=');
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

using Entries = std::vector<std::pair<std::string, std::string>>;

// The lines in a stable order: gcc places the arrays in an order of its choosing.
Entries Sorted(Entries entries) {
  std::sort(entries.begin(), entries.end());
  return entries;
}

Entries Expected(const std::vector<ModInfoLine>& lines) {
  Entries out;
  for (const auto& l : lines) {
    out.emplace_back(l.key, l.value);
  }
  return Sorted(out);
}

// Our entries in section order without parm, to compare with kmod's output.
Entries WithoutParm(Entries entries) {
  std::erase_if(entries, [](const auto& e) { return e.first == "parm"; });
  return entries;
}

// Hand-built ELF: header, .modinfo, .shstrtab, then the section headers [null, .modinfo,
// .shstrtab]. Covers byte orders gcc here cannot produce.
struct HandElf {
  std::string bytes;
  std::size_t shoff = 0;
};

HandElf BuildElf(bool is64, bool big_endian, const std::string& modinfo) {
  std::string out;
  const auto put = [&](std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) {
      const int shift = big_endian ? (width - 1 - i) * 8 : i * 8;
      out.push_back(static_cast<char>((v >> shift) & 0xff));
    }
  };
  const std::size_t ehsize = is64 ? 64 : 52;
  const std::string shstrtab = std::string("\0.modinfo\0.shstrtab\0", 20);
  const std::size_t modinfo_off = ehsize;
  const std::size_t strtab_off = modinfo_off + modinfo.size();
  const std::size_t shoff = strtab_off + shstrtab.size();
  out += std::string(
      "\x7f"
      "ELF",
      4);
  out.push_back(is64 ? 2 : 1);
  out.push_back(big_endian ? 2 : 1);
  out.push_back(1);
  out += std::string(9, '\0');
  put(1, 2);                     // e_type ET_REL
  put(big_endian ? 21 : 62, 2);  // e_machine (ppc64 / x86-64), irrelevant here
  put(1, 4);                     // e_version
  put(0, is64 ? 8 : 4);          // e_entry
  put(0, is64 ? 8 : 4);          // e_phoff
  put(shoff, is64 ? 8 : 4);      // e_shoff
  put(0, 4);                     // e_flags
  put(ehsize, 2);                // e_ehsize
  put(0, 2);                     // e_phentsize
  put(0, 2);                     // e_phnum
  put(is64 ? 64 : 40, 2);        // e_shentsize
  put(3, 2);                     // e_shnum
  put(2, 2);                     // e_shstrndx
  out += modinfo;
  out += shstrtab;
  const auto section = [&](std::uint32_t name, std::uint32_t type, std::uint64_t offset,
                           std::uint64_t size) {
    put(name, 4);
    put(type, 4);
    put(0, is64 ? 8 : 4);  // flags
    put(0, is64 ? 8 : 4);  // addr
    put(offset, is64 ? 8 : 4);
    put(size, is64 ? 8 : 4);
    put(0, 4);             // link
    put(0, 4);             // info
    put(1, is64 ? 8 : 4);  // addralign
    put(0, is64 ? 8 : 4);  // entsize
  };
  section(0, 0, 0, 0);
  section(1, 1, modinfo_off, modinfo.size());
  section(10, 3, strtab_off, shstrtab.size());
  return {out, shoff};
}

std::string ModinfoBytes(const std::vector<ModInfoLine>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l.key + "=" + l.value;
    out.push_back('\0');
  }
  return out;
}

class ElfModInfoTest : public ::testing::Test {
 protected:
  gpuext::testing::TempDir dir_;
};

TEST_F(ElfModInfoTest, MatchesKmodModinfoOnARealElf64Object) {
  ASSERT_FALSE(Modinfo().empty()) << "kmod's modinfo is missing: apt-get install kmod";
  const auto ko = CompileModule(dir_.path(), "nvidia.ko", kNvidiaLines);
  const ModInfo info = ReadModInfo(ko);
  EXPECT_EQ(Sorted(info.entries), Expected(kNvidiaLines));
  EXPECT_EQ(WithoutParm(info.entries), KmodEntries(ko));
  EXPECT_EQ(info.Get("parm"), "NVreg_OpenRmEnableUnsupportedGpus:int");
  EXPECT_EQ(info.Get("vermagic"), "6.12.72-cloud-amd64 SMP preempt mod_unload modversions ");
  EXPECT_EQ(info.GetAll("alias").size(), 2u);
  EXPECT_EQ(info.Get("depends"), "drm,i2c-core");
  EXPECT_EQ(info.Get("missing"), std::nullopt);
  EXPECT_EQ(ParseModInfo(ReadFile(ko)).entries, info.entries);
}

TEST_F(ElfModInfoTest, MatchesKmodModinfoOnARealElf32Object) {
  const auto r = gpuext::testing::RunProcess(
      {"gcc", "-m32", "-c", "-x", "c", "/dev/null", "-o", (dir_.path() / "probe.o").string()});
  if (r.exit_code != 0) {
    GTEST_SKIP() << "gcc -m32 is not available here: " << r.stderr_text;
  }
  const auto ko = CompileModule(dir_.path(), "nvidia32.ko", kNvidiaLines, {"-m32"});
  EXPECT_EQ(Sorted(ReadModInfo(ko).entries), Expected(kNvidiaLines));
  EXPECT_EQ(WithoutParm(ReadModInfo(ko).entries), KmodEntries(ko));
}

TEST_F(ElfModInfoTest, ReadsEveryClassAndByteOrder) {
  for (const bool is64 : {true, false}) {
    for (const bool big : {true, false}) {
      const HandElf elf = BuildElf(is64, big, ModinfoBytes(kNvidiaLines));
      EXPECT_EQ(Sorted(ParseModInfo(elf.bytes).entries), Expected(kNvidiaLines))
          << "64=" << is64 << " big=" << big;
      const auto path = dir_.path() / ("hand" + std::to_string(is64) + std::to_string(big) + ".ko");
      WriteFile(path, elf.bytes);
      EXPECT_EQ(WithoutParm(ReadModInfo(path).entries), KmodEntries(path))
          << "64=" << is64 << " big=" << big;
    }
  }
}

TEST_F(ElfModInfoTest, SkipsAlignmentPadding) {
  const std::string padded = std::string("vermagic=6.1.0 SMP\0\0\0\0license=GPL\0\0", 34);
  EXPECT_EQ(ParseModInfo(BuildElf(true, false, padded).bytes).entries,
            (std::vector<std::pair<std::string, std::string>>{{"vermagic", "6.1.0 SMP"},
                                                              {"license", "GPL"}}));
}

TEST_F(ElfModInfoTest, EveryTruncationIsACleanError) {
  const auto ko = CompileModule(dir_.path(), "t.ko", kNvidiaLines);
  const std::string bytes = ReadFile(ko);
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    // The section header table sits at the end of a gcc object, so every cut breaks it.
    EXPECT_THROW((void)ParseModInfo(std::string_view(bytes).substr(0, len)), ElfError) << len;
  }
}

TEST_F(ElfModInfoTest, CorruptHeadersAreCleanErrors) {
  const HandElf good = BuildElf(true, false, ModinfoBytes(kNvidiaLines));
  const auto set = [](std::string bytes, std::size_t at, std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) {
      bytes[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    return bytes;
  };
  const std::size_t modinfo_hdr = good.shoff + 64;
  const std::size_t strtab_hdr = good.shoff + 128;
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"bad magic", set(good.bytes, 0, 0x464c457e, 4)},
      {"bad class", set(good.bytes, 4, 7, 1)},
      {"bad byte order", set(good.bytes, 5, 0, 1)},
      {"bad version", set(good.bytes, 6, 9, 1)},
      {"no section table", set(good.bytes, 0x28, 0, 8)},
      {"section table beyond end", set(good.bytes, 0x28, 1u << 30, 8)},
      {"section table offset overflow", set(good.bytes, 0x28, ~std::uint64_t{0} - 10, 8)},
      {"small entry size", set(good.bytes, 0x3A, 16, 2)},
      {"huge section count", set(good.bytes, 0x3C, 0xfff0, 2)},
      {"name table index out of range", set(good.bytes, 0x3E, 7, 2)},
      {"name offset outside table", set(good.bytes, modinfo_hdr, 1000, 4)},
      {"modinfo beyond end", set(good.bytes, modinfo_hdr + 24, 1u << 20, 8)},
      {"modinfo size overflow", set(good.bytes, modinfo_hdr + 32, ~std::uint64_t{0}, 8)},
      {"modinfo is NOBITS", set(good.bytes, modinfo_hdr + 4, 8, 4)},
      {"name table huge", set(good.bytes, strtab_hdr + 32, std::uint64_t{1} << 40, 8)},
      {"no .modinfo", set(good.bytes, modinfo_hdr, 10, 4)},  // renamed to .shstrtab... twice
  };
  for (const auto& [name, bytes] : cases) {
    EXPECT_THROW((void)ParseModInfo(bytes), ElfError) << name;
  }
  EXPECT_THROW((void)ParseModInfo(BuildElf(true, false, "vermagic=6.1").bytes), ElfError)
      << "unterminated entry";
  EXPECT_THROW((void)ParseModInfo(BuildElf(true, false, std::string("novalue\0", 8)).bytes),
               ElfError);
  EXPECT_THROW((void)ParseModInfo("short"), ElfError);
  EXPECT_THROW((void)ParseModInfo(""), ElfError);
  WriteFile(dir_.path() / "text.ko", "just text, not an ELF file at all");
  EXPECT_THROW((void)ReadModInfo(dir_.path() / "text.ko"), ElfError);
  EXPECT_THROW((void)ReadModInfo(dir_.path() / "absent.ko"), Error);
}

TEST_F(ElfModInfoTest, RandomCorruptionNeverCrashes) {
  const auto ko = CompileModule(dir_.path(), "f.ko", kNvidiaLines);
  const std::string bytes = ReadFile(ko);
  std::mt19937 rng(42);
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string mutated = bytes;
    for (int flips = 0; flips < 4; ++flips) {
      mutated[rng() % mutated.size()] = static_cast<char>(rng() & 0xff);
    }
    try {
      (void)ParseModInfo(mutated);
      ++parsed;
    } catch (const ElfError&) {
    }
  }
  EXPECT_GT(parsed, 0) << "most flips land in code bytes and leave the module readable";
}

TEST_F(ElfModInfoTest, DetectsAppendedModuleSignatures) {
  const auto ko = CompileModule(dir_.path(), "s.ko", kNvidiaLines);
  EXPECT_FALSE(HasModuleSignature(ko));
  WriteFile(ko, ReadFile(ko) + std::string(600, 's') + "~Module signature appended~\n");
  EXPECT_TRUE(HasModuleSignature(ko));
  EXPECT_EQ(ReadModInfo(ko).Get("name"), "nvidia") << "still readable with the signature";
}

}  // namespace
}  // namespace gpuext::nodeagent::artifact
