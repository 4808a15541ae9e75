// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's list functions. Lists are never changed in place: each function returns a new list,
// as sprig does. The plain form of a function panics where its must* twin returns an error;
// both end the template with the same message, so they share one body here.
#include <string>

#include <fmt/format.h>

#include "sprig_registry.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

// sprig calls reflect.TypeOf(v).Kind(), which dereferences nil: Go reports a nil pointer panic.
const json& ListOrThrow(const json& v, std::string_view what) {
  if (v.is_array()) {
    return v;
  }
  if (v.is_null()) {
    throw FunctionError("runtime error: invalid memory address or nil pointer dereference");
  }
  throw FunctionError(fmt::format("Cannot {} on type {}", what, GoKindName(v)));
}

bool InList(const json& list, const json& needle) {
  for (const json& e : list) {
    if (GoDeepEqual(e, needle)) {
      return true;
    }
  }
  return false;
}

json SubList(const json& list, size_t begin, size_t end) {
  json out = json::array();
  for (size_t i = begin; i < end; ++i) {
    out.push_back(list[i]);
  }
  return out;
}

// Registers name and must<Name> with one body.
void AddPair(FunctionTable& t, const std::string& name, Function body) {
  t[name] = body;
  std::string must = "must" + name;
  must[4] = static_cast<char>(std::toupper(static_cast<unsigned char>(must[4])));
  t[must] = std::move(body);
}

// untilStep(start, stop, step): Python's range, empty when step points away from stop.
json UntilStep(int64_t start, int64_t stop, int64_t step) {
  json out = json::array();
  if (stop < start) {
    if (step >= 0) {
      return out;
    }
    for (int64_t i = start; i > stop; i += step) {
      out.push_back(i);
    }
    return out;
  }
  if (step <= 0) {
    return out;
  }
  for (int64_t i = start; i < stop; i += step) {
    out.push_back(i);
  }
  return out;
}

}  // namespace

