// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// encoding/json's Marshal/MarshalIndent/Unmarshal for the template functions toJson,
// toPrettyJson, toRawJson and fromJson.
#include <cmath>
#include <string>

#include "go_float.h"
#include "go_key_order.h"
#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"
#include "sprig_text.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

void AppendString(std::string* out, const std::string& s, bool escape_html) {
  static const char* const kHex = "0123456789abcdef";
  out->push_back('"');
  const std::u32string runes = internal::DecodeUtf8(s);
  for (char32_t c : runes) {
    switch (c) {
      case '"':
        *out += "\\\"";
        continue;
      case '\\':
        *out += "\\\\";
        continue;
      case '\n':
        *out += "\\n";
        continue;
      case '\r':
        *out += "\\r";
        continue;
      case '\t':
        *out += "\\t";
        continue;
      case '\b':
        *out += "\\b";
        continue;
      case '\f':
        *out += "\\f";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x2028 || c == 0x2029 ||
        (escape_html && (c == '<' || c == '>' || c == '&'))) {
      *out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) {
        out->push_back(kHex[(c >> shift) & 0xF]);
      }
      continue;
    }
    // Re-encode (invalid input bytes came back as U+FFFD, as Go writes them).
    internal::AppendRune(*out, static_cast<char32_t>(c));
  }
  out->push_back('"');
}

void Append(std::string* out, const json& v, const JsonStyle& style, int depth) {
  const bool pretty = !style.indent.empty();
  auto newline = [&](int d) {
    if (pretty) {
      out->push_back('\n');
      for (int i = 0; i < d; ++i) {
        *out += style.indent;
      }
    }
  };
  switch (v.type()) {
    case json::value_t::object: {
      if (v.empty()) {
        *out += "{}";
        return;
      }
      out->push_back('{');
      bool first = true;
      for (const auto& [k, child] : v.items()) {  // std::map: byte order, as Go sorts
        if (!first) {
          out->push_back(',');
        }
        first = false;
        newline(depth + 1);
        AppendString(out, k, style.escape_html);
        *out += pretty ? ": " : ":";
        Append(out, child, style, depth + 1);
      }
      newline(depth);
      out->push_back('}');
      return;
    }
    case json::value_t::array: {
      if (v.empty()) {
        *out += "[]";
        return;
      }
      out->push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) {
          out->push_back(',');
        }
        newline(depth + 1);
        Append(out, v[i], style, depth + 1);
      }
      newline(depth);
      out->push_back(']');
      return;
    }
    case json::value_t::string:
      AppendString(out, v.get_ref<const std::string&>(), style.escape_html);
      return;
    case json::value_t::number_float: {
      const double f = v.get<double>();
      if (!std::isfinite(f)) {
        throw Error(ErrorCode::kInvalidArgument,
                    "json: unsupported value: " + internal::GoFormatFloatG(f));
      }
      *out += internal::GoJsonFloat(f);
      return;
    }
    default:
      *out += v.dump();  // null, bool, integers
  }
}

json FloatNumbers(json v) {
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return v.get<double>();
  }
  if (v.is_structured()) {
    for (auto& child : v) {
      child = FloatNumbers(std::move(child));
    }
  }
  return v;
}

}  // namespace

std::string MarshalJson(const json& value, const JsonStyle& style) {
  std::string out;
  Append(&out, value, style, 0);
  return out;
}

json UnmarshalJson(std::string_view text) {
  try {
    return FloatNumbers(json::parse(text));
  } catch (const json::parse_error& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("json: ") + e.what());
  }
}

}  // namespace gpuext::helm
