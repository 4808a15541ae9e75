// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's dict functions. In Go, set/unset/merge/mergeOverwrite change the map they are given
// and return it; values here are immutable, so they return the changed copy. Templates that
// use the return value (`$_ := set $d "k" v` followed by reading `$d`) depend on the mutation;
// the engine keeps that working by storing the result back where it can (see template docs).
// keys and values follow Go's random map order in Helm; here they come in key order, which is
// one of the orders Helm may produce (charts sort keys with sortAlpha anyway).
#include <string>

#include <fmt/format.h>

#include "gpuext/helm/go_format.h"
#include "sprig_registry.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

// mergo.Merge (overwrite=false) and mergo.Merge(WithOverride) on map[string]interface{}: maps
// on both sides merge key by key; otherwise, without override a source value only fills a key
// that is missing or holds an empty value (false, 0, "", nil, empty list or map); with override
// the source value always wins, empty or not.
void DeepMerge(json& dst, const json& src, bool overwrite) {
  for (const auto& [key, value] : src.items()) {
    auto it = dst.find(key);
    if (it == dst.end()) {
      dst[key] = value;
      continue;
    }
    if (it->is_object() && value.is_object()) {
      DeepMerge(*it, value, overwrite);
      continue;
    }
    if (overwrite || IsEmpty(*it)) {
      *it = value;
    }
  }
}

json MergeAll(std::string_view name, Args args, bool overwrite) {
  WantAtLeast(name, args, 1);
  json out = MapArg(args, 0);
  for (size_t i = 1; i < args.size(); ++i) {
    DeepMerge(out, MapArg(args, i), overwrite);
  }
  return out;
}

[[noreturn]] void NotAMap(const json& v) {
  throw FunctionError(
      fmt::format("interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                  v.is_null() ? "nil" : GoTypeName(v)));
}

}  // namespace

void AddDictFunctions(FunctionTable& t) {
  t["dict"] = [](Args args) -> json {
    json out = json::object();
    for (size_t i = 0; i < args.size(); i += 2) {
      out[Strval(args[i])] = i + 1 < args.size() ? args[i + 1] : json("");
    }
    return out;
  };
  t["get"] = [](Args args) -> json {
    WantArgs("get", args, 2);
    const json& d = MapArg(args, 0);
    auto it = d.find(StringArg(args, 1));
    return it == d.end() ? json("") : *it;
  };
  t["set"] = [](Args args) -> json {
    WantArgs("set", args, 3);
    if (args[0].is_null()) {
      throw FunctionError("assignment to entry in nil map");
    }
    json out = MapArg(args, 0);
    out[StringArg(args, 1)] = args[2];
    return out;
  };
  t["unset"] = [](Args args) -> json {
    WantArgs("unset", args, 2);
    json out = MapArg(args, 0);
    out.erase(StringArg(args, 1));
    return out;
  };
  t["hasKey"] = [](Args args) -> json {
    WantArgs("hasKey", args, 2);
    return MapArg(args, 0).contains(StringArg(args, 1));
  };
  t["pluck"] = [](Args args) -> json {
    WantAtLeast("pluck", args, 1);
    const std::string& key = StringArg(args, 0);
    json out = json::array();
    for (size_t i = 1; i < args.size(); ++i) {
      const json& d = MapArg(args, i);
      if (auto it = d.find(key); it != d.end()) {
        out.push_back(*it);
      }
    }
    return out;
  };
  t["keys"] = [](Args args) -> json {
    json out = json::array();
    for (size_t i = 0; i < args.size(); ++i) {
      for (const auto& [k, v] : MapArg(args, i).items()) {
        out.push_back(k);
      }
    }
    return out;
  };
  t["values"] = [](Args args) -> json {
    WantArgs("values", args, 1);
    json out = json::array();
    for (const auto& [k, v] : MapArg(args, 0).items()) {
      out.push_back(v);
    }
    return out;
  };
  t["pick"] = [](Args args) -> json {
    WantAtLeast("pick", args, 1);
    const json& d = MapArg(args, 0);
    json out = json::object();
    for (size_t i = 1; i < args.size(); ++i) {
      const std::string& k = StringArg(args, i);
      if (auto it = d.find(k); it != d.end()) {
        out[k] = *it;
      }
    }
    return out;
  };
  t["omit"] = [](Args args) -> json {
    WantAtLeast("omit", args, 1);
    json out = MapArg(args, 0);
    for (size_t i = 1; i < args.size(); ++i) {
      out.erase(StringArg(args, i));
    }
    return out;
  };
  t["dig"] = [](Args args) -> json {
    if (args.size() < 3) {
      throw FunctionError("dig needs at least three arguments");
    }
    const json* d = &args.back();
    if (!d->is_object()) {
      NotAMap(*d);
    }
    const json& fallback = args[args.size() - 2];
    for (size_t i = 0; i + 2 < args.size(); ++i) {
      if (!args[i].is_string()) {
        throw FunctionError(fmt::format("interface conversion: interface {{}} is {}, not string",
                                        args[i].is_null() ? "nil" : GoTypeName(args[i])));
      }
      auto it = d->find(args[i].get_ref<const std::string&>());
      if (it == d->end()) {
        return fallback;
      }
      if (i + 3 == args.size()) {
        return *it;
      }
      if (!it->is_object()) {
        NotAMap(*it);
      }
      d = &*it;
    }
    return fallback;
  };
  Function merge = [](Args args) -> json { return MergeAll("merge", args, false); };
  t["merge"] = merge;
  t["mustMerge"] = merge;
  Function merge_overwrite = [](Args args) -> json {
    return MergeAll("mergeOverwrite", args, true);
  };
  t["mergeOverwrite"] = merge_overwrite;
  t["mustMergeOverwrite"] = merge_overwrite;
  Function deep_copy = [](Args args) -> json {
    WantArgs("deepCopy", args, 1);
    return args[0];
  };
  t["deepCopy"] = deep_copy;
  t["mustDeepCopy"] = deep_copy;
}

}  // namespace gpuext::helm::internal