void AddListFunctions(FunctionTable& t) {
  Function list = [](Args args) -> json {
    return json(std::vector<json>(args.begin(), args.end()));
  };
  t["list"] = list;
  t["tuple"] = list;
  Function push = [](Args args) -> json {
    WantArgs("append", args, 2);
    json out = ListOrThrow(args[0], "push");
    out.push_back(args[1]);
    return out;
  };
  AddPair(t, "append", push);
  AddPair(t, "push", push);
  AddPair(t, "prepend", [](Args args) -> json {
    WantArgs("prepend", args, 2);
    json out = ListOrThrow(args[0], "prepend");
    out.insert(out.begin(), args[1]);
    return out;
  });
  AddPair(t, "first", [](Args args) -> json {
    WantArgs("first", args, 1);
    const json& l = ListOrThrow(args[0], "find first");
    return l.empty() ? json() : l.front();
  });
  AddPair(t, "last", [](Args args) -> json {
    WantArgs("last", args, 1);
    const json& l = ListOrThrow(args[0], "find last");
    return l.empty() ? json() : l.back();
  });
  // rest and initial of an empty list are nil in Go, which prints as [] for a []interface{}
  // result; an empty list is the closest value.
  AddPair(t, "rest", [](Args args) -> json {
    WantArgs("rest", args, 1);
    const json& l = ListOrThrow(args[0], "find rest");
    return l.empty() ? json::array() : SubList(l, 1, l.size());
  });
  AddPair(t, "initial", [](Args args) -> json {
    WantArgs("initial", args, 1);
    const json& l = ListOrThrow(args[0], "find initial");
    return l.empty() ? json::array() : SubList(l, 0, l.size() - 1);
  });
  // sprig's slice replaces text/template's builtin in Helm: lists only (a string fails),
  // indices through cast.ToInt, nil for an empty list, reflect's bounds check.
  AddPair(t, "slice", [](Args args) -> json {
    if (args.empty()) {
      throw FunctionError("wrong number of args for slice: want at least 1 got 0");
    }
    if (args[0].is_null()) {
      throw FunctionError("runtime error: invalid memory address or nil pointer dereference");
    }
    if (!args[0].is_array()) {
      throw FunctionError("list should be type of slice or array but " + GoKindName(args[0]));
    }
    const json& l = args[0];
    if (l.empty()) {
      return json();
    }
    const int64_t size = static_cast<int64_t>(l.size());
    const int64_t begin = args.size() > 1 ? CastToInt64(args[1]) : 0;
    const int64_t end = args.size() > 2 ? CastToInt64(args[2]) : size;
    if (begin < 0 || end < begin || end > size) {
      throw FunctionError("reflect.Value.Slice: slice index out of bounds");
    }
    return SubList(l, static_cast<size_t>(begin), static_cast<size_t>(end));
  });
  AddPair(t, "reverse", [](Args args) -> json {
    WantArgs("reverse", args, 1);
    const json& l = ListOrThrow(args[0], "find reverse");
    json out = json::array();
    for (auto it = l.rbegin(); it != l.rend(); ++it) {
      out.push_back(*it);
    }
    return out;
  });
  AddPair(t, "uniq", [](Args args) -> json {
    WantArgs("uniq", args, 1);
    json out = json::array();
    for (const json& e : ListOrThrow(args[0], "find uniq")) {
      if (!InList(out, e)) {
        out.push_back(e);
      }
    }
    return out;
  });
  AddPair(t, "without", [](Args args) -> json {
    WantAtLeast("without", args, 1);
    json omit(std::vector<json>(args.begin() + 1, args.end()));
    json out = json::array();
    for (const json& e : ListOrThrow(args[0], "find without")) {
      if (!InList(omit, e)) {
        out.push_back(e);
      }
    }
    return out;
  });
  AddPair(t, "has", [](Args args) -> json {
    WantArgs("has", args, 2);
    if (args[1].is_null()) {
      return false;
    }
    return InList(ListOrThrow(args[1], "find has"), args[0]);
  });
  AddPair(t, "compact", [](Args args) -> json {
    WantArgs("compact", args, 1);
    json out = json::array();
    for (const json& e : ListOrThrow(args[0], "compact")) {
      if (!IsEmpty(e)) {
        out.push_back(e);
      }
    }
    return out;
  });
  AddPair(t, "chunk", [](Args args) -> json {
    WantArgs("chunk", args, 2);
    int64_t size = IntArg(args, 0);
    if (!args[1].is_array()) {
      if (args[1].is_null()) {
        throw FunctionError("runtime error: invalid memory address or nil pointer dereference");
      }
      throw FunctionError(fmt::format("Cannot chunk type {}", GoKindName(args[1])));
    }
    const json& l = args[1];
    if (size <= 0) {
      throw FunctionError("runtime error: integer divide by zero");
    }
    json out = json::array();
    for (size_t i = 0; i < l.size(); i += static_cast<size_t>(size)) {
      out.push_back(SubList(l, i, std::min(l.size(), i + static_cast<size_t>(size))));
    }
    return out;
  });
  t["concat"] = [](Args args) -> json {
    json out = json::array();
    for (const json& l : args) {
      if (l.is_null()) {
        throw FunctionError("runtime error: invalid memory address or nil pointer dereference");
      }
      if (!l.is_array()) {
        throw FunctionError(fmt::format("Cannot concat type {} as list", GoKindName(l)));
      }
      out.insert(out.end(), l.begin(), l.end());
    }
    return out;
  };
  t["until"] = [](Args args) -> json {
    WantArgs("until", args, 1);
    int64_t n = IntArg(args, 0);
    return UntilStep(0, n, n < 0 ? -1 : 1);
  };
  t["untilStep"] = [](Args args) -> json {
    WantArgs("untilStep", args, 3);
    return UntilStep(IntArg(args, 0), IntArg(args, 1), IntArg(args, 2));
  };
  t["seq"] = [](Args args) -> json {
    std::vector<int64_t> p;
    for (size_t i = 0; i < args.size(); ++i) {
      p.push_back(IntArg(args, i));
    }
    json nums;
    if (p.size() == 1 || p.size() == 2) {
      int64_t start = p.size() == 1 ? 1 : p[0];
      int64_t end = p.back();
      int64_t inc = end < start ? -1 : 1;
      nums = UntilStep(start, end + inc, inc);
    } else if (p.size() == 3) {
      int64_t start = p[0];
      int64_t step = p[1];
      int64_t end = p[2];
      int64_t inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) {
          return "";
        }
      }
      nums = UntilStep(start, end + inc, step);
    } else {
      return "";
    }
    std::string out;
    for (const json& n : nums) {
      if (!out.empty()) {
        out += ' ';
      }
      out += std::to_string(n.get<int64_t>());
    }
    return out;
  };
}

}  // namespace gpuext::helm::internal
