// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// sprig's reflection functions (typeOf, kindOf, ...) and the "defaults" family built on its
// empty() rule (default, empty, coalesce, all, any, ternary). Go type names come from what a
// value is in Helm: numbers from values.yaml are float64, template literals int.
#include <string>

#include "gpuext/helm/go_format.h"
#include "sprig_registry.h"

namespace gpuext::helm::internal {

using nlohmann::json;

void AddTypeFunctions(FunctionTable& t) {
  t["typeOf"] = [](Args args) -> json {
    WantArgs("typeOf", args, 1);
    return GoTypeName(args[0]);
  };
  t["typeIs"] = [](Args args) -> json {
    WantArgs("typeIs", args, 2);
    return StringArg(args, 0) == GoTypeName(args[1]);
  };
  t["typeIsLike"] = [](Args args) -> json {
    WantArgs("typeIsLike", args, 2);
    const std::string& target = StringArg(args, 0);
    std::string type = GoTypeName(args[1]);
    return target == type || "*" + target == type;
  };
  t["kindOf"] = [](Args args) -> json {
    WantArgs("kindOf", args, 1);
    return GoKindName(args[0]);
  };
  t["kindIs"] = [](Args args) -> json {
    WantArgs("kindIs", args, 2);
    return StringArg(args, 0) == GoKindName(args[1]);
  };
  t["deepEqual"] = [](Args args) -> json {
    WantArgs("deepEqual", args, 2);
    return GoDeepEqual(args[0], args[1]);
  };
  // default DEFAULT [GIVEN]: GIVEN unless it is empty (or missing).
  t["default"] = [](Args args) -> json {
    WantAtLeast("default", args, 1);
    if (args.size() < 2 || IsEmpty(args[1])) {
      return args[0];
    }
    return args[1];
  };
  t["empty"] = [](Args args) -> json {
    WantArgs("empty", args, 1);
    return IsEmpty(args[0]);
  };
  t["coalesce"] = [](Args args) -> json {
    for (const json& a : args) {
      if (!IsEmpty(a)) {
        return a;
      }
    }
    return nullptr;
  };
  t["all"] = [](Args args) -> json {
    for (const json& a : args) {
      if (IsEmpty(a)) {
        return false;
      }
    }
    return true;
  };
  t["any"] = [](Args args) -> json {
    for (const json& a : args) {
      if (!IsEmpty(a)) {
        return true;
      }
    }
    return false;
  };
  t["ternary"] = [](Args args) -> json {
    WantArgs("ternary", args, 3);
    return BoolArg(args, 2) ? args[0] : args[1];
  };
}

}  // namespace gpuext::helm::internal
