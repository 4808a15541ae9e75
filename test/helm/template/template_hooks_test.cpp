// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The hooks the Helm layer builds on: methods of typed objects (.Files.Get,
// .Capabilities.APIVersions.Has), engine-bound functions (include, tpl).

#include <gtest/gtest.h>

#include "gpuext/helm/template.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

TemplateSet HelmLikeSet() {
  TemplateSet set;
  set.SetMissingKey(MissingKey::kZero);
  set.AddMethod("Files", "Get", [](const json& self, std::span<const json> args) -> json {
    auto it = self["files"].find(args[0].get<std::string>());
    return it == self["files"].end() ? json("") : *it;
  });
  set.AddMethod("VersionSet", "Has", [](const json& self, std::span<const json> args) -> json {
    for (const auto& v : self["versions"]) {
      if (v == args[0])
        return true;
    }
    return false;
  });
  set.AddMethod("Version", "String",
                [](const json& self, std::span<const json>) -> json { return self["Version"]; });
  set.AddBoundFunction("include", [](const CallContext& ctx, std::span<const json> args) -> json {
    return ctx.templates.Execute(args[0].get<std::string>(), args[1], ctx);
  });
  set.AddBoundFunction("tpl", [](const CallContext& ctx, std::span<const json> args) -> json {
    TemplateSet copy = ctx.templates;
    copy.Parse(ctx.root_template, args[0].get<std::string>());
    return copy.Execute(ctx.root_template, args[1], ctx);
  });
  return set;
}

json HelmData() {
  return json::parse(R"({
    "Files": {"__gotype": "Files", "files": {"a.txt": "hello"}},
    "Capabilities": {"APIVersions": {"__gotype": "VersionSet", "versions": ["apps/v1", "v1"]},
                     "KubeVersion": {"__gotype": "Version", "Version": "v1.31.0", "Minor": "31"}},
    "Values": {"name": "gpu", "tmpl": "{{ .Values.name }}-x"}
  })");
}

TEST(TemplateHooksTest, MethodsOfTypedObjects) {
  TemplateSet set = HelmLikeSet();
  set.Parse("t",
            "{{ .Files.Get \"a.txt\" }}|{{ .Capabilities.APIVersions.Has \"apps/v1\" }}|"
            "{{ .Capabilities.APIVersions.Has \"batch/v9\" }}|{{ \"a.txt\" | .Files.Get }}|"
            "{{ .Capabilities.KubeVersion }}|{{ .Capabilities.KubeVersion.Minor }}");
  EXPECT_EQ(set.Execute("t", HelmData()), "hello|true|false|hello|v1.31.0|31");
}

TEST(TemplateHooksTest, IncludeAndTplRunInsideTheSet) {
  TemplateSet set = HelmLikeSet();
  set.Parse("_helpers.tpl", "{{ define \"name\" }}{{ .Values.name }}{{ end }}");
  set.Parse("main", "{{ include \"name\" . | printf \"<%s>\" }} {{ tpl .Values.tmpl . }}");
  EXPECT_EQ(set.Execute("main", HelmData()), "<gpu> gpu-x");
}

TEST(TemplateHooksTest, ErrorsOfBoundFunctionsAreWrapped) {
  TemplateSet set = HelmLikeSet();
  set.Parse("main", "{{ include \"missing\" . }}");
  try {
    (void)set.Execute("main", HelmData());
    FAIL() << "no error";
  } catch (const TemplateError& e) {
    EXPECT_EQ(std::string(e.what()),
              "template: main:1:3: executing \"main\" at <include \"missing\" .>: error calling "
              "include: template: no "
              "template \"missing\" associated with template \"gotpl\"");
  }
}

}  // namespace
}  // namespace gpuext::helm
