// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Random templates over random values (fixed seed, bounded): parsing and executing never
// crash and fail only with TemplateError. Templates are built from the constructs and
// functions the engine supports, combined with wrong types and arities on purpose; part of
// them are then cut at a random byte, so the parser sees broken text too.

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpuext/helm/functions.h"
#include "gpuext/helm/helm_functions.h"
#include "gpuext/helm/template.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

constexpr int kIterations = 400;

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  template <typename T>
  const T& One(const std::vector<T>& v) {
    return v[static_cast<size_t>(Pick(static_cast<int>(v.size())))];
  }

  json Value(int depth) {
    switch (Pick(depth > 2 ? 6 : 8)) {
      case 0:
        return nullptr;
      case 1:
        return Pick(2) == 0;
      case 2:
        return Pick(5) - 2;
      case 3:
        return (Pick(2000) - 1000) / 7.0;
      case 4:
        return One<std::string>({"", "a", "gpu", "1", "true", "x.y", "é", "a-b_c", " s "});
      case 5:
        return One<std::string>({"{{", "%d", "\n", "null"});
      case 6: {
        json a = json::array();
        for (int i = Pick(4); i > 0; --i)
          a.push_back(Value(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        for (int i = Pick(4); i > 0; --i)
          o[One<std::string>({"a", "b", "c", "x"})] = Value(depth + 1);
        return o;
      }
    }
  }

  std::string Operand(int depth) {
    static const std::vector<std::string> kLeaves = {".",          "$",
                                                     ".a",         ".b.c",
                                                     ".x",         "$.a",
                                                     "$v",         "1",
                                                     "0",          "-3",
                                                     "2.5",        "\"s\"",
                                                     "\"\"",       "true",
                                                     "false",      "nil",
                                                     "(list 1 2)", "(dict \"a\" 1)",
                                                     ".a.b",       "(index . \"a\")"};
    if (depth > 2 || Pick(3) != 0)
      return One(kLeaves);
    return "(" + Pipeline(depth + 1) + ")";
  }

  std::string Pipeline(int depth) {
    static const std::vector<std::string> kFuncs = {"print",
                                                    "printf \"%v %d\"",
                                                    "len",
                                                    "index",
                                                    "slice",
                                                    "not",
                                                    "and",
                                                    "or",
                                                    "eq",
                                                    "ne",
                                                    "lt",
                                                    "ge",
                                                    "default",
                                                    "empty",
                                                    "coalesce",
                                                    "ternary",
                                                    "quote",
                                                    "upper",
                                                    "trim",
                                                    "trunc",
                                                    "substr 1",
                                                    "replace \"a\"",
                                                    "split \",\"",
                                                    "join \",\"",
                                                    "list",
                                                    "dict",
                                                    "set",
                                                    "unset",
                                                    "merge",
                                                    "mergeOverwrite",
                                                    "deepCopy",
                                                    "keys",
                                                    "hasKey",
                                                    "pluck",
                                                    "pick",
                                                    "omit",
                                                    "dig \"a\"",
                                                    "first",
                                                    "rest",
                                                    "append",
                                                    "uniq",
                                                    "add",
                                                    "sub",
                                                    "mul",
                                                    "div",
                                                    "mod",
                                                    "max",
                                                    "int",
                                                    "float64",
                                                    "toString",
                                                    "atoi",
                                                    "toYaml",
                                                    "toJson",
                                                    "fromYaml",
                                                    "fromJson",
                                                    "b64enc",
                                                    "b64dec",
                                                    "sha256sum",
                                                    "semverCompare \">1\"",
                                                    "kindOf",
                                                    "typeOf",
                                                    "regexMatch \"a+\"",
                                                    "regexReplaceAll \"(a)\"",
                                                    "indent 2",
                                                    "nindent 1",
                                                    "repeat 2",
                                                    "until",
                                                    "seq",
                                                    "tpl",
                                                    "include \"d\"",
                                                    "required \"r\"",
                                                    "fail",
                                                    "toString",
                                                    "sortAlpha",
                                                    "compact",
                                                    "concat",
                                                    "without",
                                                    "has"};
    std::string out = One(kFuncs);
    for (int i = Pick(3); i > 0; --i)
      out += " " + Operand(depth);
    if (Pick(3) == 0)
      out += " | " + One(kFuncs);
    if (Pick(6) == 0)
      out = Operand(depth);
    return out;
  }

  std::string Action(int depth) {
    switch (Pick(depth > 2 ? 4 : 10)) {
      case 0:
        return "{{ " + Pipeline(depth) + " }}";
      case 1:
        return "{{- $v := " + Pipeline(depth) + " -}}";
      case 2:
        return "{{ $v = " + Operand(depth) + " }}";
      case 3:
        return "text " + std::to_string(Pick(10));
      case 4:
        return "{{ if " + Pipeline(depth) + " }}" + Body(depth + 1) + "{{ else if " +
               Operand(depth) + " }}y{{ else }}" + Body(depth + 1) + "{{ end }}";
      case 5:
        return "{{ with " + Operand(depth) + " }}" + Body(depth + 1) + "{{ else }}n{{ end }}";
      case 6:
        return "{{ range $k, $e := " + Operand(depth) + " }}" + Body(depth + 1) +
               (Pick(2) == 0 ? "{{ break }}" : "{{ continue }}") + "{{ end }}";
      case 7:
        return "{{ range " + Operand(depth) + " }}" + Body(depth + 1) + "{{ else }}e{{ end }}";
      case 8:
        return "{{ template \"d\" " + Operand(depth) + " }}";
      default:
        return "{{/* c */}}{{ block \"b\" . }}" + Body(depth + 1) + "{{ end }}";
    }
  }

  std::string Body(int depth) {
    std::string out;
    for (int i = Pick(3) + 1; i > 0; --i)
      out += Action(depth);
    return out;
  }

 private:
  std::mt19937 rng_;
};

TemplateSet NewSet() {
  FunctionTable functions = SprigFunctions();
  for (auto& [name, f] : HelmFunctions())
    functions[name] = f;
  TemplateSet set(std::move(functions));
  set.SetMissingKey(MissingKey::kZero);
  set.AddBoundFunction("include", [](const CallContext& ctx, std::span<const json> args) {
    if (args.empty() || !args[0].is_string())
      throw FunctionError("bad include");
    if (ctx.depth >= 1000)  // as Helm's include (recursionMaxNums)
      throw FunctionError("nested include");
    if (ctx.arg_refs.size() > 1 && ctx.arg_refs[1] != nullptr)
      return json(ctx.templates.ExecuteShared(args[0].get<std::string>(), *ctx.arg_refs[1], ctx));
    return json(ctx.templates.Execute(args[0].get<std::string>(), json(), ctx));
  });
  set.AddBoundFunction("tpl", [](const CallContext& ctx, std::span<const json> args) {
    if (args.empty() || !args[0].is_string())
      throw FunctionError("bad tpl");
    if (ctx.depth >= 1000)
      throw FunctionError("nested tpl");
    TemplateSet copy = ctx.templates;
    copy.Parse("gotpl", args[0].get<std::string>());
    return json(copy.Execute("gotpl", args.size() > 1 ? args[1] : json(), ctx));
  });
  return set;
}

TEST(TemplateFuzzTest, RandomTemplatesFailOnlyWithTemplateError) {
  Gen gen(20260523);
  int executed = 0;
  int failed = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string text = gen.Body(0);
    std::string helper = "{{ define \"d\" }}" + gen.Body(1) + "{{ end }}";
    if (gen.Pick(5) == 0)
      text = text.substr(0, static_cast<size_t>(gen.Pick(static_cast<int>(text.size()) + 1)));
    json data = json::object();
    for (const char* k : {"a", "b", "x"})
      data[k] = gen.Value(0);
    SCOPED_TRACE("template: " + text + "\nhelper: " + helper + "\ndata: " + data.dump());
    TemplateSet set = NewSet();
    try {
      set.Parse("h", helper);
      set.Parse("t", text);
      (void)set.ExecuteShared("t", data);
      ++executed;
    } catch (const TemplateError&) {
      ++failed;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "non-template exception: " << e.what();
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(executed, kIterations / 20);
  EXPECT_GT(failed, kIterations / 20);
}

}  // namespace
}  // namespace gpuext::helm
