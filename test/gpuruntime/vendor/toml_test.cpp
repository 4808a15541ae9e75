// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/toml.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;

TEST(TomlTest, ParsesContainerdStyleDocuments) {
  json doc = ParseToml(R"(# comment
disabled_plugins = []
oom_score = -999
version = 2

[plugins]

  [plugins."io.containerd.gc.v1.scheduler"]
    pause_threshold = 0.02   # trailing comment
    schedule_delay = "0s"

  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = false
    BinaryName = 'C:\literal'

[timeouts]
  "io.containerd.timeout.shim.cleanup" = "5s"
  a.b = "dotted"
  esc = "tab\there \"q\" \u00e9"
  mixed = [ "x", 1, true, [2], ]
  inline = {k = "v", n.m = 1}
)");
  EXPECT_EQ(doc["version"], 2);
  EXPECT_EQ(doc["oom_score"], -999);
  EXPECT_EQ(doc["disabled_plugins"], json::array());
  EXPECT_DOUBLE_EQ(doc["plugins"]["io.containerd.gc.v1.scheduler"]["pause_threshold"].get<double>(),
                   0.02);
  EXPECT_EQ(doc["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runc"]["options"]
               ["SystemdCgroup"],
            false);
  EXPECT_EQ(doc["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runc"]["options"]
               ["BinaryName"],
            "C:\\literal");
  EXPECT_EQ(doc["timeouts"]["io.containerd.timeout.shim.cleanup"], "5s");
  EXPECT_EQ(doc["timeouts"]["a"]["b"], "dotted");
  EXPECT_EQ(doc["timeouts"]["esc"], "tab\there \"q\" \xc3\xa9");
  EXPECT_EQ(doc["timeouts"]["mixed"], json::parse(R"(["x", 1, true, [2]])"));
  EXPECT_EQ(doc["timeouts"]["inline"], json::parse(R"({"k": "v", "n": {"m": 1}})"));
}

TEST(TomlTest, RefusesWhatItDoesNotSupport) {
  for (const char* bad :
       {"[[a]]\n", "a = \"\"\"x\"\"\"\n", "a = [\n1]\n", "a = 1979-05-27\n", "a = 0x1f\n",
        "[a]\n[a]\n", "a = 1\na = 2\n", "a = 1\n[a]\n", "a = \"open\n", "= 1\n", "a = 1 b\n"}) {
    EXPECT_THROW(ParseToml(bad), Error) << bad;
  }
  try {
    ParseToml("a = 1\n\nb = [\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "line 3: arrays spanning lines are not supported");
  }
}

TEST(TomlTest, WritesHeadersOnlyForTablesWithValuesOrNone) {
  json doc = json::parse(R"({"version": 2, "imports": ["/etc/containerd/conf.d/*.toml"],
      "plugins": {"io.containerd.grpc.v1.cri": {"containerd": {"runtimes": {
        "nvidia": {"runtime_type": "io.containerd.runc.v2",
                   "options": {"BinaryName": "/opt/x", "SystemdCgroup": true}},
        "empty": {}}}}},
      "f": {"ratio": 0.5, "weird key": "a\"b"}})");
  EXPECT_EQ(WriteToml(doc), R"(imports = ["/etc/containerd/conf.d/*.toml"]
version = 2

[f]
  ratio = 0.5
  "weird key" = "a\"b"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.empty]

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]
          runtime_type = "io.containerd.runc.v2"

          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]
            BinaryName = "/opt/x"
            SystemdCgroup = true
)");
  EXPECT_EQ(ParseToml(WriteToml(doc)), doc);
}

TEST(TomlTest, WriteRefusesNullsAndArraysOfTables) {
  EXPECT_THROW(WriteToml(json::parse(R"({"a": null})")), Error);
  EXPECT_THROW(WriteToml(json::parse(R"({"a": [{"b": 1}]})")), Error);
  EXPECT_THROW(WriteToml(json::array()), Error);
}

}  // namespace
}  // namespace gpuext::gpuruntime
