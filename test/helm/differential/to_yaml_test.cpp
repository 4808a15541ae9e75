// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// toYaml, toYamlPretty, toJson, toPrettyJson and toRawJson against the real Helm: one chart
// prints every encoding of every case base64-encoded (so the bytes survive the manifest),
// and each must equal what our functions make of the same values file read by our parser.
#include <fstream>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpuext/base64.h"
#include "gpuext/helm/go_codec.h"
#include "gpuext/helm/helm_functions.h"
#include "gpuext/testing/process.h"

namespace gpuext::helm {
namespace {

using ::gpuext::testing::RunProcess;
using ::gpuext::testing::TempDir;
using ::gpuext::testing::Tools;
using nlohmann::json;

// Each value is one case; the file is YAML so number typing goes through both parsers.
constexpr const char* kCases = R"(cases:
  scalars: {i: 1, big: 1000000, huge: 1e21, small: 0.00001, neg: -3, f: 1.5, f2: 2.0, t: true,
            nil: null, ints: [0, -0, 123456789012]}
  empty: {m: {}, l: [], s: ""}
  typelike: ["yes", "no", "1", "true", "null", "~", "1.0", "0x1F", "0o17", "017", "1_000",
             "12:30", "y", "On", "1e3", ".5", "+1", ".inf", "2001-12-14", "2001-12-14T21:59:43Z",
             "-", "-x", "<<", "=", "08", "0b101", "1:2:3.5"]
  indicators: ["@at", "`bt", "it's", "quo\"te", "tab\there", "#x", "a#b", "a #b", "a:", "a:b",
               "- x", "? x", "?x", ":x", "*star", "&amp", "!bang", "%pct", "{x}", "[x]", "a,b",
               "|pipe", ">gt", " lead", "trail ", "---", "...", "a b  c", "'", "\\"]
  multiline: {a: "multi\nline", b: "multi\nline\n", c: "a\n\nb\n\n", d: "\nlead", e: "  sp\nx",
              f: "x\ny ", g: "tab\tin\nline", h: "crlf\r\nx", i: "x\n  indented\ny", j: "\n"}
  unicode: {a: "ünï", b: "nbsp\u00a0x", c: "emoji😀", d: "中文", e: "bom\ufeffmid"}
  folding:
    plain: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt"
    single: "@aaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt"
    double: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq  rrrr ssss\t"
    nospace: "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmmnnnnooooppppqqqqrrrrssssttttuuuuvvvv"
    nested: {deeper: {deepest: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp"}}
  keys: {"b": 1, "B": 2, "_x": 3, "a10": 4, "a9": 5, "a09": 6, "1": 7, "10": 8, "2": 9, "-": 10,
         ".": 11, "a-b": 12, "a.b": 13, "ä": 14, "Z": 15, "yes": 16, "": 17, "@k": 18, "1.5": 19,
         "with space": 20, "multi\nkey": 21, "x1y": 22, "x10": 25}
  nesting:
    l: [1, "a", {b: c, a: [x, {z: 1}]}, [1, [2, 3]], [], {}]
    m: {a: {b: {c: [{d: e, f: [g]}]}}}
    lm: [{a: 1, b: [1, 2]}, [{c: d}]]
  html: {a: "<&>", b: "\u2028"}
  topstring: "just text"
  toplist: [a, b]
  topmulti: "x\ny"
)";

constexpr const char* kTemplate = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: codec
data:
{{- range $name, $v := .Values.cases }}
  {{ $name }}.yaml: {{ toYaml $v | b64enc | quote }}
  {{ $name }}.pretty: {{ toYamlPretty $v | b64enc | quote }}
  {{ $name }}.json: {{ toJson $v | b64enc | quote }}
  {{ $name }}.prettyjson: {{ toPrettyJson $v | b64enc | quote }}
  {{ $name }}.raw: {{ toRawJson $v | b64enc | quote }}
{{- end }}
)";

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class ToYamlDifferentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Tools().Check(), "");
    WriteFile(dir_.path() / "codec/Chart.yaml", "apiVersion: v2\nname: codec\nversion: 0.1.0\n");
    WriteFile(dir_.path() / "codec/values.yaml", kCases);
    WriteFile(dir_.path() / "codec/templates/cm.yaml", kTemplate);
    const auto r =
        RunProcess({Tools().helm.string(), "template", "r", (dir_.path() / "codec").string()});
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    const json doc = UnmarshalYamlDocuments(r.stdout_text).at(0);
    for (const auto& [k, v] : doc.at("data").items()) {
      helm_[k] = Base64Decode(v.get<std::string>());
    }
    cases_ = UnmarshalYaml(kCases).at("cases");
  }

  TempDir dir_;
  std::map<std::string, std::string> helm_;
  json cases_;
};

TEST_F(ToYamlDifferentialTest, EveryEncodingMatchesHelmByteForByte) {
  const FunctionTable functions = HelmFunctions();
  const std::map<std::string, std::string> encodings = {{"yaml", "toYaml"},
                                                        {"pretty", "toYamlPretty"},
                                                        {"json", "toJson"},
                                                        {"prettyjson", "toPrettyJson"},
                                                        {"raw", "toRawJson"}};
  ASSERT_EQ(helm_.size(), cases_.size() * encodings.size());
  for (const auto& [name, value] : cases_.items()) {
    for (const auto& [suffix, function] : encodings) {
      SCOPED_TRACE(name + "." + suffix);
      const json args[] = {value};
      EXPECT_EQ(functions.at(function)(args).get<std::string>(), helm_.at(name + "." + suffix));
    }
  }
}

}  // namespace
}  // namespace gpuext::helm
