// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/gpuruntime/toml.h"

namespace gpuext::gpuruntime {
namespace {

using nlohmann::json;

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Key(const std::string& key) {
  bool bare = !key.empty();
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    bare = bare && ok;
  }
  return bare ? key : Quote(key);
}

std::string Header(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) {
      out += '.';
    }
    out += Key(part);
  }
  return out;
}

std::string Scalar(const json& value, const std::vector<std::string>& path) {
  switch (value.type()) {
    case json::value_t::string:
      return Quote(value.get_ref<const std::string&>());
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return value.dump();
    case json::value_t::number_float: {
      std::string text = value.dump();  // shortest round trip; always has '.' or 'e'
      return text;
    }
    case json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) {
        if (value[i].is_object()) {
          throw Error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: arrays of tables are not supported", Header(path)));
        }
        out += (i == 0 ? "" : ", ") + Scalar(value[i], path);
      }
      return out + "]";
    }
    default:
      throw Error(
          ErrorCode::kInvalidArgument,
          fmt::format("{}: {} values cannot be written as TOML", Header(path), value.type_name()));
  }
}

void WriteTable(const json& table, std::vector<std::string>& path, std::string& out) {
  size_t depth = path.size();
  bool has_scalars = false;
  for (const auto& [key, value] : table.items()) {
    has_scalars = has_scalars || !value.is_object();
  }
  if (depth > 0 && (has_scalars || table.empty())) {
    if (!out.empty()) {
      out += '\n';
    }
    out += std::string(2 * (depth - 1), ' ') + "[" + Header(path) + "]\n";
  }
  std::string indent(2 * depth, ' ');
  for (const auto& [key, value] : table.items()) {
    if (!value.is_object()) {
      path.push_back(key);
      out += indent + Key(key) + " = " + Scalar(value, path) + "\n";
      path.pop_back();
    }
  }
  for (const auto& [key, value] : table.items()) {
    if (value.is_object()) {
      path.push_back(key);
      WriteTable(value, path, out);
      path.pop_back();
    }
  }
}

}  // namespace

std::string WriteToml(const json& document) {
  if (!document.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, "a TOML document must be a table");
  }
  std::string out;
  std::vector<std::string> path;
  WriteTable(document, path, out);
  return out;
}

}  // namespace gpuext::gpuruntime
