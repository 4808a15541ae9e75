// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/elf_modinfo.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gpuext::nodeagent::artifact {

namespace {

// Bounds that no real module reaches but that keep a malicious header from making us allocate
// or loop without limit.
constexpr std::uint64_t kMaxSections = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxTableBytes = std::uint64_t{16} << 20;
constexpr std::uint32_t kShtNobits = 8;
constexpr std::uint64_t kShnXindex = 0xffff;
constexpr std::string_view kSignatureMarker = "~Module signature appended~\n";

// Random access to the ELF bytes: memory or a file read with pread.
class Source {
 public:
  virtual ~Source() = default;
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  // Reads exactly [offset, offset + length); the caller has checked the bounds.
  virtual void ReadAt(std::uint64_t offset, std::size_t length, char* out) const = 0;
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  [[nodiscard]] std::uint64_t size() const override { return data_.size(); }
  void ReadAt(std::uint64_t offset, std::size_t length, char* out) const override {
    std::memcpy(out, data_.data() + offset, length);
  }

 private:
  std::string_view data_;
};

class FileSource final : public Source {
 public:
  explicit FileSource(const std::filesystem::path& path) : path_(path.string()) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
      const int err = errno;
      if (fd_ >= 0) {
        ::close(fd_);
      }
      throw Error(ErrorCode::kInternal, fmt::format("{}: {}", path_, std::strerror(err)));
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw ElfError(fmt::format("{}: not a regular file", path_));
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
  }
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  [[nodiscard]] std::uint64_t size() const override { return size_; }
  void ReadAt(std::uint64_t offset, std::size_t length, char* out) const override {
    std::size_t done = 0;
    while (done < length) {
      const ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        throw Error(ErrorCode::kInternal,
                    fmt::format("{}: read failed or file shrank while reading", path_));
      }
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

struct Section {
  std::uint32_t name = 0;
  std::uint32_t type = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint32_t link = 0;
};

class ElfReader {
 public:
  ElfReader(const Source& source, std::string name) : source_(source), name_(std::move(name)) {}

  ModInfo Read() {
    ReadHeader();
    const Section strtab = SectionAt(shstrndx_);
    const std::string names = ReadTable(strtab, "section name table");
    for (std::uint64_t i = 0; i < shnum_; ++i) {
      const Section s = SectionAt(i);
      if (SectionName(names, s) != ".modinfo") {
        continue;
      }
      return ParseEntries(ReadTable(s, ".modinfo section"));
    }
    Fail("no .modinfo section (not a kernel module)");
  }

 private:
  [[noreturn]] void Fail(std::string_view what) const {
    throw ElfError(fmt::format("{}: {}", name_, what));
  }

  std::string Bytes(std::uint64_t offset, std::uint64_t length, std::string_view what) const {
    if (offset > source_.size() || length > source_.size() - offset) {
      Fail(fmt::format("{} at offset {} (+{} bytes) lies beyond the end of the file ({} bytes)",
                       what, offset, length, source_.size()));
    }
    std::string out(static_cast<std::size_t>(length), '\0');
    source_.ReadAt(offset, out.size(), out.data());
    return out;
  }

  std::uint64_t Field(std::string_view bytes, std::size_t at, std::size_t width) const {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) {
      const auto b = static_cast<std::uint8_t>(bytes[big_endian_ ? at + i : at + width - 1 - i]);
      v = (v << 8) | b;
    }
    return v;
  }

  void ReadHeader() {
    if (source_.size() < 16) {
      Fail("too short for an ELF header");
    }
    const std::string ident = Bytes(0, 16, "ELF identification");
    if (ident.compare(0, 4,
                      "\x7f"
                      "ELF") != 0) {
      Fail("not an ELF file (bad magic)");
    }
    if (ident[4] != 1 && ident[4] != 2) {
      Fail(fmt::format("unknown ELF class {}", static_cast<int>(ident[4])));
    }
    if (ident[5] != 1 && ident[5] != 2) {
      Fail(fmt::format("unknown ELF byte order {}", static_cast<int>(ident[5])));
    }
    if (ident[6] != 1) {
      Fail(fmt::format("unknown ELF version {}", static_cast<int>(ident[6])));
    }
    is64_ = ident[4] == 2;
    big_endian_ = ident[5] == 2;
    const std::string h = Bytes(0, is64_ ? 64 : 52, "ELF header");
    const std::uint64_t shoff = is64_ ? Field(h, 0x28, 8) : Field(h, 0x20, 4);
    const std::uint64_t shentsize = Field(h, is64_ ? 0x3A : 0x2E, 2);
    shnum_ = Field(h, is64_ ? 0x3C : 0x30, 2);
    shstrndx_ = Field(h, is64_ ? 0x3E : 0x32, 2);
    const std::uint64_t min_entsize = is64_ ? 64 : 40;
    if (shoff == 0) {
      Fail("no section header table");
    }
    if (shentsize < min_entsize) {
      Fail(fmt::format("section header size {} is below {}", shentsize, min_entsize));
    }
    shoff_ = shoff;
    shentsize_ = shentsize;
    // Extended numbering (gABI): counts that do not fit 16 bits live in section 0.
    if (shnum_ == 0 || shstrndx_ == kShnXindex) {
      shnum_ = std::max<std::uint64_t>(shnum_, 1);
      const Section zero = SectionAt(0);
      if (Field(h, is64_ ? 0x3C : 0x30, 2) == 0) {
        shnum_ = zero.size;
      }
      if (shstrndx_ == kShnXindex) {
        shstrndx_ = zero.link;
      }
    }
    if (shnum_ == 0 || shnum_ > kMaxSections) {
      Fail(fmt::format("implausible section count {}", shnum_));
    }
    if (shoff_ > source_.size() || shnum_ * shentsize_ > source_.size() - shoff_) {
      Fail(fmt::format("section header table ({} x {} bytes at offset {}) is truncated", shnum_,
                       shentsize_, shoff_));
    }
    if (shstrndx_ >= shnum_) {
      Fail(fmt::format("section name table index {} is out of range ({} sections)", shstrndx_,
                       shnum_));
    }
  }

  Section SectionAt(std::uint64_t index) const {
    const std::string s = Bytes(shoff_ + index * shentsize_, is64_ ? 64 : 40,
                                fmt::format("section header {}", index));
    Section out;
    out.name = static_cast<std::uint32_t>(Field(s, 0, 4));
    out.type = static_cast<std::uint32_t>(Field(s, 4, 4));
    out.offset = is64_ ? Field(s, 24, 8) : Field(s, 16, 4);
    out.size = is64_ ? Field(s, 32, 8) : Field(s, 20, 4);
    out.link = static_cast<std::uint32_t>(is64_ ? Field(s, 40, 4) : Field(s, 24, 4));
    return out;
  }

  std::string ReadTable(const Section& s, std::string_view what) const {
    if (s.type == kShtNobits) {
      Fail(fmt::format("{} has no file contents (SHT_NOBITS)", what));
    }
    if (s.size > kMaxTableBytes) {
      Fail(fmt::format("{} is implausibly large ({} bytes)", what, s.size));
    }
    return Bytes(s.offset, s.size, what);
  }

  std::string_view SectionName(const std::string& names, const Section& s) const {
    if (s.name >= names.size()) {
      Fail(fmt::format("section name offset {} lies outside the name table ({} bytes)", s.name,
                       names.size()));
    }
    const auto end = names.find('\0', s.name);
    if (end == std::string::npos) {
      Fail("section name table is not NUL-terminated");
    }
    return std::string_view(names).substr(s.name, end - s.name);
  }

  ModInfo ParseEntries(const std::string& data) const {
    ModInfo info;
    std::size_t pos = 0;
    while (pos < data.size()) {
      const auto end = data.find('\0', pos);
      if (end == std::string::npos) {
        Fail(fmt::format(".modinfo entry at offset {} is not NUL-terminated", pos));
      }
      const std::string_view item = std::string_view(data).substr(pos, end - pos);
      pos = end + 1;
      if (item.empty()) {
        continue;  // alignment padding between entries
      }
      const auto eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        Fail(fmt::format(".modinfo entry \"{}\" is not key=value", item));
      }
      info.entries.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    }
    return info;
  }

  const Source& source_;
  std::string name_;
  bool is64_ = true;
  bool big_endian_ = false;
  std::uint64_t shoff_ = 0;
  std::uint64_t shentsize_ = 0;
  std::uint64_t shnum_ = 0;
  std::uint64_t shstrndx_ = 0;
};

}  // namespace

std::optional<std::string> ModInfo::Get(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

std::vector<std::string> ModInfo::GetAll(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : entries) {
    if (k == key) {
      out.push_back(v);
    }
  }
  return out;
}

ModInfo ParseModInfo(std::string_view elf_image) {
  const MemorySource source(elf_image);
  return ElfReader(source, "ELF image").Read();
}

ModInfo ReadModInfo(const std::filesystem::path& file) {
  const FileSource source(file);
  return ElfReader(source, file.string()).Read();
}

bool HasModuleSignature(const std::filesystem::path& file) {
  const FileSource source(file);
  if (source.size() < kSignatureMarker.size()) {
    return false;
  }
  std::string tail(kSignatureMarker.size(), '\0');
  source.ReadAt(source.size() - tail.size(), tail.size(), tail.data());
  return tail == kSignatureMarker;
}

}  // namespace gpuext::nodeagent::artifact
