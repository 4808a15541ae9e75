// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// A block-style YAML emitter that reproduces go-yaml's output byte for byte for JSON-shaped
// data (maps with string keys, lists, scalars): the same indentation, scalar style choice,
// quoting, escapes and line folding as libyaml's emitter as ported to Go. It is a recursive
// rewrite of the few emitter states such data reaches, not a general YAML emitter.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "go_float.h"
#include "go_key_order.h"
#include "go_yaml_scalar.h"
#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"

namespace gpuext::helm {
namespace {

using internal::CharWidth;
using internal::IsBreakAt;
using internal::IsPrintableAt;
using nlohmann::json;

enum class Flavor { kV2, kV3 };
enum class Style { kPlain, kSingle, kDouble, kLiteral };

// libyaml's yaml_emitter_analyze_scalar, reduced to the block context.
struct Analysis {
  bool multiline = false;
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;
};

bool IsSpaceAt(std::string_view s, size_t i) { return i < s.size() && s[i] == ' '; }
bool IsBlankAt(std::string_view s, size_t i) {
  return i < s.size() && (s[i] == ' ' || s[i] == '\t');
}
bool IsBlankzAt(std::string_view s, size_t i) {
  return i >= s.size() || IsBlankAt(s, i) || IsBreakAt(s, i) || s[i] == '\0';
}

Analysis Analyze(std::string_view v, Flavor flavor) {
  Analysis a;
  if (v.empty()) {
    a.block_allowed = false;
    return a;
  }
  bool block_indicators = v.starts_with("---") || v.starts_with("...");
  bool line_breaks = false, special = false, tabs = false;
  bool leading_space = false, leading_break = false, trailing_space = false;
  bool trailing_break = false, break_space = false, space_break = false;
  bool previous_space = false, previous_break = false, preceded_by_whitespace = true;
  for (size_t i = 0; i < v.size();) {
    const size_t w = CharWidth(static_cast<unsigned char>(v[i]));
    const bool followed_by_whitespace =
        i + w >= v.size() || IsBlankAt(v, i + w) || IsBreakAt(v, i + w);
    const char c = v[i];
    if (i == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(c) != std::string_view::npos) {
        block_indicators = true;
      } else if ((c == '?' || c == ':' || c == '-') && followed_by_whitespace) {
        block_indicators = true;
      }
    } else if ((c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace)) {
      block_indicators = true;
    }
    if (c == '\t' && flavor == Flavor::kV3) {
      tabs = true;  // go-yaml v3 keeps tabs out of plain and single-quoted scalars only
    } else if (!IsPrintableAt(v, i)) {
      special = true;
    }
    if (IsSpaceAt(v, i)) {
      leading_space = leading_space || i == 0;
      trailing_space = i + w == v.size();
      break_space = break_space || previous_break;
      previous_space = true;
      previous_break = false;
    } else if (IsBreakAt(v, i)) {
      line_breaks = true;
      leading_break = leading_break || i == 0;
      trailing_break = i + w == v.size();
      space_break = space_break || previous_space;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_whitespace = IsBlankzAt(v, i);
    i += w;
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break || line_breaks ||
      block_indicators || tabs) {
    a.block_plain_allowed = false;
  }
  if (trailing_space) {
    a.block_allowed = false;
  }
  if (break_space || tabs) {
    a.block_plain_allowed = a.single_quoted_allowed = false;
  }
  if (space_break || special) {
    a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = false;
  }
  return a;
}

class Emitter {
 public:
  explicit Emitter(Flavor flavor) : flavor_(flavor), best_width_(flavor == Flavor::kV2 ? 80 : -1) {}

  std::string Document(const json& value) {
    if (IsBlockCollection(value)) {
      value.is_object() ? Mapping(value, 0) : Sequence(value, 0);
    } else {
      Node(value, 2, false);
    }
    WriteIndent(-1);
    return std::move(out_);
  }

 private:
  static bool IsBlockCollection(const json& v) {
    return (v.is_object() || v.is_array()) && !v.empty();
  }

