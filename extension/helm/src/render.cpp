// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The `helm template` pipeline: load, enable sub-charts, coalesce values, parse every
// template of every chart into one set (deeper paths first, so a parent's defines win),
// execute the non-partials, split and sort the output.
#include <algorithm>
#include <cstring>
#include <optional>

#include <re2/re2.h>

#include "gpuext/error.h"
#include "gpuext/helm/chart.h"
#include "gpuext/helm/go_codec.h"
#include "gpuext/helm/go_format.h"
#include "gpuext/helm/helm_functions.h"
#include "gpuext/helm/renderer.h"
#include "gpuext/helm/semver.h"
#include "gpuext/helm/template.h"
#include "gpuext/helm/values.h"
#include "gpuext/helm/values_schema.h"
#include "manifest_sort.h"
#include "render_builtins.h"
#include "template_impl.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

struct Renderable {
  std::string text;
  std::string chart;  // the chart path, key of the data all its templates share
  std::string base_path;
};

constexpr int kMaxIncludeDepth = 1000;

// The name Helm v4 gives the text of a `tpl` call (errors read "template: gotpl:1:3: ...").
const std::string kTplName = "gotpl";

std::string GoQuote(const std::string& s) {
  const json args[] = {s};
  return GoSprintf("%q", args);
}

std::string ReplaceNoValue(std::string s) {
  static const std::string kNoValue = "<no value>";
  for (size_t at = s.find(kNoValue); at != std::string::npos; at = s.find(kNoValue, at)) {
    s.erase(at, kNoValue.size());
  }
  return s;
}

// The value at a dotted path, or null.
json Lookup(const json& values, const std::string& path) {
  const json* cur = &values;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!cur->is_object() || !cur->contains(key)) {
      return nullptr;
    }
    cur = &(*cur)[key];
    if (dot == std::string::npos) {
      return *cur;
    }
    start = dot + 1;
  }
}

// Helm's processDependencyEnabled: aliases, then conditions (first bool found wins) over
// tags, evaluated on the coalesced values; disabled sub-charts are dropped.
void ProcessDependencies(Chart* chart, const json& user, const std::string& prefix) {
  const json cvals = CoalesceValues(*chart, user);
  std::vector<Chart> kept;
  for (Chart& sub : chart->subcharts) {
    const ChartDependency* dep = nullptr;
    for (const ChartDependency& d : chart->dependency_entries) {
      if (d.name == sub.Name()) {
        dep = &d;
      }
    }
    bool enabled = true;
    if (dep != nullptr) {
      if (!dep->alias.empty()) {
        sub.metadata["name"] = dep->alias;
      }
      if (dep->enabled.has_value()) {
        enabled = *dep->enabled;
      }
      bool has_tag = false;
      bool any_true = false;
      for (const std::string& t : dep->tags) {
        const json v = Lookup(cvals, "tags." + t);
        if (v.is_boolean()) {
          has_tag = true;
          any_true = any_true || v.get<bool>();
        }
      }
      if (has_tag) {
        enabled = any_true;
      }
      std::string cond = dep->condition;
      for (size_t pos = 0; !cond.empty();) {
        const size_t comma = cond.find(',', pos);
        std::string path = cond.substr(pos, comma == std::string::npos ? comma : comma - pos);
        path.erase(0, path.find_first_not_of(' '));
        const json v = Lookup(cvals, prefix + path);
        if (v.is_boolean()) {
          enabled = v.get<bool>();
          break;
        }
        if (comma == std::string::npos) {
          break;
        }
        pos = comma + 1;
      }
    }
    if (enabled) {
      kept.push_back(std::move(sub));
    }
  }
  chart->subcharts = std::move(kept);
  for (Chart& sub : chart->subcharts) {
    ProcessDependencies(&sub, user, prefix + sub.Name() + ".");
  }
}

// As in Helm, all templates of one chart execute on one top-level map (so a `set .Values`
// in one template is seen by the templates executed after it).
void Collect(const Chart& chart, const std::string& path, const json& values, const json& top,
             bool is_root, std::map<std::string, Renderable>* out,
             std::map<std::string, json>* chart_data,
             std::vector<std::pair<std::string, std::string>>* crds) {
  json& data = (*chart_data)[path];
  data = top;
  data["Values"] = values.is_object() ? values : json::object();
  data["Chart"] = ChartObject(chart, is_root);
  data["Files"] = internal::FilesObject(chart.files);
  for (const auto& [name, text] : chart.templates) {
    (*out)[path + "/" + name] = {.text = text, .chart = path, .base_path = path + "/templates"};
  }
  for (const auto& [name, bytes] : chart.crds) {
    crds->emplace_back(path + "/" + name, bytes);
  }
  for (const Chart& sub : chart.subcharts) {
    const json sub_values =
        values.is_object() && values.contains(sub.Name()) ? values[sub.Name()] : json::object();
    Collect(sub, path + "/charts/" + sub.Name(), sub_values, top, false, out, chart_data, crds);
  }
}

