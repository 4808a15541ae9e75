// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// NvidiaVendor::UserspaceFileList (DESIGN.md §14.5 step 5).
//
// Layout facts of an extracted `.run` (`sh NVIDIA-Linux-<narch>-<v>.run -x`): one flat top-level
// directory with the binaries (nvidia-smi, nvidia-persistenced, nvidia-modprobe, ...), the
// 64-bit libraries as `lib<name>.so.<version>`, 32-bit ones under `32/`, GSP firmware under
// `firmware/gsp_*.bin`, the kernel sources under `kernel/` and `kernel-open/`, and `.manifest`
// (published listings of extracted trees and packaging scripts that copy `firmware/gsp_*.bin`).
// The library set is libnvidia-container's list of what container injection needs
// (src/nvc_info.c: utility, compute and video libraries), see
// ../shared/reference/nvidia-stack.md §1.4. Libraries that only some branches ship are optional;
// which branch introduced each one is not tracked here (unverified), so the builder copies them
// when present.

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/nvidia.h"

namespace gpuext::gpuruntime {
namespace {

struct LibrarySpec {
  const char* name;  // without ".so.<version>"
  bool required;
};

// Utility, compute and video libraries (libnvidia-container nvc_info.c), 64-bit only.
constexpr LibrarySpec kLibraries[] = {
    // utility
    {"libnvidia-ml", true},
    {"libnvidia-cfg", false},
    // compute
    {"libcuda", true},
    {"libcudadebugger", false},
    {"libnvidia-opencl", false},
    {"libnvidia-gpucomp", false},
    {"libnvidia-ptxjitcompiler", true},
    {"libnvidia-allocator", false},
    {"libnvidia-pkcs11", false},
    {"libnvidia-pkcs11-openssl3", false},
    {"libnvidia-nvvm", false},
    {"libnvidia-tileiras", false},
    // video
    {"libnvcuvid", false},
    {"libnvidia-encode", false},
    {"libnvidia-opticalflow", false},
    {"libvdpau_nvidia", false},
};

struct BinarySpec {
  const char* name;
  bool required;
};

constexpr BinarySpec kBinaries[] = {
    {"nvidia-smi", true},
    {"nvidia-debugdump", false},
    {"nvidia-persistenced", true},
    {"nvidia-modprobe", true},
    {"nvidia-cuda-mps-control", false},
    {"nvidia-cuda-mps-server", false},
};

}  // namespace

std::vector<UserspaceFile> NvidiaVendor::UserspaceFileList(const DriverVersion& version,
                                                           Arch arch) const {
  if (version.IsBranchOnly()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("userspace files need a full driver version, not branch {}", version.String()));
  }
  const std::string& v = version.String();
  std::vector<UserspaceFile> files;
  for (const auto& binary : kBinaries) {
    files.push_back({.source = binary.name, .destination = "bin", .required = binary.required});
  }
  std::string lib_dir = fmt::format("usr/lib/{}", MultiarchTriplet(arch));
  for (const auto& library : kLibraries) {
    files.push_back({.source = fmt::format("{}.so.{}", library.name, v),
                     .destination = lib_dir,
                     .required = library.required});
  }
  // GSP firmware: gsp_tu10x.bin and gsp_ga10x.bin in current branches (earlier ones had
  // gsp_ad10x.bin too); the open modules cannot run without it, so at least one must exist.
  files.push_back({.source = "firmware/gsp_*.bin",
                   .destination = fmt::format("lib/firmware/nvidia/{}", v),
                   .required = true});
  return files;
}

}  // namespace gpuext::gpuruntime