  void Mapping(const json& map, int indent) {
    std::vector<const std::string*> keys;
    for (const auto& entry : map.get_ref<const json::object_t&>()) {
      keys.push_back(&entry.first);
    }
    const bool v3 = flavor_ == Flavor::kV3;
    std::sort(keys.begin(), keys.end(), [v3](const std::string* a, const std::string* b) {
      return internal::GoYamlKeyLess(*a, *b, v3);
    });
    for (const std::string* key : keys) {
      WriteIndent(indent);
      const Analysis a = Analyze(*key, flavor_);
      if (!a.multiline && key->size() <= 128) {
        String(*key, indent + 2, true);
        WriteIndicator(":", false, false, false);
        MappingValue(map.get_ref<const json::object_t&>().find(*key)->second, indent);
      } else {
        // Not a simple key: "? key" on its own, then ": value" like a sequence item.
        WriteIndicator("?", true, false, true);
        String(*key, indent + 2, false);
        WriteIndent(indent);
        WriteIndicator(":", true, false, true);
        ItemValue(map.get_ref<const json::object_t&>().find(*key)->second, indent);
      }
    }
  }

  void MappingValue(const json& v, int indent) {
    if (v.is_object() && !v.empty()) {
      Mapping(v, indent + 2);
    } else if (v.is_array() && !v.empty()) {
      // go-yaml v2 writes a sequence under a key "indentless" ("key:\n- a").
      Sequence(v, flavor_ == Flavor::kV2 ? indent : indent + 2);
    } else {
      Node(v, indent + 2, false);
    }
  }

  void Sequence(const json& seq, int indent) {
    for (const json& item : seq) {
      WriteIndent(indent);
      WriteIndicator("-", true, false, true);
      ItemValue(item, indent);
    }
  }

  void ItemValue(const json& v, int indent) {
    if (v.is_object() && !v.empty()) {
      Mapping(v, indent + 2);
    } else if (v.is_array() && !v.empty()) {
      Sequence(v, indent + 2);
    } else {
      Node(v, indent + 2, false);
    }
  }

  // A scalar or an empty collection; `indent` is where continuation lines start.
  void Node(const json& v, int indent, bool simple_key) {
    switch (v.type()) {
      case json::value_t::object:
        WriteIndicator("{", true, true, false);
        WriteIndicator("}", false, false, false);
        return;
      case json::value_t::array:
        WriteIndicator("[", true, true, false);
        WriteIndicator("]", false, false, false);
        return;
      case json::value_t::string:
        String(v.get_ref<const std::string&>(), indent, simple_key);
        return;
      default:
        Plain(ScalarText(v), indent, false);
    }
  }

  std::string ScalarText(const json& v) const {
    switch (v.type()) {
      case json::value_t::null:
        return "null";
      case json::value_t::boolean:
        return v.get<bool>() ? "true" : "false";
      case json::value_t::number_integer:
        return std::to_string(v.get<int64_t>());
      case json::value_t::number_unsigned:
        return std::to_string(v.get<uint64_t>());
      case json::value_t::number_float:
        return FloatText(v.get<double>());
      default:
        throw Error(ErrorCode::kInternal, "yaml: unexpected value type");
    }
  }

  std::string FloatText(double f) const {
    if (flavor_ == Flavor::kV3) {
      const std::string g = internal::GoFormatFloatG(f);
      return g == "+Inf" ? ".inf" : g == "-Inf" ? "-.inf" : g == "NaN" ? ".nan" : g;
    }
    if (!std::isfinite(f)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "json: unsupported value: " + internal::GoFormatFloatG(f));
    }
    // sigs.k8s.io/yaml: encoding/json text read back by go-yaml, so integral floats that
    // JSON prints without an exponent become ints again.
    const internal::Resolved r = internal::ResolvePlain(internal::GoJsonFloat(f));
    if (r.value.is_number_float()) {
      return internal::GoFormatFloatG(r.value.get<double>());
    }
    return r.value.dump();
  }

  void String(const std::string& s, int indent, bool simple_key) {
    Style style = s.find('\n') != std::string::npos ? Style::kLiteral
                  : internal::CanUsePlain(s)        ? Style::kPlain
                                                    : Style::kDouble;
    const Analysis a = Analyze(s, flavor_);
    if (style == Style::kPlain && (!a.block_plain_allowed || (s.empty() && simple_key))) {
      style = Style::kSingle;
    }
    if (style == Style::kSingle && !a.single_quoted_allowed) {
      style = Style::kDouble;
    }
    if (style == Style::kLiteral && (!a.block_allowed || simple_key)) {
      style = Style::kDouble;
    }
    const bool allow_breaks = !simple_key;
    switch (style) {
      case Style::kPlain:
        Plain(s, indent, allow_breaks);
        break;
      case Style::kSingle:
        SingleQuoted(s, indent, allow_breaks);
        break;
      case Style::kDouble:
        DoubleQuoted(s, indent, allow_breaks);
        break;
      case Style::kLiteral:
        Literal(s, indent);
        break;
    }
  }