// In Helm a sub-chart's .Values is the very map .Values.<sub> of its parent, so a write made
// by one chart's templates shows in the other's. Each chart has its own data here; before a
// sub-chart template runs, its .Values is refreshed from the parents (down = true), and after
// it ran, copied back up to them.
void SyncSubchartValues(const std::string& chart_path, std::map<std::string, json>* chart_data,
                        bool down) {
  static const std::string kSep = "/charts/";
  std::vector<std::string> chain = {chart_path};  // the chart, then its parents up to the root
  for (size_t at = chart_path.rfind(kSep); at != std::string::npos;
       at = at == 0 ? std::string::npos : chart_path.rfind(kSep, at - 1)) {
    chain.push_back(chart_path.substr(0, at));
  }
  if (chain.size() == 1) {
    return;
  }
  auto values_of = [&](const std::string& path) -> json& { return chart_data->at(path)["Values"]; };
  if (down) {
    for (size_t i = chain.size() - 1; i > 0; --i) {
      const std::string name = chain[i - 1].substr(chain[i].size() + kSep.size());
      const json& parent = values_of(chain[i]);
      auto it = parent.find(name);
      if (it != parent.end() && it->is_object()) {
        values_of(chain[i - 1]) = *it;
      }
    }
  } else {
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      const std::string name = chain[i].substr(chain[i + 1].size() + kSep.size());
      json& parent = values_of(chain[i + 1]);
      // Without a map there, Helm gave the sub-chart a fresh map of its own.
      if (parent.is_object() && parent.contains(name) && parent[name].is_object()) {
        parent[name] = values_of(chain[i]);
      }
    }
  }
}

// Helm parses deeper paths first and, at one depth, in reverse byte order.
std::vector<std::string> ParseOrder(const std::map<std::string, Renderable>& tpls) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : tpls) {
    keys.push_back(k);
  }
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    const auto ca = std::count(a.begin(), a.end(), '/');
    const auto cb = std::count(b.begin(), b.end(), '/');
    return ca != cb ? ca > cb : a > b;
  });
  return keys;
}

void AddEngineFunctions(TemplateSet* set) {
  set->AddBoundFunction(
      "include",
      [](const CallContext& ctx, std::span<const json> args) {
        if (args.empty() || !args[0].is_string()) {
          throw FunctionError("include requires a template name");
        }
        const std::string& name = args[0].get_ref<const std::string&>();
        // Helm stops runaway include recursion (its recursionMaxNums).
        if (ctx.depth >= kMaxIncludeDepth) {
          throw FunctionError("rendering template has a nested reference name: " + name +
                              ": unable to execute template");
        }
        // Go passes the dot by reference: writes the included template makes to its maps are
        // the caller's.
        if (ctx.arg_refs.size() > 1 && ctx.arg_refs[1] != nullptr) {
          return json(ctx.templates.ExecuteShared(name, *ctx.arg_refs[1], ctx));
        }
        return json(ctx.templates.Execute(name, args.size() > 1 ? args[1] : json(), ctx));
      },
      /*containers_by_ref=*/true);
  set->AddBoundFunction(
      "tpl",
      [](const CallContext& ctx, std::span<const json> args) {
        if (args.empty() || !args[0].is_string()) {
          throw FunctionError("tpl requires a string");
        }
        // Helm v4 parses the text as a new template named "gotpl" in a clone of the set (so its
        // defines are private to this call) and wraps the errors.
        const std::string& text = args[0].get_ref<const std::string&>();
        TemplateSet copy = ctx.templates;
        try {
          copy.Parse(kTplName, text);
        } catch (const TemplateError& e) {
          throw FunctionError("cannot parse template " + GoQuote(text) + ": " + e.what());
        }
        try {
          if (ctx.arg_refs.size() > 1 && ctx.arg_refs[1] != nullptr) {
            return json(ReplaceNoValue(copy.ExecuteShared(kTplName, *ctx.arg_refs[1], ctx)));
          }
          return json(
              ReplaceNoValue(copy.Execute(kTplName, args.size() > 1 ? args[1] : json(), ctx)));
        } catch (const TemplateError& e) {
          throw FunctionError("error during tpl function execution for " + GoQuote(text) + ": " +
                              e.what());
        }
      },
      /*containers_by_ref=*/true);
  set->AddFunction("required", [](std::span<const json> args) {
    if (args.size() != 2) {
      throw FunctionError("wrong number of args for required: want 2 got " +
                          std::to_string(args.size()));
    }
    if (args[1].is_null() || (args[1].is_string() && args[1].get<std::string>().empty())) {
      throw FunctionError(args[0].is_string() ? args[0].get<std::string>() : args[0].dump());
    }
    return args[1];
  });
  set->AddFunction("fail", [](std::span<const json> args) -> json {
    throw FunctionError(!args.empty() && args[0].is_string() ? args[0].get<std::string>() : "");
  });
  set->AddFunction("lookup", [](std::span<const json>) { return json::object(); });
}

