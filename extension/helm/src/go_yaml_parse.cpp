// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// YAML -> JSON the way Helm reads values files, Chart.yaml and fromYaml input
// (sigs.k8s.io/yaml over go-yaml v2): yaml-cpp does the syntax, go-yaml's resolver decides
// what each unquoted scalar means, and every number ends up a float64 as Go's encoding/json
// decodes it into interface{}.
#include <string>

#include <yaml-cpp/yaml.h>

#include "go_float.h"
#include "go_yaml_scalar.h"
#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

json AsGoNumber(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return v.get<double>();
  }
  return v;
}

json ScalarValue(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") {
    return text;
  }
  if (tag == "tag:yaml.org,2002:null") {
    return nullptr;
  }
  return AsGoNumber(internal::ResolvePlain(text).value);
}

// sigs.k8s.io/yaml turns non-string keys into their text: true -> "true", 1 -> "1".
std::string KeyText(const YAML::Node& key) {
  if (!key.IsScalar() && !key.IsNull()) {
    throw Error(ErrorCode::kInvalidArgument,
                "error converting YAML to JSON: yaml: unsupported map key at line " +
                    std::to_string(key.Mark().line + 1));
  }
  const json v = key.IsNull() ? json(nullptr) : ScalarValue(key);
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d)) && std::abs(d) < 1e18) {
      return std::to_string(static_cast<int64_t>(d));
    }
    return internal::GoFormatFloatG(d);
  }
  return v.dump();
}

json Convert(const YAML::Node& node);

void MergeInto(json* out, const YAML::Node& source) {
  // YAML merge key "<<": keys already present win, as go-yaml does.
  if (source.IsSequence()) {
    for (const YAML::Node& item : source) {
      MergeInto(out, item);
    }
    return;
  }
  const json merged = Convert(source);
  if (!merged.is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "yaml: map merge requires map or sequence of maps as the value");
  }
  for (const auto& [k, v] : merged.items()) {
    if (!out->contains(k)) {
      (*out)[k] = v;
    }
  }
}

json Convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return node.Tag() == "!" ? json("") : json(nullptr);
    case YAML::NodeType::Scalar:
      return ScalarValue(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const YAML::Node& item : node) {
        out.push_back(Convert(item));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      std::vector<YAML::Node> merges;
      for (const auto& kv : node) {
        if (kv.first.IsScalar() && kv.first.Tag() == "?" && kv.first.Scalar() == "<<") {
          merges.push_back(kv.second);
          continue;
        }
        out[KeyText(kv.first)] = Convert(kv.second);
      }
      for (const YAML::Node& m : merges) {
        MergeInto(&out, m);
      }
      return out;
    }
  }
  return nullptr;
}

[[noreturn]] void ThrowSyntax(const YAML::Exception& e) {
  throw Error(ErrorCode::kInvalidArgument, "error converting YAML to JSON: yaml: line " +
                                               std::to_string(e.mark.line + 1) + ": " + e.msg);
}

}  // namespace

std::vector<json> UnmarshalYamlDocuments(std::string_view text) {
  try {
    std::vector<json> out;
    for (const YAML::Node& doc : YAML::LoadAll(std::string(text))) {
      out.push_back(Convert(doc));
    }
    return out;
  } catch (const YAML::Exception& e) {
    ThrowSyntax(e);
  }
}

json UnmarshalYaml(std::string_view text) {
  const std::vector<json> docs = UnmarshalYamlDocuments(text);
  if (docs.empty()) {
    return nullptr;
  }
  return docs.front();
}

}  // namespace gpuext::helm
