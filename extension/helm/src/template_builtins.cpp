// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The predefined functions of text/template (not, len, index, slice, print*, html, js,
// urlquery, eq/ne/lt/le/gt/ge, call) with Go's comparison rules and error texts.

#include <cstdio>
#include <string>

#include "gpuext/helm/go_format.h"
#include "sprig_registry.h"
#include "template_impl.h"

namespace gpuext::helm::internal {
namespace {

using nlohmann::json;

enum class Kind { kInvalid, kBool, kInt, kUint, kFloat, kString, kOther };

Kind BasicKind(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return Kind::kInvalid;
    case json::value_t::boolean:
      return Kind::kBool;
    case json::value_t::number_integer:
      return Kind::kInt;
    case json::value_t::number_unsigned:
      return Kind::kInt;  // Go ints of either sign compare
    case json::value_t::number_float:
      return Kind::kFloat;
    case json::value_t::string:
      return Kind::kString;
    default:
      return Kind::kOther;
  }
}

FunctionError Incompatible(const json& a, const json& b) {
  return FunctionError("incompatible types for comparison: " + GoTypeName(a) + " and " +
                       GoTypeName(b));
}

// Compares two integers of either signedness.
int CompareInts(const json& a, const json& b) {
  if (a.is_number_unsigned() && b.is_number_unsigned()) {
    auto x = a.get<uint64_t>(), y = b.get<uint64_t>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_number_unsigned())
    return -CompareInts(b, a);
  int64_t x = a.get<int64_t>();
  if (b.is_number_unsigned()) {
    if (x < 0)
      return -1;
    auto y = b.get<uint64_t>();
    auto ux = static_cast<uint64_t>(x);
    return ux < y ? -1 : ux > y ? 1 : 0;
  }
  int64_t y = b.get<int64_t>();
  return x < y ? -1 : x > y ? 1 : 0;
}

json Eq(std::span<const json> args) {
  if (args.empty())
    throw FunctionError("wrong number of args for eq: want at least 1 got 0");
  if (args.size() == 1)
    throw FunctionError("missing argument for comparison");
  const json& a = args[0];
  Kind k1 = BasicKind(a);
  for (size_t i = 1; i < args.size(); ++i) {
    const json& b = args[i];
    Kind k2 = BasicKind(b);
    bool truth = false;
    if (k1 != k2) {
      if (!a.is_null() && !b.is_null())
        throw Incompatible(a, b);
    } else {
      switch (k1) {
        case Kind::kBool:
          truth = a.get<bool>() == b.get<bool>();
          break;
        case Kind::kInt:
          truth = CompareInts(a, b) == 0;
          break;
        case Kind::kFloat:
          truth = a.get<double>() == b.get<double>();
          break;
        case Kind::kString:
          truth = a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
          break;
        case Kind::kInvalid:
          truth = true;
          break;
        default:
          if (a.type() != b.type()) {
            throw FunctionError("non-comparable types " + FormatGoValue(a) + ": " + GoTypeName(a) +
                                ", " + GoTypeName(b) + ": " + FormatGoValue(b));
          }
          throw FunctionError("non-comparable type " +
                              GoSprintf("%s", std::span<const json>(&a, 1)) + ": " + GoTypeName(a));
      }
    }
    if (truth)
      return true;
  }
  return false;
}

// Go's lt: basic kinds only, same kind (ints of either sign mix).
bool Less(const json& a, const json& b) {
  Kind k1 = BasicKind(a), k2 = BasicKind(b);
  if (k1 == Kind::kInvalid || k1 == Kind::kOther || k2 == Kind::kInvalid || k2 == Kind::kOther) {
    throw FunctionError("invalid type for comparison");
  }
  if (k1 != k2)
    throw Incompatible(a, b);
  switch (k1) {
    case Kind::kBool:
      throw FunctionError("invalid type for comparison");
    case Kind::kInt:
      return CompareInts(a, b) < 0;
    case Kind::kFloat:
      return a.get<double>() < b.get<double>();
    case Kind::kString:
      return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
    default:
      throw FunctionError("invalid type for comparison");
  }
}

int64_t IndexArg(const json& index, size_t cap, bool exclusive) {
  int64_t x = 0;
  if (index.is_number_integer()) {
    x = index.get<int64_t>();
  } else if (index.is_number_unsigned()) {
    x = static_cast<int64_t>(index.get<uint64_t>());
  } else if (index.is_null()) {
    throw FunctionError("cannot index slice/array with nil");
  } else {
    throw FunctionError("cannot index slice/array with type " + GoTypeName(index));
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap || (exclusive && static_cast<uint64_t>(x) == cap)) {
    // Go checks against the slice's capacity, then reflect panics for len <= x <= cap. The
    // capacity is unknown here: x == len is within it for every slice.
    if (exclusive && x >= 0 && static_cast<uint64_t>(x) == cap) {
      throw FunctionError("reflect: slice index out of range");
    }
    throw FunctionError("index out of range: " + std::to_string(x));
  }
  return x;
}

json Index(std::span<const json> args) {
  if (args.empty())
    throw FunctionError("wrong number of args for index: want at least 1 got 0");
  json item = args[0];
  if (item.is_null())
    throw FunctionError("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    const json& index = args[i];
    if (item.is_null())
      throw FunctionError("index of nil pointer");
    if (item.is_array()) {
      json next = item[static_cast<size_t>(IndexArg(index, item.size(), true))];
      item = std::move(next);
    } else if (item.is_string()) {
      const auto& s = item.get_ref<const std::string&>();
      item = static_cast<int64_t>(
          static_cast<unsigned char>(s[static_cast<size_t>(IndexArg(index, s.size(), true))]));
    } else if (item.is_object()) {
      if (!index.is_string()) {
        if (index.is_null()) {
          item = nullptr;
          continue;
        }
        throw FunctionError("value has type " + GoTypeName(index) + "; should be string");
      }
      auto it = item.find(index.get_ref<const std::string&>());
      json next = it != item.end() ? *it : json();
      item = std::move(next);
    } else {
      throw FunctionError("can't index item of type " + GoTypeName(item));
    }
  }
  return item;
}

json Slice(std::span<const json> args) {
  if (args.empty())
    throw FunctionError("wrong number of args for slice: want at least 1 got 0");
  const json& item = args[0];
  if (item.is_null())
    throw FunctionError("slice of untyped nil");
  size_t nidx = args.size() - 1;
  if (nidx > 3)
    throw FunctionError("too many slice indexes: " + std::to_string(nidx));
  size_t len = 0;
  if (item.is_string()) {
    if (nidx == 3)
      throw FunctionError("cannot 3-index slice a string");
    len = item.get_ref<const std::string&>().size();
  } else if (item.is_array()) {
    len = item.size();
  } else {
    throw FunctionError("can't slice item of type " + GoTypeName(item));
  }
  int64_t idx[3] = {0, static_cast<int64_t>(len), static_cast<int64_t>(len)};
  for (size_t i = 0; i < nidx; ++i) {
    // Go checks against the capacity, which for values read from YAML may exceed the
    // length; reflect then refuses the slice with its own words.
    if (item.is_array() && !args[i + 1].is_null() && args[i + 1].is_number() &&
        !args[i + 1].is_number_float() && args[i + 1].get<int64_t>() > static_cast<int64_t>(len)) {
      throw FunctionError("reflect.Value.Slice: slice index out of bounds");
    }
    idx[i] = IndexArg(args[i + 1], len, false);
  }
  if (idx[0] > idx[1]) {
    throw FunctionError("invalid slice index: " + std::to_string(idx[0]) + " > " +
                        std::to_string(idx[1]));
  }
  if (nidx == 3 && idx[1] > idx[2]) {
    throw FunctionError("invalid slice index: " + std::to_string(idx[1]) + " > " +
                        std::to_string(idx[2]));
  }
  auto b = static_cast<size_t>(idx[0]), e = static_cast<size_t>(idx[1]);
  if (item.is_string())
    return item.get_ref<const std::string&>().substr(b, e - b);
  json out = json::array();
  for (size_t i = b; i < e; ++i)
    out.push_back(item[i]);
  return out;
}

json Len(std::span<const json> args) {
  WantArgs("len", args, 1);
  const json& v = args[0];
  if (v.is_null())
    throw FunctionError("len of nil pointer");
  if (v.is_string())
    return static_cast<int64_t>(v.get_ref<const std::string&>().size());
  if (v.is_array() || v.is_object())
    return static_cast<int64_t>(v.size());
  throw FunctionError("len of type " + GoTypeName(v));
}

// evalArgs of html/js/urlquery: one string argument as is, anything else through Sprint.
std::string EvalArgs(std::span<const json> args) {
  if (args.size() == 1 && args[0].is_string())
    return args[0].get<std::string>();
  return GoSprint(args);
}

json Html(std::span<const json> args) {
  std::string s = EvalArgs(args), out;
  for (char c : s) {
    switch (c) {
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      default:
        out += c;
    }
  }
  return out;
}

json Js(std::span<const json> args) {
  std::string s = EvalArgs(args), out;
  char buf[8];
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '<':
        out += "\\u003C";
        break;
      case '>':
        out += "\\u003E";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '=':
        out += "\\u003D";
        break;
      default:
        if (u < ' ') {
          std::snprintf(buf, sizeof(buf), "\\u%04X", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

json UrlQuery(std::span<const json> args) {
  std::string s = EvalArgs(args), out;
  char buf[4];
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      std::snprintf(buf, sizeof(buf), "%%%02X", u);
      out += buf;
    }
  }
  return out;
}

}  // namespace

bool GoTruth(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return false;
    case json::value_t::boolean:
      return j.get<bool>();
    case json::value_t::number_integer:
      return j.get<int64_t>() != 0;
    case json::value_t::number_unsigned:
      return j.get<uint64_t>() != 0;
    case json::value_t::number_float:
      return j.get<double>() != 0;
    case json::value_t::string:
      return !j.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object:
      return !j.empty();
    case json::value_t::binary:
      return !j.get_binary().empty();
    default:
      return true;
  }
}