  bool PastWidth() const { return best_width_ >= 0 && column_ > best_width_; }

  void Plain(std::string_view v, int indent, bool allow_breaks) {
    if (!whitespace_) {
      Put(' ');
    }
    bool spaces = false;
    for (size_t i = 0; i < v.size();) {
      if (IsSpaceAt(v, i)) {
        if (allow_breaks && !spaces && PastWidth() && !IsSpaceAt(v, i + 1)) {
          WriteIndent(indent);
          ++i;
        } else {
          Write(v, &i);
        }
        spaces = true;
      } else {
        Write(v, &i);
        indention_ = false;
        spaces = false;
      }
    }
    whitespace_ = false;
    indention_ = false;
  }

  void SingleQuoted(std::string_view v, int indent, bool allow_breaks) {
    WriteIndicator("'", true, false, false);
    bool spaces = false;
    bool breaks = false;
    for (size_t i = 0; i < v.size();) {
      if (IsSpaceAt(v, i)) {
        if (allow_breaks && !spaces && PastWidth() && i > 0 && i + 1 < v.size() &&
            !IsSpaceAt(v, i + 1)) {
          WriteIndent(indent);
          ++i;
        } else {
          Write(v, &i);
        }
        spaces = true;
      } else if (IsBreakAt(v, i)) {
        if (!breaks && v[i] == '\n') {
          PutBreak();
        }
        WriteBreak(v, &i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) {
          WriteIndent(indent);
        }
        if (v[i] == '\'') {
          Put('\'');
        }
        Write(v, &i);
        indention_ = false;
        spaces = breaks = false;
      }
    }
    WriteIndicator("'", false, false, false);
  }

  void DoubleQuoted(std::string_view v, int indent, bool allow_breaks) {
    WriteIndicator("\"", true, false, false);
    // go-yaml's is_bom() looks at the start of the value whatever the index, so a value
    // that starts with a BOM has every character escaped.
    const bool bom = v.starts_with("\xEF\xBB\xBF");
    bool spaces = false;
    for (size_t i = 0; i < v.size();) {
      if (bom || !IsPrintableAt(v, i) || IsBreakAt(v, i) || v[i] == '"' || v[i] == '\\') {
        Escape(v, &i);
        spaces = false;
      } else if (IsSpaceAt(v, i)) {
        if (allow_breaks && !spaces && PastWidth() && i > 0 && i + 1 < v.size()) {
          WriteIndent(indent);
          if (IsSpaceAt(v, i + 1)) {
            Put('\\');
          }
          ++i;
        } else {
          Write(v, &i);
        }
        spaces = true;
      } else {
        Write(v, &i);
        spaces = false;
      }
    }
    WriteIndicator("\"", false, false, false);
  }

  void Escape(std::string_view v, size_t* i) {
    const auto lead = static_cast<unsigned char>(v[*i]);
    const int w = std::min<int>(CharWidth(lead), static_cast<int>(v.size() - *i));
    char32_t c = w == 1 ? lead : (lead & (0xFF >> (w + 1)));
    for (int k = 1; k < w; ++k) {
      c = (c << 6) | (static_cast<unsigned char>(v[*i + k]) & 0x3F);
    }
    *i += w;
    std::string e = "\\";
    switch (c) {
      case 0x00:
        e += '0';
        break;
      case 0x07:
        e += 'a';
        break;
      case 0x08:
        e += 'b';
        break;
      case 0x09:
        e += 't';
        break;
      case 0x0A:
        e += 'n';
        break;
      case 0x0B:
        e += 'v';
        break;
      case 0x0C:
        e += 'f';
        break;
      case 0x0D:
        e += 'r';
        break;
      case 0x1B:
        e += 'e';
        break;
      case 0x22:
        e += '"';
        break;
      case 0x5C:
        e += '\\';
        break;
      case 0x85:
        e += 'N';
        break;
      case 0xA0:
        e += '_';
        break;
      case 0x2028:
        e += 'L';
        break;
      case 0x2029:
        e += 'P';
        break;
      default: {
        const int digits = c <= 0xFF ? 2 : c <= 0xFFFF ? 4 : 8;
        e += digits == 2 ? 'x' : digits == 4 ? 'u' : 'U';
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
          e += "0123456789ABCDEF"[(c >> shift) & 0xF];
        }
      }
    }
    for (char ch : e) {
      Put(ch);
    }
  }

