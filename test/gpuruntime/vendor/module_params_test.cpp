// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gpuruntime/module_params.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;

TEST(ModuleParamsTest, RendersOneOptionsLinePerModuleInNameOrder) {
  ModuleParams params{.by_module = {{"nvidia-uvm", {"uvm_disable_hmm=1"}},
                                    {"nvidia", {"NVreg_A=1", "NVreg_B=x,y"}},
                                    {"nvidia-modeset", {}}}};
  EXPECT_EQ(RenderModprobeOptions(params),
            "options nvidia NVreg_A=1 NVreg_B=x,y\noptions nvidia-uvm uvm_disable_hmm=1\n");
  EXPECT_EQ(RenderModprobeOptions({}), "");
  EXPECT_TRUE(params.For("nvidia-peermem").empty());
  EXPECT_EQ(params.For("nvidia").size(), 2u);
}

TEST(ModuleParamsTest, JsonRoundTrip) {
  json value = json::parse(R"({"nvidia": ["NVreg_CoherentGPUMemoryMode=driver"],
                               "nvidia-uvm": ["uvm_disable_hmm=1"]})");
  EXPECT_EQ(ToJson(ModuleParamsFromJson(value)), value);
}

TEST(ModuleParamsTest, RejectsWhatModprobeWouldMisread) {
  for (const char* bad : {R"([])", R"({"nvidia": "NVreg_A=1"})", R"({"nvidia": ["NVreg_A"]})",
                          R"({"nvidia": ["=1"]})", R"({"nvidia": ["NVreg A=1"]})",
                          R"({"nvidia": ["NVreg_A=1 2"]})", R"({"nvidia": [1]})"}) {
    EXPECT_THROW(ModuleParamsFromJson(json::parse(bad)), Error) << bad;
  }
  EXPECT_TRUE(IsValidModuleParam("NVreg_RegistryDwords=\"RMBug=4\""));
  EXPECT_TRUE(IsValidModuleParam("flag="));
}

}  // namespace
}  // namespace gpuext::gpuruntime
