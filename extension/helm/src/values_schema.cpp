// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// JSON Schema validation with the error tree and texts of santhosh-tekuri/jsonschema v6, the
// validator Helm v4 uses (see values_schema.h). Each schema object yields no error, one
// error, or a "validation failed" group of the errors of its keywords; `$ref` wraps what the
// referenced schema reports (shown only when it holds more than one error).
#include "gpuext/helm/values_schema.h"

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "gpuext/error.h"
#include "gpuext/helm/go_format.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 256;

struct VErr {
  enum class Kind { kPlain, kGroup, kRef };
  std::vector<std::string> loc;
  std::string msg;
  Kind kind = Kind::kPlain;
  std::vector<VErr> causes = {};
};

// v6's quote: Go's %q, with `"` left alone and `'` escaped, in single quotes.
std::string Quote(const std::string& s) {
  const json args[] = {s};
  std::string q = GoSprintf("%q", args);
  q = q.substr(1, q.size() - 2);
  std::string out = "'";
  for (size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '\\' && i + 1 < q.size() && q[i + 1] == '"') {
      out += '"';
      ++i;
    } else if (q[i] == '\\' && i + 1 < q.size()) {
      out += q.substr(i, 2);
      ++i;
    } else if (q[i] == '\'') {
      out += "\\'";
    } else {
      out += q[i];
    }
  }
  return out + "'";
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    out += (out.empty() ? "" : ", ") + Quote(n);
  }
  return out;
}

// fmt's %v of a float64 through x/text's English printer: thousands grouped, exponents as
// "×10⁰⁷".
std::string LocalizedNumber(double d) {
  std::string s = FormatGoFloat(d);
  const size_t e = s.find('e');
  if (e != std::string::npos) {
    static const char* const kSuper[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string exp = "×10";
    for (size_t i = e + 1; i < s.size(); ++i) {
      if (s[i] == '-') {
        exp += "⁻";
      } else if (s[i] >= '0' && s[i] <= '9') {
        exp += kSuper[s[i] - '0'];
      }
    }
    return s.substr(0, e) + exp;
  }
  const size_t start = s[0] == '-' ? 1 : 0;
  size_t end = s.find('.');
  if (end == std::string::npos) {
    end = s.size();
  }
  for (size_t i = end; i > start + 3; i -= 3) {
    s.insert(i - 3, ",");
  }
  return s;
}

std::string Display(const json& v) {
  if (v.is_string()) {
    return Quote(v.get<std::string>());
  }
  if (v.is_number_float()) {
    return FormatGoFloat(v.get<double>());
  }
  if (v.is_null()) {
    return "<nil>";
  }
  if (v.is_structured()) {
    return "value";
  }
  return v.dump();
}

std::string TypeOf(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "number";
  }
}

bool IsInteger(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return true;
  }
  return v.is_number_float() && std::isfinite(v.get<double>()) &&
         std::floor(v.get<double>()) == v.get<double>();
}

bool TypeMatches(const std::string& want, const json& v) {
  if (want == "integer") {
    return IsInteger(v);
  }
  return want == TypeOf(v);
}