  void Literal(std::string_view v, int indent) {
    WriteIndicator("|", true, false, false);
    if (IsSpaceAt(v, 0) || IsBreakAt(v, 0)) {
      WriteIndicator("2", false, false, false);
    }
    WriteIndicator(ChompHint(v), false, false, false);
    PutBreak();
    indention_ = whitespace_ = true;
    bool breaks = true;
    for (size_t i = 0; i < v.size();) {
      if (IsBreakAt(v, i)) {
        WriteBreak(v, &i);
        indention_ = breaks = true;
      } else {
        if (breaks) {
          WriteIndent(indent);
          breaks = false;
        }
        Write(v, &i);
        indention_ = false;
      }
    }
  }

  static std::string ChompHint(std::string_view v) {
    size_t i = v.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80) {
      --i;
    }
    if (!IsBreakAt(v, i)) {
      return "-";
    }
    if (i == 0) {
      return "+";
    }
    --i;
    while (i > 0 && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80) {
      --i;
    }
    return IsBreakAt(v, i) ? "+" : "";
  }

  // libyaml's primitive writers: column counts characters, not bytes.
  void WriteIndicator(std::string_view text, bool need_whitespace, bool is_whitespace,
                      bool is_indention) {
    if (text.empty()) {
      return;
    }
    if (need_whitespace && !whitespace_) {
      Put(' ');
    }
    for (char c : text) {
      Put(c);
    }
    whitespace_ = is_whitespace;
    indention_ = indention_ && is_indention;
  }

  void WriteIndent(int indent) {
    indent = std::max(indent, 0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) {
      PutBreak();
    }
    while (column_ < indent) {
      Put(' ');
    }
    whitespace_ = indention_ = true;
  }

  void Write(std::string_view v, size_t* i) {
    const size_t w = std::min<size_t>(CharWidth(static_cast<unsigned char>(v[*i])), v.size() - *i);
    out_.append(v.substr(*i, w));
    *i += w;
    ++column_;
  }

  void WriteBreak(std::string_view v, size_t* i) {
    if (v[*i] == '\n') {
      PutBreak();
      ++*i;
    } else {
      Write(v, i);
      column_ = 0;
    }
  }

  void Put(char c) {
    out_.push_back(c);
    ++column_;
  }

  void PutBreak() {
    out_.push_back('\n');
    column_ = 0;
  }

  const Flavor flavor_;
  const int best_width_;
  std::string out_;
  int column_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
};

// Strings Go's encoding/json writes but go-yaml's reader refuses when sigs.k8s.io/yaml reads
// the JSON back (DEL, C1 controls other than NEL, U+FFFE/U+FFFF): Marshal fails on them.
void RejectUnreadable(const json& v) {
  auto check = [](const std::string& s) {
    for (size_t i = 0; i < s.size(); ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      const auto b1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
      const auto b2 = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0;
      if (b == 0x7F || (b == 0xC2 && b1 >= 0x80 && b1 <= 0x9F && b1 != 0x85) ||
          (b == 0xEF && b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF))) {
        throw Error(ErrorCode::kInvalidArgument, "yaml: control characters are not allowed");
      }
    }
  };
  if (v.is_string()) {
    check(v.get_ref<const std::string&>());
  } else if (v.is_structured()) {
    if (v.is_object()) {
      for (const auto& entry : v.get_ref<const json::object_t&>()) {
        check(entry.first);
        RejectUnreadable(entry.second);
      }
    } else {
      for (const json& child : v) {
        RejectUnreadable(child);
      }
    }
  }
}

}  // namespace

std::string MarshalYaml(const json& value) {
  RejectUnreadable(value);
  return Emitter(Flavor::kV2).Document(value);
}

std::string MarshalYamlPretty(const json& value) { return Emitter(Flavor::kV3).Document(value); }

}  // namespace gpuext::helm
