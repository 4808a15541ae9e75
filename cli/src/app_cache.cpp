// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <cstdlib>
#include <ostream>

#include <nlohmann/json.hpp>

#include "app_internal.h"
#include "gpuext/cli/cache.h"
#include "gpuext/clock.h"
#include "gpuext/duration.h"
#include "gpuext/error.h"
#include "gpuext/files.h"

// `gpu cache ls|inspect|gc|prebuild`: flag parsing and the choice of source.

namespace gpuext::cli::internal {

namespace {

namespace artifact = nodeagent::artifact;

struct CacheSourceFlags {
  std::string server = {};
  std::string ca_file = {};
  std::string token_file = {};
  std::string s3_url = {};
  std::string bucket = {};
  std::string region = {};
  std::string prefix = {};
  bool path_style = true;
  std::string dir = {};
  std::vector<std::string> connect_to = {};
};

void AddCacheSourceFlags(FlagSet& flags, CacheSourceFlags& f) {
  flags.String("server", &f.server, "the gpu-driver-cache server's URL (https://...)");
  flags.String("ca-file", &f.ca_file,
               "PEM CA bundle that signed the server's (or S3's) certificate");
  flags.String("token-file", &f.token_file,
               "file with a bearer token the server accepts (prebuild; audience gpu-driver-cache)");
  flags.String("s3-url", &f.s3_url,
               "S3 endpoint (http(s)://host[:port]); credentials from AWS_ACCESS_KEY_ID, "
               "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN");
  flags.String("bucket", &f.bucket, "S3 bucket (with --s3-url)");
  flags.String("region", &f.region, "S3 region (default: $AWS_REGION, else us-east-1)");
  flags.String("prefix", &f.prefix, "object prefix inside the bucket (cache.s3.prefix)");
  flags.Bool("path-style", &f.path_style, "S3 path-style URLs (false: virtual-hosted style)");
  flags.String("dir", &f.dir, "a filesystem store: the cache server's data directory");
  flags.StringList("connect-to", &f.connect_to,
                   "with --server: HOST:PORT:TO-HOST:TO-PORT, connect elsewhere (a port-forward) "
                   "while verifying the certificate for the URL's host");
}

std::string CacheEnv(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::unique_ptr<CacheSource> MakeCacheSource(const CacheSourceFlags& f, const std::string& usage) {
  const int chosen =
      (f.server.empty() ? 0 : 1) + (f.s3_url.empty() ? 0 : 1) + (f.dir.empty() ? 0 : 1);
  if (chosen != 1) {
    throw UsageError(
        "name exactly one cache: --server URL, --s3-url URL --bucket NAME, or --dir DIR", usage);
  }
  if (!f.server.empty()) {
    std::string url = f.server;
    while (!url.empty() && url.back() == '/') {
      url.pop_back();
    }
    for (const auto& entry : f.connect_to) {
      if (const std::string problem = artifact::ConnectToProblem(entry); !problem.empty()) {
        throw UsageError(problem, usage);
      }
    }
    return MakeServerCacheSource({.base_url = url,
                                  .ca_file = f.ca_file,
                                  .token_file = f.token_file,
                                  .connect_to = f.connect_to});
  }
  if (!f.dir.empty()) {
    return MakeDirectoryCacheSource(f.dir, RealClock::Instance());
  }
  if (f.bucket.empty()) {
    throw UsageError("--bucket is required with --s3-url", usage);
  }
  std::string region = f.region;
  for (const char* env : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (region.empty()) {
      region = CacheEnv(env);
    }
  }
  artifact::S3ClientConfig config{
      .endpoint = f.s3_url,
      .region = region.empty() ? "us-east-1" : region,
      .bucket = f.bucket,
      .prefix = f.prefix,
      .force_path_style = f.path_style,
      .ca_file = f.ca_file,
      .credentials = {.access_key_id = CacheEnv("AWS_ACCESS_KEY_ID"),
                      .secret_access_key = CacheEnv("AWS_SECRET_ACCESS_KEY"),
                      .session_token = CacheEnv("AWS_SESSION_TOKEN")},
      .credentials_source = "the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables"};
  return MakeBucketCacheSource(std::move(config), RealClock::Instance());
}

// A file holding the base64 public key (as in the agent configuration), or the base64 itself.
artifact::PublicKey CachePublicKey(const std::string& value) {
  std::string text = value;
  if (const auto file = ReadFileIfExists(value)) {
    text = *file;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  try {
    return artifact::PublicKey::FromBase64(text);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "--public-key: neither a file with nor the base64 of a raw ed25519 public key: " +
                    std::string(e.what()));
  }
}

std::string CacheUsage(const std::string& program, const std::string& synopsis,
                       const std::string& what, const FlagSet& flags) {
  return "usage: " + program + " cache " + synopsis +
         "\n        (--server URL [--ca-file F] [--token-file F] | --s3-url URL --bucket B | "
         "--dir DIR)\n\n" +
         what + "\n\n" + FlagHelp(flags);
}

void Emit(const CliIo& io, OutputFormat format, const nlohmann::json& value,
          const std::string& table) {
  io.out << (format == OutputFormat::kTable ? table : RenderStructured(value, format));
}

int RunCacheLs(const std::vector<std::string>& args, const CliIo& io) {
  CommonFlags common;
  CacheSourceFlags source;
  FlagSet flags(io.program + " cache ls");
  AddCommonFlags(flags, common);
  AddCacheSourceFlags(flags, source);
  const std::string usage = CacheUsage(
      io.program, "ls [key prefix]",
      "Lists the cache's entries (e.g. prefix kernel/580.95.05/): key, size, created, builder.",
      flags);
  if (!ParseCommand(flags, common, args, usage, io)) {
    return kExitOk;
  }
  if (flags.positional().size() > 1) {
    throw UsageError("ls takes at most one key prefix", usage);
  }
  const auto cache = MakeCacheSource(source, usage);
  const auto entries =
      ListCache(*cache, flags.positional().empty() ? std::string() : flags.positional()[0]);
  Emit(io, ParseOutputFormat(common.output), CacheListToJson(entries),
       RenderCacheList(entries, Palette(io.colour)));
  return kExitOk;
}

int RunCacheInspect(const std::vector<std::string>& args, const CliIo& io) {
  CommonFlags common;
  CacheSourceFlags source;
  std::string public_key;
  FlagSet flags(io.program + " cache inspect");
  AddCommonFlags(flags, common);
  AddCacheSourceFlags(flags, source);
  flags.String("public-key", &public_key,
               "check the signature against this ed25519 public key (a file with its base64, or "
               "the base64)");
  const std::string usage = CacheUsage(
      io.program, "inspect <key> [--public-key KEY]",
      "Shows an entry's manifest: builder, blobs, files with sha256, and whether the signature\n"
      "is valid for --public-key (exit 1 when it is not).",
      flags);
  if (!ParseCommand(flags, common, args, usage, io)) {
    return kExitOk;
  }
  if (flags.positional().size() != 1) {
    throw UsageError("inspect needs exactly one key (kernel/<driver>/<kernel>/<type>/<arch>)",
                     usage);
  }
  const auto key = artifact::ArtifactKey::Parse(flags.positional()[0]);
  std::optional<artifact::PublicKey> trusted;
  if (!public_key.empty()) {
    trusted = CachePublicKey(public_key);
  }
  const auto cache = MakeCacheSource(source, usage);
  const auto x = InspectCache(*cache, key, trusted);
  Emit(io, ParseOutputFormat(common.output), CacheInspectionToJson(x),
       RenderCacheInspection(x, Palette(io.colour)));
  if (x.signature_bad()) {
    io.err << "error: signature of " << key.Path() << " is not valid: " << x.signature_message
           << "\n";
    return kExitError;
  }
  return kExitOk;
}

int RunCacheGc(const std::vector<std::string>& args, const CliIo& io) {
  CommonFlags common;
  CacheSourceFlags source;
  std::string grace = "24h";
  bool dry_run = false;
  FlagSet flags(io.program + " cache gc");
  AddCommonFlags(flags, common);
  AddCacheSourceFlags(flags, source);
  flags.String("grace", &grace, "keep unreferenced blobs younger than this (uploads in flight)");
  flags.Bool("dry-run", &dry_run, "only list the unreferenced blobs");
  const std::string usage = CacheUsage(
      io.program, "gc [--grace 24h] [--dry-run]",
      "Deletes blobs no manifest references (older than --grace) and abandoned uploads, with the\n"
      "cache server's own collector. Only for --dir: the server's API has no GC endpoint (it\n"
      "collects every gc.interval itself).",
      flags);
  if (!ParseCommand(flags, common, args, usage, io)) {
    return kExitOk;
  }
  const auto grace_ns = ParseDuration(grace);
  if (!grace_ns || grace_ns->count() < 0) {
    throw UsageError(InvalidFlagValue("grace", grace, "use a duration such as 24h or 90m"), usage);
  }
  const auto cache = MakeCacheSource(source, usage);
  const CacheGcOptions options{.grace = std::chrono::duration_cast<std::chrono::seconds>(*grace_ns),
                               .dry_run = dry_run};
  const auto summary = cache->CollectGarbage(options);
  Emit(io, ParseOutputFormat(common.output), CacheGcToJson(summary),
       RenderCacheGc(summary, dry_run));
  return kExitOk;
}

int RunCachePrebuild(const std::vector<std::string>& args, const CliIo& io) {
  CommonFlags common;
  CacheSourceFlags source;
  std::string kernel;
  std::string driver;
  std::string type = "open";
  std::string arch = "amd64";
  std::string os_version;
  FlagSet flags(io.program + " cache prebuild");
  AddCommonFlags(flags, common);
  AddCacheSourceFlags(flags, source);
  flags.String("kernel", &kernel, "kernel release to build for (uname -r of the nodes)");
  flags.String("driver", &driver, "full driver version, e.g. 580.95.05");
  flags.String("type", &type, "kernel module type: open or proprietary");
  flags.String("arch", &arch, "architecture: amd64 or arm64");
  flags.String("os-version", &os_version, "machine image version (picks the builder image)");
  const std::string usage = CacheUsage(
      io.program,
      "prebuild --kernel RELEASE --driver VERSION [--type open|proprietary] [--arch amd64]",
      "Asks the cache server to build a kernel part ahead of the nodes (POST /v1/prebuild, with\n"
      "--token-file). Prints whether the key is already cached, a build started, one is running,\n"
      "or the last build failed (exit 1).",
      flags);
  if (!ParseCommand(flags, common, args, usage, io)) {
    return kExitOk;
  }
  std::vector<std::string> problems;
  if (kernel.empty()) {
    problems.push_back("--kernel is required");
  }
  if (driver.empty()) {
    problems.push_back("--driver is required");
  }
  const auto module_type = gpuruntime::ParseModuleType(type);
  if (!module_type) {
    problems.push_back(InvalidFlagValue("type", type, "use open or proprietary"));
  }
  const auto parsed_arch = gpuruntime::ParseArch(arch);
  if (!parsed_arch) {
    problems.push_back(InvalidFlagValue("arch", arch, "use amd64 or arm64"));
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) {
      message += (message.empty() ? "" : "\n") + p;
    }
    throw UsageError(message, usage);
  }
  artifact::ArtifactKey key;
  try {
    key = artifact::KernelKey(driver, kernel, *module_type, *parsed_arch);
    key.Validate();
  } catch (const Error& e) {
    throw UsageError(e.what(), usage);
  }
  const auto cache = MakeCacheSource(source, usage);
  const auto answer = cache->Prebuild(key, os_version);
  Emit(io, ParseOutputFormat(common.output), PrebuildToJson(key, answer),
       RenderPrebuild(key, answer));
  return answer.state == artifact::CacheLeaseState::kFailed ? kExitError : kExitOk;
}

}  // namespace

int RunCache(const std::vector<std::string>& args, const CliIo& io) {
  const std::string usage =
      "usage: " + io.program +
      " cache <ls|inspect|gc|prebuild> [flags]\n\n"
      "  ls [prefix]      entries: key, size, created, builder\n"
      "  inspect <key>    manifest, files, sha256, signature check (--public-key)\n"
      "  gc               collect unreferenced blobs of a --dir store\n"
      "  prebuild         ask the server to build --kernel/--driver ahead\n\n"
      "Run '" +
      io.program + " cache <command> --help' for its flags.\n";
  if (args.empty()) {
    throw UsageError("cache needs a command", usage);
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "-h" || command == "--help") {
    io.out << usage;
    return kExitOk;
  }
  if (command == "ls") {
    return RunCacheLs(rest, io);
  }
  if (command == "inspect") {
    return RunCacheInspect(rest, io);
  }
  if (command == "gc") {
    return RunCacheGc(rest, io);
  }
  if (command == "prebuild") {
    return RunCachePrebuild(rest, io);
  }
  throw UsageError("unknown cache command \"" + command + "\"", usage);
}

}  // namespace gpuext::cli::internal