// One link of a Go error chain as Helm v4 reads it (its TraceableError): where, what was
// executing, the message. Unset when the text is not one of text/template's forms.
struct TraceLink {
  std::string location;
  std::string executing;
  std::string message;
  bool operator==(const TraceLink&) const = default;
};

// The message of a link, cut before a chained " template:" error.
std::string CutChained(std::string msg) {
  if (const size_t cut = msg.find(" template:"); cut != std::string::npos) {
    msg.erase(cut);
  }
  return msg;
}

std::optional<TraceLink> ParseTraceLink(const std::string& text) {
  constexpr std::string_view kPrefix = "template: ";
  if (!text.starts_with(kPrefix)) {
    return std::nullopt;
  }
  const std::string rest = text.substr(kPrefix.size());
  if (rest.starts_with("no template ")) {
    return TraceLink{"", "", text};
  }
  if (const size_t exec = rest.find(": executing "); exec != std::string::npos) {
    const std::string after = rest.substr(exec + 12);
    const size_t close = after.size() > 1 ? after.find('"', 1) : std::string::npos;
    if (after.starts_with('"') && close != std::string::npos &&
        after.compare(close + 1, 5, " at <") == 0) {
      const std::string at = after.substr(close + 6);
      if (const size_t end = at.find(">: "); end != std::string::npos) {
        return TraceLink{
            rest.substr(0, exec),
            "executing \"" + after.substr(1, close - 1) + "\" at <" + at.substr(0, end) + ">:",
            CutChained(at.substr(end + 3))};
      }
    }
    return std::nullopt;
  }
  if (const size_t sep = rest.rfind(": "); sep != std::string::npos) {
    return TraceLink{rest.substr(0, sep), "", CutChained(rest.substr(sep + 2))};
  }
  return std::nullopt;
}

// Helm v4's execution error text: required/fail as "execution error at (loc): msg"; an
// error whose whole chain reads as text/template errors as a trace (location, then the
// executing node, then the message, per link); anything else as Go's text unchanged.
std::string FormatExecError(const TemplateError& e, const std::string& filename) {
  const std::string msg = e.what();
  const size_t first = msg.find(": ");
  const size_t second = first == std::string::npos ? first : msg.find(": ", first + 2);
  if (second == std::string::npos) {
    return "execution error in (" + filename + "): " + msg;
  }
  const std::string location = msg.substr(first + 2, second - first - 2);
  // A fail/required message (inside include or tpl too) comes through unchanged.
  for (const char* inner : {"error calling fail: ", "error calling required: "}) {
    if (const size_t at = msg.rfind(inner); at != std::string::npos) {
      return "execution error at (" + location + "): " + msg.substr(at + std::strlen(inner));
    }
  }
  std::vector<TraceLink> links;
  std::vector<std::string> chain = {msg, msg};  // the ExecError and the error it wraps
  chain.insert(chain.end(), e.causes().begin(), e.causes().end());
  for (const std::string& text : chain) {
    std::optional<TraceLink> link = ParseTraceLink(text);
    if (!link) {
      return msg;
    }
    if (links.empty() || !(links.back() == *link)) {
      links.push_back(std::move(*link));
    }
  }
  std::string out;
  for (const TraceLink& l : links) {
    if (!l.location.empty()) {
      out += l.location + "\n  ";
    }
    if (!l.executing.empty()) {
      out += l.executing + "\n    ";
    }
    if (!l.message.empty()) {
      out += l.message + "\n";
    }
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) {
    out.pop_back();
  }
  return out;
}

// Helm's wording: "parse error at (file:line): msg"; execution errors as FormatExecError.
[[noreturn]] void ThrowTemplateError(const TemplateError& e, const std::string& filename) {
  std::string msg = e.what();
  std::string location;
  std::string rest;
  if (e.kind() == TemplateError::Kind::kParse &&
      RE2::FullMatch(msg, R"((?s)template: ([^:]+:\d+): (.*))", &location, &rest)) {
    throw Error(ErrorCode::kConfigurationProblem, "parse error at (" + location + "): " + rest);
  }
  if (e.kind() == TemplateError::Kind::kExec) {
    throw Error(ErrorCode::kConfigurationProblem, FormatExecError(e, filename));
  }
  throw Error(ErrorCode::kConfigurationProblem, msg);
}

