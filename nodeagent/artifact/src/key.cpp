// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/key.h"

#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/sha256.h"

namespace gpuext::nodeagent::artifact {

namespace {

using nlohmann::json;

// Longer kernel releases do not exist in practice; the bound keeps object names short.
constexpr std::size_t kMaxSegment = 128;

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, "artifact key: " + message);
}

void ValidateDriverVersion(std::string_view text) {
  const auto version = gpuruntime::DriverVersion::Parse(text);
  if (!version || version->IsBranchOnly() || version->String() != text) {
    Invalid(
        fmt::format("driverVersion \"{}\" is not a full driver version such as 580.95.05", text));
  }
}

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) {
      return parts;
    }
    start = slash + 1;
  }
}

const std::string& StringField(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) {
    Invalid(fmt::format("field \"{}\" is required", name));
  }
  if (!it->is_string()) {
    Invalid(fmt::format("field \"{}\" must be a string", name));
  }
  return it->get_ref<const std::string&>();
}

}  // namespace

std::string_view ToString(ArtifactPart part) {
  return part == ArtifactPart::kKernel ? "kernel" : "userspace";
}

std::optional<ArtifactPart> ParseArtifactPart(std::string_view text) {
  if (text == "kernel") {
    return ArtifactPart::kKernel;
  }
  if (text == "userspace") {
    return ArtifactPart::kUserspace;
  }
  return std::nullopt;
}

bool IsSafePathSegment(std::string_view segment) {
  if (segment.empty() || segment.size() > kMaxSegment || segment == "." || segment == "..") {
    return false;
  }
  for (const char c : segment) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '+';
    if (!ok) {
      return false;
    }
  }
  return true;
}

void ArtifactKey::Validate() const {
  ValidateDriverVersion(driver_version);
  if (part == ArtifactPart::kKernel) {
    if (!IsSafePathSegment(kernel_release)) {
      Invalid(fmt::format(
          "kernelRelease \"{}\" must be 1-{} characters of [A-Za-z0-9._+-] and not \".\" or \"..\"",
          kernel_release, kMaxSegment));
    }
    if (!module_type) {
      Invalid("moduleType is required for the kernel part");
    }
  } else {
    if (!kernel_release.empty() || module_type) {
      Invalid("kernelRelease and moduleType must be empty for the userspace part");
    }
  }
}

std::string ArtifactKey::Path() const {
  Validate();
  if (part == ArtifactPart::kKernel) {
    return fmt::format("kernel/{}/{}/{}/{}", driver_version, kernel_release,
                       gpuruntime::ToString(*module_type), gpuruntime::ToString(arch));
  }
  return fmt::format("userspace/{}/{}", driver_version, gpuruntime::ToString(arch));
}

std::string ArtifactKey::PathSha256() const { return Sha256Hex(Path()); }

ArtifactKey ArtifactKey::Parse(std::string_view path) {
  const auto parts = Split(path);
  const auto part = ParseArtifactPart(parts.front());
  if (!part) {
    Invalid(fmt::format("\"{}\" must start with kernel/ or userspace/", path));
  }
  const std::size_t want = *part == ArtifactPart::kKernel ? 5 : 3;
  if (parts.size() != want) {
    Invalid(fmt::format("\"{}\" must have the form {}", path,
                        *part == ArtifactPart::kKernel
                            ? "kernel/<driverVersion>/<kernelRelease>/<moduleType>/<arch>"
                            : "userspace/<driverVersion>/<arch>"));
  }
  ArtifactKey key;
  key.part = *part;
  key.driver_version = std::string(parts[1]);
  const std::string_view arch_text = parts.back();
  // ParseArch also accepts uname spellings; a key path has exactly one spelling.
  const auto arch = gpuruntime::ParseArch(arch_text);
  if (!arch || gpuruntime::ToString(*arch) != arch_text) {
    Invalid(fmt::format("arch \"{}\" must be amd64 or arm64", arch_text));
  }
  key.arch = *arch;
  if (key.part == ArtifactPart::kKernel) {
    key.kernel_release = std::string(parts[2]);
    key.module_type = gpuruntime::ParseModuleType(parts[3]);
    if (!key.module_type) {
      Invalid(fmt::format("moduleType \"{}\" must be open or proprietary", parts[3]));
    }
  }
  key.Validate();
  return key;
}

ArtifactKey KernelKey(std::string driver_version, std::string kernel_release,
                      gpuruntime::ModuleType module_type, gpuruntime::Arch arch) {
  return ArtifactKey{.part = ArtifactPart::kKernel,
                     .driver_version = std::move(driver_version),
                     .kernel_release = std::move(kernel_release),
                     .module_type = module_type,
                     .arch = arch};
}

ArtifactKey UserspaceKey(std::string driver_version, gpuruntime::Arch arch) {
  return ArtifactKey{.part = ArtifactPart::kUserspace,
                     .driver_version = std::move(driver_version),
                     .kernel_release = {},
                     .module_type = std::nullopt,
                     .arch = arch};
}

json KeyToJson(const ArtifactKey& key) {
  key.Validate();
  json out = {{"part", ToString(key.part)},
              {"driverVersion", key.driver_version},
              {"arch", gpuruntime::ToString(key.arch)}};
  if (key.part == ArtifactPart::kKernel) {
    out["kernelRelease"] = key.kernel_release;
    out["moduleType"] = gpuruntime::ToString(*key.module_type);
  }
  return out;
}

ArtifactKey KeyFromJson(const json& object) {
  if (!object.is_object()) {
    Invalid("key must be an object");
  }
  const auto part = ParseArtifactPart(StringField(object, "part"));
  if (!part) {
    Invalid("part must be kernel or userspace");
  }
  const std::set<std::string> allowed =
      *part == ArtifactPart::kKernel
          ? std::set<std::string>{"part", "driverVersion", "kernelRelease", "moduleType", "arch"}
          : std::set<std::string>{"part", "driverVersion", "arch"};
  for (const auto& [name, value] : object.items()) {
    if (!allowed.contains(name)) {
      Invalid(fmt::format("unknown field \"{}\" for the {} part", name, ToString(*part)));
    }
  }
  std::string path = fmt::format("{}/{}", ToString(*part), StringField(object, "driverVersion"));
  if (*part == ArtifactPart::kKernel) {
    path += fmt::format("/{}/{}", StringField(object, "kernelRelease"),
                        StringField(object, "moduleType"));
  }
  path += "/" + StringField(object, "arch");
  // A "/" inside a field would shift the segments; Parse then rejects the count or the values.
  for (const char* name : {"driverVersion", "kernelRelease", "moduleType", "arch"}) {
    const auto it = object.find(name);
    if (it != object.end() && it->get_ref<const std::string&>().find('/') != std::string::npos) {
      Invalid(fmt::format("field \"{}\" must not contain \"/\"", name));
    }
  }
  return ArtifactKey::Parse(path);
}

}  // namespace gpuext::nodeagent::artifact
