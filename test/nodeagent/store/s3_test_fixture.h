// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// A real s3rver on loopback per test, plus clients and stores pointed at it.

#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "gpuext/nodeagent/artifact/s3_client.h"
#include "gpuext/testing/process.h"
#include "gpuext/testing/s3rver.h"

namespace gpuext::nodeagent::artifact::testing {

class S3rverTest : public ::testing::Test {
 protected:
  // The server every test of the fixture gets; subclasses may change it.
  [[nodiscard]] virtual gpuext::testing::S3rverOptions ServerOptions() const {
    return {.extra_credentials = {{"cluster-b", "read-only-secret"}}};
  }

  void SetUp() override {
    try {
      server_ = std::make_unique<gpuext::testing::S3rver>(ServerOptions());
    } catch (const std::exception& e) {
      FAIL() << e.what();
    }
  }

  // A path-style client with the server's default credentials; `edit` changes the config.
  [[nodiscard]] S3ClientConfig Config() const {
    return {.endpoint = server_->endpoint(),
            .region = "eu-central-1",
            .bucket = server_->bucket(),
            .force_path_style = true,
            .credentials = {.access_key_id = gpuext::testing::S3rver::access_key_id(),
                            .secret_access_key = gpuext::testing::S3rver::secret_access_key()},
            .credentials_source = "Secret ref-gpu-cache-s3"};
  }

  std::unique_ptr<gpuext::testing::S3rver> server_;
  gpuext::testing::TempDir dir_;
};

}  // namespace gpuext::nodeagent::artifact::testing
