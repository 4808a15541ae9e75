// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// --set parsing with Helm's strvals rules: "a.b=c,list[0]=x,l={a,b}", backslash escapes,
// and typed values (bools, null, int64; floats stay strings, as Helm keeps them).
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"
#include "gpuext/helm/values.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

json TypedValue(const std::string& v) {
  auto lower = v;
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower == "true") {
    return true;
  }
  if (lower == "false") {
    return false;
  }
  if (lower == "null") {
    return nullptr;
  }
  if (v == "0") {
    return int64_t{0};
  }
  if (!v.empty() && v[0] != '0') {
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (errno == 0 && end == v.c_str() + v.size() && (std::isdigit(v.back()) != 0)) {
      return static_cast<int64_t>(n);
    }
  }
  return v;
}

// One key path segment: a name, optionally followed by [index]es.
struct Segment {
  std::string name;
  std::vector<int> indexes;
};

// Splits "a.b[0].c" into segments, honouring '\' escapes.
std::vector<Segment> ParseKey(const std::string& key) {
  std::vector<Segment> out(1);
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '\\' && i + 1 < key.size()) {
      out.back().name += key[++i];
    } else if (c == '.') {
      out.emplace_back();
    } else if (c == '[') {
      const size_t end = key.find(']', i);
      if (end == std::string::npos) {
        throw Error(ErrorCode::kInvalidArgument, "error parsing index: missing ]");
      }
      const int idx = std::atoi(key.substr(i + 1, end - i - 1).c_str());
      if (idx < 0 || idx > 65536) {
        throw Error(ErrorCode::kInvalidArgument,
                    "index of " + std::to_string(idx) + " is greater than maximum supported index");
      }
      out.back().indexes.push_back(idx);
      i = end;
    } else {
      out.back().name += c;
    }
  }
  return out;
}

json* Descend(json* node, const Segment& s) {
  if (!node->is_object()) {
    *node = json::object();
  }
  json* cur = &(*node)[s.name];
  for (int idx : s.indexes) {
    if (!cur->is_array()) {
      *cur = json::array();
    }
    while (static_cast<int>(cur->size()) <= idx) {
      cur->push_back(nullptr);
    }
    cur = &(*cur)[idx];
  }
  return cur;
}

// Splits on unescaped ',' outside {...}; keeps escapes for the key/value parsers.
std::vector<std::string> SplitPairs(std::string_view set) {
  std::vector<std::string> out(1);
  int braces = 0;
  for (size_t i = 0; i < set.size(); ++i) {
    const char c = set[i];
    if (c == '\\' && i + 1 < set.size()) {
      out.back() += c;
      out.back() += set[++i];
      continue;
    }
    braces += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (c == ',' && braces == 0) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
    }
    out += s[i];
  }
  return out;
}

// How the value text of a pair becomes a value (--set, --set-string, --set-file).
using ValueReader = std::function<json(const std::string&)>;

json ParseValue(const std::string& raw, const ValueReader& read) {
  if (raw.size() >= 2 && raw.front() == '{' && raw.back() == '}') {
    json list = json::array();
    for (const std::string& item : SplitPairs(raw.substr(1, raw.size() - 2))) {
      list.push_back(read(Unescape(item)));
    }
    return list;
  }
  return read(Unescape(raw));
}

void ApplyPairs(json* values, std::string_view set, const ValueReader& read) {
  if (!values->is_object()) {
    *values = json::object();
  }
  for (const std::string& pair : SplitPairs(set)) {
    if (pair.empty()) {
      continue;
    }
    size_t eq = std::string::npos;
    for (size_t i = 0; i < pair.size(); ++i) {
      if (pair[i] == '\\') {
        ++i;
      } else if (pair[i] == '=') {
        eq = i;
        break;
      }
    }
    if (eq == std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument, "key \"" + pair + "\" has no value");
    }
    json* node = values;
    const std::vector<Segment> path = ParseKey(pair.substr(0, eq));
    for (const Segment& s : path) {
      node = Descend(node, s);
    }
    *node = ParseValue(pair.substr(eq + 1), read);
  }
}

// The index just after the unescaped '=' of a key=value pair starting at `from`, or npos.
size_t AfterKey(std::string_view set, size_t from) {
  for (size_t i = from; i < set.size(); ++i) {
    if (set[i] == '\\') {
      ++i;
    } else if (set[i] == '=') {
      return i + 1;
    } else if (set[i] == ',') {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

void DeepMerge(json* dst, const json& src) {
  for (const auto& [key, value] : src.items()) {
    json& d = (*dst)[key];
    if (d.is_object() && value.is_object()) {
      DeepMerge(&d, value);
    } else {
      d = value;
    }
  }
}

}  // namespace

void ApplySet(json* values, std::string_view set) {
  ApplyPairs(values, set, [](const std::string& v) { return TypedValue(v); });
}

void ApplySetString(json* values, std::string_view set) {
  ApplyPairs(values, set, [](const std::string& v) { return json(v); });
}

void ApplySetFile(json* values, std::string_view set,
                  const std::function<std::string(const std::string&)>& read_file) {
  ApplyPairs(values, set, [&](const std::string& path) { return json(read_file(path)); });
}

void ApplySetJson(json* values, std::string_view set) {
  if (!values->is_object()) {
    *values = json::object();
  }
  const auto fail = [&]() {
    return Error(ErrorCode::kInvalidArgument, "failed parsing --set-json data " + std::string(set));
  };
  size_t start = set.find_first_not_of(" \t\n");
  if (start != std::string_view::npos && set[start] == '{') {
    // The whole argument is one JSON object, merged into the values.
    json obj;
    try {
      obj = UnmarshalJson(set);
    } catch (const Error&) {
      throw fail();
    }
    if (!obj.is_object()) {
      throw fail();
    }
    DeepMerge(values, obj);
    return;
  }
  size_t pos = 0;
  while (pos < set.size()) {
    const size_t value_at = AfterKey(set, pos);
    if (value_at == std::string_view::npos) {
      throw fail();
    }
    const std::string key(set.substr(pos, value_at - 1 - pos));
    // The value runs to the first ',' (or the end) before which it is one whole JSON value.
    std::optional<json> value;
    size_t end = value_at;
    for (;; ++end) {
      end = set.find(',', end);
      const std::string_view text =
          set.substr(value_at, end == std::string_view::npos ? end : end - value_at);
      try {
        value = UnmarshalJson(text);
        break;
      } catch (const Error&) {
        if (end == std::string_view::npos) {
          throw fail();
        }
      }
    }
    json* node = values;
    for (const Segment& s : ParseKey(key)) {
      node = Descend(node, s);
    }
    *node = std::move(*value);
    pos = end == std::string_view::npos ? set.size() : end + 1;
  }
}

}  // namespace gpuext::helm