const FunctionTable& Builtins() {
  static const auto* table = new FunctionTable{
      {"not",
       [](std::span<const json> a) -> json {
         WantArgs("not", a, 1);
         return !GoTruth(a[0]);
       }},
      {"len", Len},
      {"index", Index},
      {"slice", Slice},
      {"print", [](std::span<const json> a) -> json { return GoSprint(a); }},
      {"println", [](std::span<const json> a) -> json { return GoSprintln(a); }},
      {"printf",
       [](std::span<const json> a) -> json {
         if (a.empty())
           throw FunctionError("wrong number of args for printf: want at least 1 got 0");
         if (!a[0].is_string()) {
           throw FunctionError("wrong type for value; expected string; got " + GoTypeName(a[0]));
         }
         return GoSprintf(a[0].get_ref<const std::string&>(), a.subspan(1));
       }},
      {"html", Html},
      {"js", Js},
      {"urlquery", UrlQuery},
      {"eq", Eq},
      {"ne",
       [](std::span<const json> a) -> json {
         WantArgs("ne", a, 2);
         return !Eq(a).get<bool>();
       }},
      {"lt",
       [](std::span<const json> a) -> json {
         WantArgs("lt", a, 2);
         return Less(a[0], a[1]);
       }},
      {"le",
       [](std::span<const json> a) -> json {
         WantArgs("le", a, 2);
         return Less(a[0], a[1]) || Eq(a).get<bool>();
       }},
      {"gt",
       [](std::span<const json> a) -> json {
         WantArgs("gt", a, 2);
         return !Less(a[0], a[1]) && !Eq(a).get<bool>();
       }},
      {"ge",
       [](std::span<const json> a) -> json {
         WantArgs("ge", a, 2);
         return !Less(a[0], a[1]);
       }},
      {"call",
       [](std::span<const json> a) -> json {
         if (a.empty())
           throw FunctionError("wrong number of args for call: want at least 1 got 0");
         if (a[0].is_null())
           throw FunctionError("call of nil");
         throw FunctionError("non-function of type " + GoTypeName(a[0]));
       }},
  };
  return *table;
}

bool BuiltinTakesValues(std::string_view name) {
  return name == "not" || name == "len" || name == "index" || name == "slice" || name == "eq" ||
         name == "ne" || name == "lt" || name == "le" || name == "gt" || name == "ge" ||
         name == "call";
}

}  // namespace gpuext::helm::internal
