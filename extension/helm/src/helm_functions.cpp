// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/helm/helm_functions.h"

#include <exception>
#include <string>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"
#include "sprig_registry.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

using internal::WantArgs;

std::string TrimNewline(std::string s) {
  if (!s.empty() && s.back() == '\n') {
    s.pop_back();
  }
  return s;
}

// The text argument of fromYaml/fromJson: Go converts a non-string by its type, but every
// chart passes strings; anything else is an unmarshal error.
const std::string* TextArg(const json& arg) {
  return arg.is_string() ? &arg.get_ref<const std::string&>() : nullptr;
}

template <typename Encode>
Function Encoder(std::string name, Encode encode) {
  return [name, encode](std::span<const json> args) -> json {
    WantArgs(name, args, 1);
    try {
      return encode(args[0]);
    } catch (const Error&) {
      return "";  // Helm swallows encoding errors and returns an empty string
    }
  };
}

// fromYaml/fromJson: a map, with decoding errors reported in-band under "Error".
template <typename Decode>
Function MapDecoder(std::string name, Decode decode) {
  return [name, decode](std::span<const json> args) -> json {
    WantArgs(name, args, 1);
    const std::string* text = TextArg(args[0]);
    try {
      const json v = text != nullptr ? decode(*text) : json();
      if (v.is_null()) {
        return json::object();
      }
      if (!v.is_object()) {
        throw Error(ErrorCode::kInvalidArgument,
                    fmt::format("error unmarshaling JSON: while decoding JSON: json: cannot "
                                "unmarshal {} into Go value of type map[string]interface {{}}",
                                v.is_array()    ? "array"
                                : v.is_string() ? "string"
                                                : "number"));
      }
      return v;
    } catch (const Error& e) {
      return json{{"Error", e.what()}};
    }
  };
}

template <typename Decode>
Function ArrayDecoder(std::string name, Decode decode) {
  return [name, decode](std::span<const json> args) -> json {
    WantArgs(name, args, 1);
    const std::string* text = TextArg(args[0]);
    try {
      const json v = text != nullptr ? decode(*text) : json();
      if (v.is_null()) {
        return json::array();
      }
      if (!v.is_array()) {
        throw Error(ErrorCode::kInvalidArgument,
                    fmt::format("error unmarshaling JSON: while decoding JSON: json: cannot "
                                "unmarshal {} into Go value of type []interface {{}}",
                                v.is_object()   ? "object"
                                : v.is_string() ? "string"
                                                : "number"));
      }
      return v;
    } catch (const Error& e) {
      return json::array({e.what()});
    }
  };
}

}  // namespace

FunctionTable HelmFunctions() {
  FunctionTable t;
  t["toYaml"] = Encoder("toYaml", [](const json& v) { return TrimNewline(MarshalYaml(v)); });
  t["toYamlPretty"] =
      Encoder("toYamlPretty", [](const json& v) { return TrimNewline(MarshalYamlPretty(v)); });
  t["toJson"] = Encoder("toJson", [](const json& v) { return MarshalJson(v); });
  t["toPrettyJson"] =
      Encoder("toPrettyJson", [](const json& v) { return MarshalJson(v, {.indent = "  "}); });
  t["toRawJson"] =
      Encoder("toRawJson", [](const json& v) { return MarshalJson(v, {.escape_html = false}); });
  t["mustToJson"] = [](std::span<const json> args) -> json {
    WantArgs("mustToJson", args, 1);
    try {
      return MarshalJson(args[0]);
    } catch (const Error& e) {
      throw FunctionError(e.what());
    }
  };
  t["fromYaml"] = MapDecoder("fromYaml", [](const std::string& s) { return UnmarshalYaml(s); });
  t["fromJson"] = MapDecoder("fromJson", [](const std::string& s) { return UnmarshalJson(s); });
  t["fromYamlArray"] =
      ArrayDecoder("fromYamlArray", [](const std::string& s) { return UnmarshalYaml(s); });
  t["fromJsonArray"] =
      ArrayDecoder("fromJsonArray", [](const std::string& s) { return UnmarshalJson(s); });
  return t;
}

}  // namespace gpuext::helm