// Helm's install check of Chart.yaml's kubeVersion against .Capabilities.KubeVersion.Version
// (a bad constraint or version reads as incompatible, as chartutil.IsCompatibleRange does).
void CheckKubeVersion(const Chart& chart, const std::string& kube_version) {
  const std::string constraint = chart.metadata.value("kubeVersion", "");
  if (constraint.empty()) {
    return;
  }
  bool ok = false;
  try {
    ok = SemverSatisfies(constraint, ParseSemVersion(kube_version));
  } catch (const Error&) {
    ok = false;
  }
  if (!ok) {
    throw Error(ErrorCode::kConfigurationProblem, "chart requires kubeVersion: " + constraint +
                                                      " which is incompatible with Kubernetes " +
                                                      kube_version);
  }
}

}  // namespace

std::vector<Manifest> Render(const ChartFS& fs, const json& user_values,
                             const ReleaseOptions& options) {
  Chart chart = LoadChart(fs);
  const json user = user_values.is_object() ? user_values : json::object();
  ProcessDependencies(&chart, user, "");
  ImportDependencyValues(&chart);
  const json values = CoalesceValues(chart, user);
  const json capabilities =
      internal::CapabilitiesObject(options.kube_version, options.api_versions);
  ValidateValuesAgainstSchemas(chart, values);
  CheckKubeVersion(chart, capabilities["KubeVersion"]["Version"].get<std::string>());
  const json top = {{"Release",
                     {{"Name", options.name},
                      {"Namespace", options.ns},
                      {"IsInstall", true},
                      {"IsUpgrade", false},
                      {"Revision", 1},
                      {"Service", "Helm"}}},
                    {"Capabilities", capabilities}};
  std::map<std::string, Renderable> tpls;
  std::vector<std::pair<std::string, std::string>> crds;
  std::map<std::string, json> chart_data;
  Collect(chart, chart.Name(), values, top, true, &tpls, &chart_data, &crds);

  FunctionTable functions = SprigFunctions();
  for (auto& [name, f] : HelmFunctions()) {
    functions[name] = f;
  }
  TemplateSet set(std::move(functions));
  set.SetMissingKey(MissingKey::kZero);
  internal::AddBuiltinMethods(&set);
  AddEngineFunctions(&set);
  std::map<std::string, std::string> rendered;
  std::string current;  // the template being parsed or executed, for errors without a location
  std::exception_ptr failure;
  // One large-stack thread for every execution of the chart, not one per template.
  internal::RunWithLargeStack([&] {
    try {
      for (const std::string& name : ParseOrder(tpls)) {
        current = name;
        set.Parse(name, tpls.at(name).text);
      }
      for (const std::string& name : ParseOrder(tpls)) {
        const std::string base = name.substr(name.rfind('/') + 1);
        if (base.starts_with("_")) {
          continue;
        }
        current = name;
        const std::string& chart_path = tpls.at(name).chart;
        SyncSubchartValues(chart_path, &chart_data, true);
        json& data = chart_data.at(chart_path);
        data["Template"] = {{"Name", name}, {"BasePath", tpls.at(name).base_path}};
        std::string out = ReplaceNoValue(set.ExecuteShared(name, data));
        SyncSubchartValues(chart_path, &chart_data, false);
        if (base != "NOTES.txt") {
          rendered[name] = std::move(out);
        }
      }
    } catch (...) {
      failure = std::current_exception();
    }
  });
  try {
    if (failure) {
      std::rethrow_exception(failure);
    }
  } catch (const TemplateError& e) {
    ThrowTemplateError(e, current);
  }
  std::vector<Manifest> manifests;
  if (options.include_crds) {
    for (auto& [path, bytes] : crds) {
      manifests.push_back({.source_path = path, .text = bytes});
    }
  }
  for (Manifest& m : internal::SortManifests(rendered)) {
    manifests.push_back(std::move(m));
  }
  return manifests;
}

std::vector<RenderedObject> RenderObjects(const ChartFS& fs, const json& user_values,
                                          const ReleaseOptions& options) {
  std::vector<RenderedObject> out;
  for (const Manifest& m : Render(fs, user_values, options)) {
    for (json& doc : UnmarshalYamlDocuments(m.text)) {
      if (doc.is_object()) {
        out.push_back({.source_path = m.source_path, .object = std::move(doc)});
      }
    }
  }
  return out;
}

std::string FormatManifests(const std::vector<Manifest>& manifests) {
  std::string out;
  for (const Manifest& m : manifests) {
    out += "---\n# Source: " + m.source_path + "\n" + m.text + "\n";
  }
  return out;
}

}  // namespace gpuext::helm
