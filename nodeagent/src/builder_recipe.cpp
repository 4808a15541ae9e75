// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder_recipe.h"

namespace gpuext::nodeagent {

namespace {

// open-gpu-kernel-modules: src/nvidia and src/nvidia-modeset build without kernel headers into
// _out/Linux_<machine>/*.o; the top-level Makefile links them into kernel-open/ as *.o_binary.
KbuildRecipe KbuildOpenRecipe() {
  return {.name = "kbuild-open",
          .kbuild_dir = "kernel-open",
          .core_objects = {{.built = "src/nvidia/_out/Linux_{machine}/nv-kernel.o",
                            .linked = "kernel-open/nvidia/nv-kernel.o_binary"},
                           {.built = "src/nvidia-modeset/_out/Linux_{machine}/nv-modeset-kernel.o",
                            .linked = "kernel-open/nvidia-modeset/nv-modeset-kernel.o_binary"}},
          .make_variables = {}};
}

}  // namespace

std::optional<KbuildRecipe> FindKbuildRecipe(std::string_view name) {
  if (name == "kbuild-open") {
    return KbuildOpenRecipe();
  }
  return std::nullopt;
}

std::string CoreObjectBuiltPath(const CoreObject& object, gpuruntime::Arch arch) {
  static constexpr std::string_view kMachine = "{machine}";
  std::string path = object.built;
  const auto at = path.find(kMachine);
  if (at != std::string::npos) {
    path.replace(at, kMachine.size(), gpuruntime::UnameMachine(arch));
  }
  return path;
}

}  // namespace gpuext::nodeagent
