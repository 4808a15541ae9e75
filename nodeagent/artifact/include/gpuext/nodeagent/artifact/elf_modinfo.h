// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reads a kernel module's `.modinfo` section (DESIGN.md §13.3 step 6) by parsing the ELF section
// headers directly, without running `modinfo`: the agent must not trust file names, and the
// container has no kmod. Handles ELF32 and ELF64 in either byte order. Every offset and size is
// bounds-checked, and only the section header table, the section name table and `.modinfo` are
// read (with pread), so a 60 MB nvidia.ko costs a few kilobytes of memory.
//
//   ModInfo info = ReadModInfo(tree / "lib/modules/6.12.72-cloud-amd64/.../nvidia.ko");
//   info.Get("vermagic")  // "6.12.72-cloud-amd64 SMP preempt mod_unload modversions"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpuext/error.h"

namespace gpuext::nodeagent::artifact {

// A malformed, truncated or non-module ELF file; the message names the file and the defect.
class ElfError : public Error {
 public:
  explicit ElfError(const std::string& message) : Error(ErrorCode::kInvalidArgument, message) {}
};

struct ModInfo {
  // key=value entries in section order; keys may repeat (depends is single, alias/parm repeat).
  std::vector<std::pair<std::string, std::string>> entries = {};

  // The first value of `key`, or nullopt.
  [[nodiscard]] std::optional<std::string> Get(std::string_view key) const;
  // Every value of `key`, in order.
  [[nodiscard]] std::vector<std::string> GetAll(std::string_view key) const;
};

// Parses an ELF image held in memory. Throws ElfError.
[[nodiscard]] ModInfo ParseModInfo(std::string_view elf_image);

// Reads the file. Throws ElfError (bad ELF, no .modinfo section) or gpuext::Error (I/O).
[[nodiscard]] ModInfo ReadModInfo(const std::filesystem::path& file);

// True when the file ends with the kernel's module signature marker
// ("~Module signature appended~\n", scripts/sign-file). Throws gpuext::Error on I/O errors.
[[nodiscard]] bool HasModuleSignature(const std::filesystem::path& file);

}  // namespace gpuext::nodeagent::artifact
