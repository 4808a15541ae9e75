// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/testing/s3rver.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace gpuext::testing {

namespace {

constexpr const char* kS3rverReadyLine = "S3RVER_READY";

std::filesystem::path S3rverPackageDir() { return Tools().node_modules / "@20minutes" / "s3rver"; }

std::string S3rverReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// SIMULATED conditional writes (S3rverOptions::simulate_conditional_writes): s3rver's router
// calls objectCtrl.putObject(ctx) through the module object at request time, so replacing the
// export wraps every plain PUT. One promise chain serialises the PUTs: check and write are atomic.
constexpr const char* kS3rverSimulatedConditionalWrites = R"js(
const objectCtrl = require(PKG + '/lib/controllers/object');
const S3Error = require(PKG + '/lib/models/error');
const plainPutObject = objectCtrl.putObject;
let putTail = Promise.resolve();
objectCtrl.putObject = function simulatedConditionalPut(ctx) {
  const run = putTail.then(async () => {
    const noneMatch = ctx.headers['if-none-match'];
    const match = ctx.headers['if-match'];
    if (noneMatch !== undefined || match !== undefined) {
      const exists = await ctx.store.existsObject(ctx.params.bucket, ctx.params.key);
      const etag = exists ? (await ctx.store.getMetadata(ctx.params.bucket, ctx.params.key)).etag
                          : undefined;
      if ((noneMatch === '*' && exists) || (match !== undefined && match !== etag)) {
        throw new S3Error('PreconditionFailed',
                          'At least one of the pre-conditions you specified did not hold',
                          {Condition: noneMatch !== undefined ? 'If-None-Match' : 'If-Match'});
      }
    }
    return plainPutObject(ctx);
  });
  putTail = run.catch(() => {});
  return run;
};
)js";

// The Node script: registers extra key pairs on s3rver's built-in account, creates the bucket
// and prints the ready line once the server listens.
std::string S3rverScript(const S3rverOptions& options, int port,
                         const std::filesystem::path& data) {
  const std::string pkg = S3rverPackageDir().string();
  nlohmann::json credentials = nlohmann::json::array();
  for (const auto& [id, secret] : options.extra_credentials) {
    credentials.push_back({id, secret});
  }
  const std::string simulated =
      options.simulate_conditional_writes
          ? "const PKG = " + nlohmann::json(pkg).dump() + ";\n" + kS3rverSimulatedConditionalWrites
          : std::string();
  return simulated +
         fmt::format(
             "const S3rver = require({pkg});\n"
             "const AWSAccount = require({account});\n"
             "for (const [id, secret] of {credentials}) {{\n"
             "  AWSAccount.DUMMY_ACCOUNT.createKeyPair(id, secret);\n"
             "}}\n"
             "new S3rver({{port: {port}, address: '127.0.0.1', directory: {data}, silent: false,\n"
             "  serviceEndpoint: {service}, configureBuckets: [{{name: {bucket}}}],\n"
             "  key: {key}, cert: {cert}}})\n"
             "  .run()\n"
             "  .then(() => console.log('{ready}'),\n"
             "        (err) => {{ console.error(err); process.exit(1); }});\n",
             fmt::arg("pkg", nlohmann::json(pkg).dump()),
             fmt::arg("account", nlohmann::json(pkg + "/lib/models/account").dump()),
             fmt::arg("credentials", credentials.dump()), fmt::arg("port", port),
             fmt::arg("data", nlohmann::json(data.string()).dump()),
             fmt::arg("service", nlohmann::json(options.service_endpoint).dump()),
             fmt::arg("bucket", nlohmann::json(options.bucket).dump()),
             fmt::arg("ready", kS3rverReadyLine),
             fmt::arg("key", options.tls_key_pem.empty()
                                 ? "undefined"
                                 : nlohmann::json(options.tls_key_pem).dump()),
             fmt::arg("cert", options.tls_cert_pem.empty()
                                  ? "undefined"
                                  : nlohmann::json(options.tls_cert_pem).dump()));
}

}  // namespace

std::string S3rver::Check() {
  std::string missing;
  if (!std::filesystem::exists("/usr/bin/node") &&
      !std::filesystem::exists("/usr/local/bin/node")) {
    missing += " node (Node.js 20)";
  }
  if (!std::filesystem::exists(S3rverPackageDir() / "lib" / "s3rver.js")) {
    missing += " " + S3rverPackageDir().string();
  }
  return missing.empty() ? std::string()
                         : "missing test tools:" + missing + " (run scripts/install-deps.sh)";
}

S3rver::S3rver(S3rverOptions options) : options_(std::move(options)) {
  if (const std::string missing = Check(); !missing.empty()) {
    throw std::runtime_error(missing);
  }
  std::filesystem::create_directories(data_dir());
  port_ = FreeLoopbackPort();
  const auto script = dir_.path() / "s3rver.js";
  std::ofstream(script) << S3rverScript(options_, port_, data_dir());
  // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers
  // through its legacy provider: without the flag every truncated listing answers 500.
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"node", "--openssl-legacy-provider", script.string()},
      std::vector<std::string>{}, dir_.path() / "s3rver.log");
  // Waiting for a child to come up is no timing assumption of the code under test.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (Log().find(kS3rverReadyLine) == std::string::npos) {
    if (!process_->Running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("s3rver did not start on port " + std::to_string(port_) +
                               "; its output:\n" + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

S3rver::~S3rver() = default;

std::string S3rver::endpoint() const { return fmt::format("{}://127.0.0.1:{}", Scheme(), port_); }

std::string S3rver::vhost_endpoint() const {
  return fmt::format("{}://s3.{}:{}", Scheme(), options_.service_endpoint, port_);
}

std::string S3rver::Scheme() const {
  return options_.tls_cert_pem.empty() || options_.tls_key_pem.empty() ? "http" : "https";
}

std::string S3rver::Log() const { return S3rverReadAll(dir_.path() / "s3rver.log"); }

std::size_t S3rver::WaitForLogCount(std::string_view needle, std::size_t want,
                                    std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const std::string log = Log();
    std::size_t count = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) {
      ++count;
    }
    if (count >= want || std::chrono::steady_clock::now() > deadline) {
      return count;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace gpuext::testing
