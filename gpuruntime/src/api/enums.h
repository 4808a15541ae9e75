// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Spelling tables of the config enums, shared by decoding, encoding and validation messages.

#include "decoder.h"
#include "gpuext/gpuruntime/api/gpu_config.h"
#include "gpuext/gpuruntime/types.h"

namespace gpuext::gpuruntime::api::internal {

inline constexpr EnumName<CacheMode> kCacheModes[] = {
    {CacheMode::kServer, "server"}, {CacheMode::kS3, "s3"}, {CacheMode::kFilesystem, "filesystem"}};
inline constexpr EnumName<CacheBackend> kCacheBackends[] = {
    {CacheBackend::kFilesystem, "filesystem"}, {CacheBackend::kS3, "s3"}};
inline constexpr EnumName<AccessMode> kAccessModes[] = {
    {AccessMode::kReadWriteOnce, "ReadWriteOnce"},
    {AccessMode::kReadWriteMany, "ReadWriteMany"},
    {AccessMode::kReadWriteOncePod, "ReadWriteOncePod"}};
inline constexpr EnumName<MigStrategy> kMigStrategies[] = {
    {MigStrategy::kNone, "none"}, {MigStrategy::kSingle, "single"}, {MigStrategy::kMixed, "mixed"}};
inline constexpr EnumName<FabricManagerMode> kFabricManagerModes[] = {
    {FabricManagerMode::kAuto, "auto"},
    {FabricManagerMode::kEnabled, "enabled"},
    {FabricManagerMode::kDisabled, "disabled"}};
inline constexpr EnumName<SigningHash> kSigningHashes[] = {{SigningHash::kSha256, "sha256"},
                                                           {SigningHash::kSha384, "sha384"},
                                                           {SigningHash::kSha512, "sha512"}};
inline constexpr EnumName<ModuleTypePref> kModuleTypePrefs[] = {
    {ModuleTypePref::kAuto, "auto"},
    {ModuleTypePref::kOpen, "open"},
    {ModuleTypePref::kProprietary, "proprietary"}};
inline constexpr EnumName<CdiMode> kCdiModes[] = {{CdiMode::kNone, "none"},
                                                  {CdiMode::kEnableInConfig, "enableInConfig"},
                                                  {CdiMode::kBuiltin, "builtin"}};
inline constexpr EnumName<Arch> kArches[] = {{Arch::kAmd64, "amd64"}, {Arch::kArm64, "arm64"}};

}  // namespace gpuext::gpuruntime::api::internal
