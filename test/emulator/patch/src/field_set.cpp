// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0

#include "field_set.h"

#include <algorithm>

namespace gpuext::emulator::patch::internal {
namespace {

using nlohmann::json;

// Rewrites "k:" and "v:" elements to canonical JSON (sorted keys, compact).
std::string Canonical(const std::string& element) {
  if (element.size() < 2 || (!element.starts_with("k:") && !element.starts_with("v:"))) {
    return element;
  }
  json parsed = json::parse(element.substr(2), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return element;
  }
  return element.substr(0, 2) + parsed.dump();
}

void Decode(const json& node, FieldPath& prefix, FieldSet& out) {
  if (!node.is_object()) {
    return;
  }
  if (node.empty() && !prefix.empty()) {
    out.insert(prefix);
    return;
  }
  for (const auto& [key, child] : node.items()) {
    if (key == ".") {
      if (!prefix.empty()) {
        out.insert(prefix);
      }
      continue;
    }
    prefix.push_back(Canonical(key));
    Decode(child, prefix, out);
    prefix.pop_back();
  }
}

// value.ToString of structured-merge-diff: strings quoted, other values as JSON.
std::string ValueString(const std::string& encoded) {
  json parsed = json::parse(encoded, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? encoded : parsed.dump();
}

}  // namespace

std::string FieldElement(std::string_view name) { return "f:" + std::string(name); }

std::string KeyElement(std::string_view key, const json& value) {
  json k = json::object();
  k[std::string(key)] = value;
  return "k:" + k.dump();
}

std::string ValueElement(const json& value) { return "v:" + value.dump(); }

FieldSet DecodeFieldsV1(const json& fields) {
  FieldSet out;
  FieldPath prefix;
  Decode(fields, prefix, out);
  return out;
}

json EncodeFieldsV1(const FieldSet& set) {
  json root = json::object();
  for (const FieldPath& path : set) {
    json* node = &root;
    for (const std::string& element : path) {
      node = &(*node)[element];
      if (node->is_null()) {
        *node = json::object();
      }
    }
  }
  // A member with children is marked with "."; a member without children is already {}.
  for (const FieldPath& path : set) {
    json* node = &root;
    for (const std::string& element : path) {
      node = &(*node)[element];
    }
    if (!node->empty()) {
      (*node)["."] = json::object();
    }
  }
  return root;
}

std::string PathString(const FieldPath& path) {
  std::string out;
  for (const std::string& element : path) {
    const std::string body = element.size() >= 2 ? element.substr(2) : element;
    if (element.starts_with("f:")) {
      out += "." + body;
    } else if (element.starts_with("k:")) {
      json key = json::parse(body, nullptr, /*allow_exceptions=*/false);
      std::string inner;
      if (key.is_object()) {
        for (const auto& [name, value] : key.items()) {
          inner += (inner.empty() ? "" : ",") + name + "=" + value.dump();
        }
      }
      out += "[" + inner + "]";
    } else if (element.starts_with("v:")) {
      out += "[=" + ValueString(body) + "]";
    } else if (element.starts_with("i:")) {
      out += "[" + body + "]";
    } else {
      out += element;
    }
  }
  return out;
}

bool IsAtOrUnder(const FieldPath& path, const FieldPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

}  // namespace gpuext::emulator::patch::internal