size_t CountRunes(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    n += (c & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

std::string Escape(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Pointer(const std::vector<std::string>& loc) {
  std::string out;
  for (const std::string& t : loc) {
    out += "/" + Escape(t);
  }
  return out;
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {
    const std::string dialect = root.is_object() ? root.value("$schema", "") : "";
    legacy_ref_ = dialect.find("draft-04") != std::string::npos ||
                  dialect.find("draft-06") != std::string::npos ||
                  dialect.find("draft-07") != std::string::npos;
  }

  std::optional<VErr> Validate(const json& s, const json& v, std::vector<std::string>& loc,
                               int depth = 0) {
    if (depth > kMaxDepth) {
      throw Error(ErrorCode::kConfigurationProblem,
                  "values.schema.json: $ref cycle or schema nested too deeply");
    }
    if (s.is_boolean()) {
      if (s.get<bool>()) {
        return std::nullopt;
      }
      return Err(loc, "false schema");
    }
    if (!s.is_object()) {
      return std::nullopt;
    }
    if (auto t = s.find("type"); t != s.end()) {
      std::vector<std::string> want;
      if (t->is_string()) {
        want.push_back(t->get<std::string>());
      } else if (t->is_array()) {
        for (const json& x : *t) {
          if (x.is_string()) {
            want.push_back(x.get<std::string>());
          }
        }
      }
      bool matched = want.empty();
      for (const std::string& w : want) {
        matched = matched || TypeMatches(w, v);
      }
      if (!matched) {
        static const char* const kOrder[] = {"null",   "boolean", "number", "integer",
                                             "string", "array",   "object"};
        std::string list;
        for (const char* o : kOrder) {
          for (const std::string& w : want) {
            if (w == o) {
              list += (list.empty() ? "" : " or ") + w;
              break;
            }
          }
        }
        return Err(loc, "got " + TypeOf(v) + ", want " + list);
      }
    }
    if (auto c = s.find("const"); c != s.end() && !(*c == v)) {
      return Err(loc, c->is_structured() ? "const failed" : "value must be " + Display(*c));
    }
    if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
      bool matched = false;
      bool primitive = true;
      for (const json& x : *e) {
        matched = matched || x == v;
        primitive = primitive && !x.is_structured();
      }
      if (!matched) {
        if (!primitive) {
          return Err(loc, "enum failed");
        }
        if (e->size() == 1) {
          return Err(loc, "value must be " + Display((*e)[0]));
        }
        std::string list;
        for (const json& x : *e) {
          list += (list.empty() ? "" : ", ") + Display(x);
        }
        return Err(loc, "value must be one of " + list);
      }
    }
    std::vector<VErr> errors;
    if (auto r = s.find("$ref"); r != s.end() && r->is_string()) {
      std::optional<VErr> err = ValidateRef(r->get<std::string>(), v, loc, depth);
      if (legacy_ref_) {
        return err;
      }
      if (err) {
        errors.push_back(std::move(*err));
      }
    }
    if (v.is_object()) {
      ObjectKeywords(s, v, loc, depth, &errors);
    } else if (v.is_array()) {
      ArrayKeywords(s, v, loc, depth, &errors);
    } else if (v.is_string()) {
      StringKeywords(s, v.get<std::string>(), loc, &errors);
    } else if (v.is_number()) {
      NumberKeywords(s, v.get<double>(), loc, &errors);
    }
    Conditionals(s, v, loc, depth, &errors);
    if (errors.empty()) {
      return std::nullopt;
    }
    if (errors.size() == 1) {
      return std::move(errors[0]);
    }
    VErr group = Err(loc, "validation failed");
    group.kind = VErr::Kind::kGroup;
    group.causes = std::move(errors);
    return group;
  }

 private:
  static VErr Err(const std::vector<std::string>& loc, std::string msg) {
    return VErr{.loc = loc, .msg = std::move(msg)};
  }

  static VErr WithCauses(const std::vector<std::string>& loc, std::string msg,
                         std::vector<VErr> causes) {
    VErr e = Err(loc, std::move(msg));
    e.causes = std::move(causes);
    return e;
  }

  std::optional<VErr> Sub(const json& s, const json& v, std::vector<std::string>& loc,
                          const std::string& token, int depth) {
    loc.push_back(token);
    std::optional<VErr> err = Validate(s, v, loc, depth + 1);
    loc.pop_back();
    return err;
  }

  const json& Resolve(const std::string& ref) {
    if (ref.empty() || ref[0] != '#') {
      throw Error(ErrorCode::kConfigurationProblem,
                  "values.schema.json: only local $ref is supported, got " + ref);
    }
    if (ref == "#") {
      return root_;
    }
    try {
      return root_.at(json::json_pointer(ref.substr(1)));
    } catch (const json::exception&) {
      throw Error(ErrorCode::kConfigurationProblem,
                  "values.schema.json: cannot resolve $ref " + Quote(ref));
    }
  }

  std::optional<VErr> ValidateRef(const std::string& ref, const json& v,
                                  std::vector<std::string>& loc, int depth) {
    std::optional<VErr> err = Validate(Resolve(ref), v, loc, depth + 1);
    if (!err) {
      return std::nullopt;
    }
    VErr wrap = Err(loc, "validation failed");
    wrap.kind = VErr::Kind::kRef;
    if (err->kind == VErr::Kind::kGroup) {
      wrap.causes = std::move(err->causes);
    } else {
      wrap.causes.push_back(std::move(*err));
    }
    return wrap;
  }

  const RE2& Regex(const std::string& pattern) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) {
      auto re = std::make_unique<RE2>(pattern, RE2::Quiet);
      if (!re->ok()) {
        throw Error(ErrorCode::kConfigurationProblem,
                    "values.schema.json: invalid pattern " + Quote(pattern) + ": " + re->error());
      }
      it = regexes_.emplace(pattern, std::move(re)).first;
    }
    return *it->second;
  }

  static std::optional<size_t> Count(const json& s, const char* key) {
    auto it = s.find(key);
    if (it == s.end() || !it->is_number()) {
      return std::nullopt;
    }
    return static_cast<size_t>(it->get<double>());
  }

  static std::vector<std::string> Missing(const json& obj, const json& names) {
    std::vector<std::string> missing;
    if (names.is_array()) {
      for (const json& n : names) {
        if (n.is_string() && !obj.contains(n.get<std::string>())) {
          missing.push_back(n.get<std::string>());
        }
      }
    }
    return missing;
  }

  void ObjectKeywords(const json& s, const json& v, std::vector<std::string>& loc, int depth,
                      std::vector<VErr>* errors) {
    if (auto n = Count(s, "minProperties"); n && v.size() < *n) {
      errors->push_back(Err(
          loc, "minProperties: got " + std::to_string(v.size()) + ", want " + std::to_string(*n)));
    }
    if (auto n = Count(s, "maxProperties"); n && v.size() > *n) {
      errors->push_back(Err(
          loc, "maxProperties: got " + std::to_string(v.size()) + ", want " + std::to_string(*n)));
    }
    if (auto r = s.find("required"); r != s.end()) {
      std::vector<std::string> missing = Missing(v, *r);
      if (missing.size() == 1) {
        errors->push_back(Err(loc, "missing property " + Quote(missing[0])));
      } else if (!missing.empty()) {
        errors->push_back(Err(loc, "missing properties " + JoinQuoted(missing)));
      }
    }
    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const json* patterns = s.contains("patternProperties") ? &s["patternProperties"] : nullptr;
    const json* additional =
        s.contains("additionalProperties") ? &s["additionalProperties"] : nullptr;
    std::vector<std::string> not_allowed;
    for (const auto& [name, value] : v.items()) {
      bool evaluated = false;
      if (props != nullptr && props->is_object() && props->contains(name)) {
        evaluated = true;
        if (auto e = Sub((*props)[name], value, loc, name, depth)) {
          errors->push_back(std::move(*e));
        }
      }
      if (patterns != nullptr && patterns->is_object()) {
        for (const auto& [pattern, sub] : patterns->items()) {
          if (RE2::PartialMatch(name, Regex(pattern))) {
            evaluated = true;
            if (auto e = Sub(sub, value, loc, name, depth)) {
              errors->push_back(std::move(*e));
            }
          }
        }
      }
      if (!evaluated && additional != nullptr) {
        if (additional->is_boolean()) {
          if (!additional->get<bool>()) {
            not_allowed.push_back(name);
          }
        } else if (auto e = Sub(*additional, value, loc, name, depth)) {
          errors->push_back(std::move(*e));
        }
      }
    }
    if (!not_allowed.empty()) {
      errors->push_back(
          Err(loc, "additional properties " + JoinQuoted(not_allowed) + " not allowed"));
    }
    if (auto names = s.find("propertyNames"); names != s.end()) {
      for (const auto& [name, value] : v.items()) {
        // v6 validates the name as a document of its own: locations are ''.
        std::vector<std::string> root;
        if (auto e = Validate(*names, json(name), root, depth + 1)) {
          VErr wrap = Err(root, "invalid propertyName " + Quote(name));
          if (e->kind == VErr::Kind::kGroup) {
            wrap.causes = std::move(e->causes);
          } else {
            wrap.causes.push_back(std::move(*e));
          }
          errors->push_back(std::move(wrap));
        }
      }
    }
    if (auto dep = s.find("dependentRequired"); dep != s.end() && dep->is_object()) {
      for (const auto& [name, reqd] : dep->items()) {
        if (v.contains(name)) {
          std::vector<std::string> missing = Missing(v, reqd);
          if (!missing.empty()) {
            errors->push_back(Err(loc, "properties " + JoinQuoted(missing) + " required, if " +
                                           Quote(name) + " exists"));
          }
        }
      }
    }
  }

  void ArrayKeywords(const json& s, const json& v, std::vector<std::string>& loc, int depth,
                     std::vector<VErr>* errors) {
    if (auto n = Count(s, "minItems"); n && v.size() < *n) {
      errors->push_back(
          Err(loc, "minItems: got " + std::to_string(v.size()) + ", want " + std::to_string(*n)));
    }
    if (auto n = Count(s, "maxItems"); n && v.size() > *n) {
      errors->push_back(
          Err(loc, "maxItems: got " + std::to_string(v.size()) + ", want " + std::to_string(*n)));
    }
    if (s.value("uniqueItems", false)) {
      bool found = false;
      for (size_t i = 0; i < v.size() && !found; ++i) {
        for (size_t j = i + 1; j < v.size() && !found; ++j) {
          if (v[i] == v[j]) {
            errors->push_back(Err(
                loc, "items at " + std::to_string(i) + " and " + std::to_string(j) + " are equal"));
            found = true;
          }
        }
      }
    }
    size_t evaluated = 0;
    if (auto prefix = s.find("prefixItems"); prefix != s.end() && prefix->is_array()) {
      for (; evaluated < v.size() && evaluated < prefix->size(); ++evaluated) {
        if (auto e =
                Sub((*prefix)[evaluated], v[evaluated], loc, std::to_string(evaluated), depth)) {
          errors->push_back(std::move(*e));
        }
      }
    }
    if (auto items = s.find("items"); items != s.end()) {
      if (items->is_array()) {  // draft-7 tuple form
        for (; evaluated < v.size() && evaluated < items->size(); ++evaluated) {
          if (auto e =
                  Sub((*items)[evaluated], v[evaluated], loc, std::to_string(evaluated), depth)) {
            errors->push_back(std::move(*e));
          }
        }
        if (auto extra = s.find("additionalItems"); extra != s.end()) {
          if (extra->is_boolean() && !extra->get<bool>() && evaluated != v.size()) {
            errors->push_back(Err(loc, "last " + std::to_string(v.size() - evaluated) +
                                           " additionalItem(s) not allowed"));
          } else if (extra->is_object()) {
            for (size_t i = evaluated; i < v.size(); ++i) {
              if (auto e = Sub(*extra, v[i], loc, std::to_string(i - evaluated), depth)) {
                errors->push_back(std::move(*e));
              }
            }
          }
        }
      } else {
        for (size_t i = evaluated; i < v.size(); ++i) {
          if (auto e = Sub(*items, v[i], loc, std::to_string(i - evaluated), depth)) {
            errors->push_back(std::move(*e));
          }
        }
      }
    }
    if (auto contains = s.find("contains"); contains != s.end()) {
      std::vector<VErr> failed;
      size_t matched = 0;
      for (size_t i = 0; i < v.size(); ++i) {
        if (auto e = Sub(*contains, v[i], loc, std::to_string(i), depth)) {
          failed.push_back(std::move(*e));
        } else {
          ++matched;
        }
      }
      if (matched == 0 && !s.contains("minContains")) {
        errors->push_back(WithCauses(loc, "no items match contains schema", std::move(failed)));
      }
    }
  }

  void StringKeywords(const json& s, const std::string& str, std::vector<std::string>& loc,
                      std::vector<VErr>* errors) {
    const size_t len = CountRunes(str);
    if (auto n = Count(s, "minLength"); n && len < *n) {
      errors->push_back(
          Err(loc, "minLength: got " + std::to_string(len) + ", want " + std::to_string(*n)));
    }
    if (auto n = Count(s, "maxLength"); n && len > *n) {
      errors->push_back(
          Err(loc, "maxLength: got " + std::to_string(len) + ", want " + std::to_string(*n)));
    }
    if (auto p = s.find("pattern"); p != s.end() && p->is_string()) {
      if (!RE2::PartialMatch(str, Regex(p->get<std::string>()))) {
        errors->push_back(
            Err(loc, Quote(str) + " does not match pattern " + Quote(p->get<std::string>())));
      }
    }
  }

  void NumberKeywords(const json& s, double n, std::vector<std::string>& loc,
                      std::vector<VErr>* errors) {
    auto bound = [&](const char* key, bool failed_if_less, bool exclusive) {
      auto it = s.find(key);
      if (it == s.end() || !it->is_number()) {
        return;
      }
      const double want = it->get<double>();
      const bool failed =
          failed_if_less ? (exclusive ? n <= want : n < want) : (exclusive ? n >= want : n > want);
      if (failed) {
        errors->push_back(Err(loc, std::string(key) + ": got " + LocalizedNumber(n) + ", want " +
                                       LocalizedNumber(want)));
      }
    };
    bound("minimum", true, false);
    bound("maximum", false, false);
    bound("exclusiveMinimum", true, true);
    bound("exclusiveMaximum", false, true);
    if (auto m = s.find("multipleOf"); m != s.end() && m->is_number() && m->get<double>() > 0) {
      const double q = n / m->get<double>();
      if (std::fabs(q - std::round(q)) > 1e-9 * std::max(1.0, std::fabs(q))) {
        errors->push_back(Err(loc, "multipleOf: got " + LocalizedNumber(n) + ", want " +
                                       LocalizedNumber(m->get<double>())));
      }
    }
  }

  void Conditionals(const json& s, const json& v, std::vector<std::string>& loc, int depth,
                    std::vector<VErr>* errors) {
    if (auto n = s.find("not"); n != s.end() && !Validate(*n, v, loc, depth + 1)) {
      errors->push_back(Err(loc, "'not' failed"));
    }
    if (auto all = s.find("allOf"); all != s.end() && all->is_array()) {
      std::vector<VErr> failed;
      for (const json& sub : *all) {
        if (auto e = Validate(sub, v, loc, depth + 1)) {
          failed.push_back(std::move(*e));
        }
      }
      if (!failed.empty()) {
        errors->push_back(WithCauses(loc, "'allOf' failed", std::move(failed)));
      }
    }
    if (auto any = s.find("anyOf"); any != s.end() && any->is_array()) {
      std::vector<VErr> failed;
      bool matched = false;
      for (const json& sub : *any) {
        if (auto e = Validate(sub, v, loc, depth + 1)) {
          failed.push_back(std::move(*e));
        } else {
          matched = true;
          break;
        }
      }
      if (!matched) {
        errors->push_back(WithCauses(loc, "'anyOf' failed", std::move(failed)));
      }
    }
    if (auto one = s.find("oneOf"); one != s.end() && one->is_array()) {
      std::vector<VErr> failed;
      int matched = -1;
      for (size_t i = 0; i < one->size(); ++i) {
        if (auto e = Validate((*one)[i], v, loc, depth + 1)) {
          if (matched == -1) {
            failed.push_back(std::move(*e));
          }
        } else if (matched == -1) {
          matched = static_cast<int>(i);
        } else {
          errors->push_back(Err(loc, "'oneOf' failed, subschemas " + std::to_string(matched) +
                                         ", " + std::to_string(i) + " matched"));
          break;
        }
      }
      if (matched == -1) {
        errors->push_back(WithCauses(loc, "'oneOf' failed, none matched", std::move(failed)));
      }
    }
    if (auto cond = s.find("if"); cond != s.end()) {
      const char* branch = Validate(*cond, v, loc, depth + 1) ? "else" : "then";
      if (auto b = s.find(branch); b != s.end()) {
        if (auto e = Validate(*b, v, loc, depth + 1)) {
          errors->push_back(std::move(*e));
        }
      }
    }
  }

  const json& root_;
  bool legacy_ref_ = false;
  std::map<std::string, std::unique_ptr<RE2>, std::less<>> regexes_;
};

