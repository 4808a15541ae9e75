// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The build recipes (DESIGN.md §14.5 step 3) as data: where a source tree keeps its
// kernel-independent core objects and its Kbuild directory. The builder reads only this table,
// so a new source layout is a new row, not new code.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpuext/gpuruntime/types.h"

namespace gpuext::nodeagent {

// One prebuilt core object: `built` is where the top-level make leaves it (with "{machine}"
// standing for the uname machine, "x86_64"), `linked` where the Kbuild directory expects it.
struct CoreObject {
  std::string built = {};
  std::string linked = {};
};

struct KbuildRecipe {
  std::string name = {};
  // The directory (relative to the source root) holding the Kbuild file and, after a build,
  // the .ko files: "kernel-open" for the open modules.
  std::string kbuild_dir = {};
  // The kernel-independent objects worth keeping across kernels (§14.5: "keep its output per
  // (driver version, arch, compiler) and reuse it").
  std::vector<CoreObject> core_objects = {};
  // Extra "NAME=value" make variables (environment quirks such as
  // IGNORE_MISSING_MODULE_SYMVERS=1).
  std::vector<std::string> make_variables = {};
};

// The row named `name` ("kbuild-open"), or nullopt for an unknown or unsupported recipe.
// Today only kbuild-open is implemented; kbuild-run and installer are §14.5's other recipes.
[[nodiscard]] std::optional<KbuildRecipe> FindKbuildRecipe(std::string_view name);

// `object.built` with "{machine}" replaced for `arch`.
[[nodiscard]] std::string CoreObjectBuiltPath(const CoreObject& object, gpuruntime::Arch arch);

}  // namespace gpuext::nodeagent
