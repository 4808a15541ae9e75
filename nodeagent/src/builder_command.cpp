// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/builder_command.h"

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

#include <fmt/format.h>

#include "gpuext/clock.h"
#include "gpuext/duration.h"
#include "gpuext/files.h"
#include "gpuext/flag_set.h"
#include "gpuext/nodeagent/artifact/fs_store.h"
#include "gpuext/nodeagent/artifact/http_cache_client.h"
#include "gpuext/nodeagent/artifact/http_cache_upload.h"
#include "gpuext/nodeagent/artifact/manifest.h"
#include "gpuext/nodeagent/artifact/signing.h"
#include "gpuext/nodeagent/builder.h"
#include "gpuext/nodeagent/builder_upload_sink.h"

namespace gpuext::nodeagent {

namespace {

struct BuildFlags {
  std::string key;
  std::string recipe;  // empty: kbuild-open for kernel keys, kbuild-run for userspace keys
  std::string source_url;
  std::string source_sha256;
  bool allow_unpinned_source = false;
  std::string headers_root = "/";
  std::string work_dir = "/tmp/gpuext-build";
  std::string core_cache_dir;
  std::string output_dir;
  std::string upload;
  std::string token_file;
  std::string ca_file;
  std::string signing_key_file;
  std::string module_signing_key;
  std::string module_signing_cert;
  std::string module_signing_hash = "sha256";
  int jobs = 0;
  std::string compile_timeout = "60m";
  std::string image;
  std::string job_name;
  std::string cluster;
  std::vector<std::string> connect_to;
};

void BuildCommandRegister(FlagSet& flags, BuildFlags& f) {
  flags.String("key", &f.key,
               "artifact key path, kernel/<driver>/<kernelRelease>/<type>/<arch> or "
               "userspace/<driver>/<arch>");
  flags.String("recipe", &f.recipe,
               "build recipe: kbuild-open (kernel keys, the default) or kbuild-run (userspace "
               "keys, the default)");
  flags.String("source-url", &f.source_url,
               "driver source (http, https or file URL): the open-gpu-kernel-modules tarball "
               "for kernel keys, the NVIDIA .run package for userspace keys");
  flags.String("source-sha256", &f.source_sha256, "pinned sha256 (hex) of the source");
  flags.Bool("allow-unpinned-source", &f.allow_unpinned_source,
             "build without --source-sha256 (requirePinnedSources off)");
  flags.String("headers-root", &f.headers_root, "root of /lib/modules and /usr/src");
  flags.String("work-dir", &f.work_dir, "scratch directory for the build");
  flags.String("core-cache-dir", &f.core_cache_dir,
               "keeps kernel-independent objects for later builds (empty: off)");
  flags.String("output-dir", &f.output_dir, "publish into this blob store directory");
  flags.String("upload", &f.upload, "publish to this cache upload URL (…/v1/uploads/<id>)");
  flags.String("token-file", &f.token_file, "file holding the upload token (with --upload)");
  flags.String("ca-file", &f.ca_file, "CA bundle for --upload and https sources");
  flags.String("signing-key-file", &f.signing_key_file,
               "ed25519 PEM key signing the manifest (with --output-dir)");
  flags.String("module-signing-key", &f.module_signing_key, "key for scripts/sign-file");
  flags.String("module-signing-cert", &f.module_signing_cert, "certificate for scripts/sign-file");
  flags.String("module-signing-hash", &f.module_signing_hash, "hash for scripts/sign-file");
  flags.Int("jobs", &f.jobs, "make -j (0: number of CPUs)");
  flags.String("compile-timeout", &f.compile_timeout, "limit of the make run (Go duration)");
  flags.String("image", &f.image, "build image, recorded in the manifest");
  flags.String("job-name", &f.job_name, "Job name, recorded in the manifest");
  flags.String("cluster", &f.cluster, "cluster, recorded in the manifest");
  flags.StringList("connect-to", &f.connect_to,
                   "HOST:PORT:ADDR:PORT, repeatable: connect to ADDR:PORT for the --upload URL's "
                   "HOST:PORT (curl's semantics; a port-forward or a local landscape; TLS still "
                   "verifies HOST)");
}

// Every cross-flag problem at once, each naming the flag and the fix.
std::vector<std::string> BuildCommandValidate(const BuildFlags& f,
                                              std::optional<artifact::ArtifactKey>& key) {
  std::vector<std::string> errors;
  if (f.key.empty()) {
    errors.push_back("--key: required, e.g. kernel/580.95.05/6.1.0-56-amd64/open/amd64");
  } else {
    try {
      key = artifact::ArtifactKey::Parse(f.key);
      if (key->part == artifact::ArtifactPart::kUserspace && !f.recipe.empty() &&
          f.recipe != kUserspaceRecipe) {
        errors.push_back(InvalidFlagValue(
            "--recipe", f.recipe,
            fmt::format("userspace keys are built by {}; leave --recipe out", kUserspaceRecipe)));
      }
    } catch (const std::exception& e) {
      errors.push_back(InvalidFlagValue("--key", f.key, e.what()));
    }
  }
  if (f.source_url.empty()) {
    errors.push_back("--source-url: required");
  }
  if (f.source_sha256.empty() && !f.allow_unpinned_source) {
    errors.push_back("--source-sha256: required (or pass --allow-unpinned-source)");
  }
  if (!f.source_sha256.empty() && !artifact::IsSha256Hex(f.source_sha256)) {
    errors.push_back(InvalidFlagValue("--source-sha256", f.source_sha256,
                                      "must be 64 lower-case hex characters"));
  }
  if (f.output_dir.empty() == f.upload.empty()) {
    errors.push_back("--output-dir, --upload: give exactly one of them");
  }
  if (!f.upload.empty() && f.token_file.empty()) {
    errors.push_back("--token-file: required with --upload");
  }
  if (!f.signing_key_file.empty() && !f.upload.empty()) {
    errors.push_back("--signing-key-file: only with --output-dir (the cache signs uploads)");
  }
  if (f.module_signing_key.empty() != f.module_signing_cert.empty()) {
    errors.push_back("--module-signing-key, --module-signing-cert: give both or neither");
  }
  if (f.jobs < 0) {
    errors.push_back(InvalidFlagValue("--jobs", std::to_string(f.jobs), "must be 0 or more"));
  }
  if (f.work_dir.empty()) {
    errors.push_back("--work-dir: must not be empty");
  }
  for (const std::string& entry : f.connect_to) {
    if (std::string problem = artifact::ConnectToProblem(entry); !problem.empty()) {
      errors.push_back(std::move(problem));
    }
  }
  return errors;
}

BuildRequest BuildCommandRequest(const BuildFlags& f, const artifact::ArtifactKey& key) {
  std::string recipe = f.recipe;
  if (recipe.empty()) {
    recipe = key.part == artifact::ArtifactPart::kUserspace ? std::string(kUserspaceRecipe)
                                                            : "kbuild-open";
  }
  BuildRequest request{.key = key,
                       .recipe = recipe,
                       .source_url = f.source_url,
                       .source_sha256 = f.source_sha256,
                       .image = f.image,
                       .job_name = f.job_name,
                       .cluster = f.cluster};
  if (!f.module_signing_key.empty()) {
    request.module_signing = ModuleSigning{.key_file = f.module_signing_key,
                                           .cert_file = f.module_signing_cert,
                                           .hash = f.module_signing_hash};
  }
  return request;
}

std::string BuildCommandReadToken(const std::string& path) {
  const auto text = ReadFileIfExists(path);
  if (!text) {
    throw Error(ErrorCode::kConfigurationProblem,
                fmt::format("--token-file {}: no such file", path));
  }
  std::string token = *text;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  return token;
}

int BuildCommandToUpload(Builder& builder, const BuildRequest& request, const BuildFlags& f,
                         Clock& clock, std::ostream& out, std::ostream& err) {
  const artifact::UploadClient client({.upload_url = f.upload,
                                       .token = BuildCommandReadToken(f.token_file),
                                       .ca_file = f.ca_file,
                                       .connect_to = f.connect_to});
  std::stop_source stop;
  UploadSink sink(client, clock, stop);
  try {
    const BuildResult result = builder.BuildAndPublish(request, sink, stop.get_token());
    out << "uploaded " << request.key.Path() << " " << result.manifest.blobs.at(0).digest << "\n";
    return 0;
  } catch (const BuildError& e) {
    err << "build failed: " << e.what() << "\n";
    try {
      sink.ReportFailure(request.key, e);
    } catch (const std::exception& report) {
      err << "reporting the failure to the cache failed: " << report.what() << "\n";
    }
    return 1;
  }
}

int BuildCommandToDirectory(Builder& builder, const BuildRequest& request, const BuildFlags& f,
                            Clock& clock, std::ostream& out, std::ostream& err) {
  artifact::FilesystemBlobStore store(f.output_dir, clock);
  std::optional<artifact::SigningKey> key;
  if (!f.signing_key_file.empty()) {
    const auto pem = ReadFileIfExists(f.signing_key_file);
    if (!pem) {
      err << "--signing-key-file " << f.signing_key_file << ": no such file\n";
      return 2;
    }
    key = artifact::SigningKey::FromPem(*pem);
  }
  auto sink =
      key ? std::make_unique<BlobStoreSink>(store, *key) : std::make_unique<BlobStoreSink>(store);
  try {
    const BuildResult result = builder.BuildAndPublish(request, *sink, {});
    out << "published " << request.key.Path() << " " << result.manifest.blobs.at(0).digest
        << (key ? "" : " (unsigned manifest: agents refuse it)") << "\n";
    return 0;
  } catch (const BuildError& e) {
    err << "build failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int RunBuildCommand(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  BuildFlags f;
  FlagSet flags("gpu-node-agent build");
  BuildCommandRegister(flags, f);
  std::vector<std::string> errors = flags.Parse(std::vector<std::string>(args.begin(), args.end()));
  if (!flags.positional().empty()) {
    errors.push_back("unexpected argument \"" + flags.positional().front() + "\"");
  }
  std::optional<artifact::ArtifactKey> key;
  const auto more = BuildCommandValidate(f, key);
  errors.insert(errors.end(), more.begin(), more.end());
  const auto timeout = ParseDuration(f.compile_timeout);
  if (!timeout || *timeout <= std::chrono::nanoseconds::zero()) {
    errors.push_back(InvalidFlagValue("--compile-timeout", f.compile_timeout,
                                      "must be a positive duration such as 90m"));
  }
  if (!errors.empty()) {
    for (const std::string& e : errors) {
      err << e << "\n";
    }
    err << flags.Usage();
    return 2;
  }
  // Boundary of the build sub-command: every failure is printed once and becomes the exit code.
  try {
    RealCommandRunner runner;
    RealClock clock;
    Builder builder(
        {.headers_root = f.headers_root,
         .work_dir = f.work_dir,
         .core_cache_dir = f.core_cache_dir,
         .require_pinned_sources = !f.allow_unpinned_source,
         .jobs = f.jobs,
         .compile_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout)},
        runner, clock);
    const BuildRequest request = BuildCommandRequest(f, *key);
    return f.upload.empty() ? BuildCommandToDirectory(builder, request, f, clock, out, err)
                            : BuildCommandToUpload(builder, request, f, clock, out, err);
  } catch (const std::exception& e) {
    err << "build failed: " << e.what() << "\n";
    return 1;
  }
}

int RunBuildCommand(std::span<const std::string> args) {
  return RunBuildCommand(args, std::cout, std::cerr);
}

}  // namespace gpuext::nodeagent