void Display(const VErr& e, int indent, std::string* out) {
  const bool skip = e.kind == VErr::Kind::kRef && e.causes.size() == 1;
  if (!skip) {
    if (indent > 0) {
      *out += '\n';
      for (int i = 0; i < indent - 1; ++i) {
        *out += "  ";
      }
      *out += "- ";
    }
    ++indent;
    *out += "at " + Quote(Pointer(e.loc)) + ": " + e.msg;
  }
  for (const VErr& c : e.causes) {
    Display(c, indent, out);
  }
}

}  // namespace

std::string SchemaErrors(const json& schema, const json& values) {
  Validator validator(schema);
  std::vector<std::string> loc;
  std::optional<VErr> err = validator.Validate(schema, values, loc);
  if (!err) {
    return "";
  }
  std::vector<VErr> causes;
  if (err->kind == VErr::Kind::kGroup) {
    causes = std::move(err->causes);
  } else {
    causes.push_back(std::move(*err));
  }
  std::string out;
  for (const VErr& c : causes) {
    Display(c, 1, &out);
  }
  // v6 starts with the "jsonschema validation failed with ..." line Helm cuts off.
  return out.substr(1) + "\n";
}

namespace {

void Collect(const Chart& chart, const json& values, std::string* out) {
  if (chart.schema.has_value()) {
    std::string errors = SchemaErrors(*chart.schema, values);
    if (!errors.empty()) {
      *out += chart.Name() + ":\n" + errors;
    }
  }
  for (const Chart& sub : chart.subcharts) {
    auto it = values.is_object() ? values.find(sub.Name()) : values.end();
    if (!values.is_object() || it == values.end() || it->is_null()) {
      continue;
    }
    if (!it->is_object()) {
      *out += sub.Name() + ":\ninvalid type for values: expected object (map), got " +
              GoTypeName(*it) + "\n";
      continue;
    }
    Collect(sub, *it, out);
  }
}

}  // namespace

void ValidateValuesAgainstSchemas(const Chart& chart, const json& values) {
  std::string errors;
  Collect(chart, values, &errors);
  if (!errors.empty()) {
    throw Error(ErrorCode::kConfigurationProblem,
                "values don't meet the specifications of the schema(s) in the following "
                "chart(s):\n" +
                    errors);
  }
}

}  // namespace gpuext::helm
