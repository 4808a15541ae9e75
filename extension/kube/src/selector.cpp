// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/selector.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/error.h"
#include "gpuext/field_errors.h"

namespace gpuext::kube {
namespace {

using nlohmann::json;
using Op = LabelRequirement::Operator;

// ---------------------------------------------------------------------------------------------
// Label key and value validation (k8s.io/apimachinery/pkg/api/validate/content). The texts are
// Kubernetes' own so that users can search for them.

constexpr size_t kLabelMaxLength = 63;
constexpr size_t kDns1123SubdomainMaxLength = 253;
constexpr std::string_view kLabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kLabelKeyErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDns1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Matches ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$.
bool MatchesLabelName(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// Matches one DNS-1123 label, ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$.
bool MatchesDns1123Label(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// Matches the DNS-1123 subdomain regex: labels joined by single dots.
bool MatchesDns1123Subdomain(std::string_view s) {
  while (true) {
    const size_t dot = s.find('.');
    if (!MatchesDns1123Label(s.substr(0, dot))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    s.remove_prefix(dot + 1);
  }
}

// Kubernetes' RegexError: the message, examples, and the regex itself.
std::string RegexError(std::string_view msg, std::string_view re,
                       const std::vector<std::string_view>& examples) {
  std::string out(msg);
  out += " (e.g. ";
  for (size_t i = 0; i < examples.size(); ++i) {
    out += fmt::format("{}'{}', ", i > 0 ? " or " : "", examples[i]);
  }
  return out + fmt::format("regex used for validation is '{}')", re);
}

std::string MaxLenError(size_t length) {
  return fmt::format("must be no more than {} bytes", length);
}

std::string JoinErrors(const std::vector<std::string>& errs) {
  std::string out;
  for (const std::string& e : errs) {
    out += (out.empty() ? "" : "; ") + e;
  }
  return out;
}

std::vector<std::string> LabelKeyErrors(std::string_view key) {
  std::vector<std::string> errs;
  std::string_view name = key;
  const size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    if (key.find('/', slash + 1) != std::string_view::npos) {
      return {"a valid label key " +
              RegexError(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}) +
              " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"};
    }
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part must be non-empty");
    } else {
      if (prefix.size() > kDns1123SubdomainMaxLength) {
        errs.push_back("prefix part " + MaxLenError(kDns1123SubdomainMaxLength));
      }
      if (!MatchesDns1123Subdomain(prefix)) {
        errs.push_back("prefix part " +
                       RegexError(kDns1123SubdomainErrMsg, kDns1123SubdomainFmt, {"example.com"}));
      }
    }
  }
  if (name.empty()) {
    errs.push_back("name part must be non-empty");
  } else if (name.size() > kLabelMaxLength) {
    errs.push_back("name part " + MaxLenError(kLabelMaxLength));
  }
  if (!MatchesLabelName(name)) {
    errs.push_back("name part " +
                   RegexError(kLabelKeyErrMsg, kLabelKeyFmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

std::vector<std::string> LabelValueErrors(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelMaxLength) {
    errs.push_back(MaxLenError(kLabelMaxLength));
  }
  if (!value.empty() && !MatchesLabelName(value)) {
    errs.push_back(RegexError(kLabelValueErrMsg, fmt::format("({})?", kLabelKeyFmt),
                              {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// The label selector lexer and parser, a port of k8s.io/apimachinery/pkg/labels/selector.go.
// Its quirks are kept on purpose (values "in"/"notin", `x in ()` meaning {""}, a NUL byte read
// as the end of a token), so a selector means here what it means to the API server.

enum class Token {
  kError,
  kEndOfString,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

std::optional<Token> LiteralToken(std::string_view s) {
  static constexpr std::pair<std::string_view, Token> kLiterals[] = {
      {")", Token::kClosedPar},     {",", Token::kComma},    {"!", Token::kDoesNotExist},
      {"==", Token::kDoubleEquals}, {"=", Token::kEquals},   {">", Token::kGreaterThan},
      {"in", Token::kIn},           {"<", Token::kLessThan}, {"!=", Token::kNotEquals},
      {"notin", Token::kNotIn},     {"(", Token::kOpenPar},
  };
  for (const auto& [literal, token] : kLiterals) {
    if (literal == s) {
      return token;
    }
  }
  return std::nullopt;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecialSymbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

struct ScannedItem {
  Token token = Token::kError;
  std::string_view literal;  // points into the selector text
  size_t position = 0;       // byte offset of the token in the selector text
};

// Splits a selector into tokens. Confined to one thread; borrows `text`.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  ScannedItem Lex() {
    char c = Read();
    while (IsWhitespace(c)) {
      c = Read();
    }
    if (c == '\0') {
      return {Token::kEndOfString, {}, pos_};
    }
    Unread();
    return IsSpecialSymbol(c) ? ScanSpecialSymbol() : ScanIdOrKeyword();
  }

 private:
  // Like Go's lexer: '\0' stands for the end, and a NUL byte in the text reads as one.
  char Read() { return pos_ < text_.size() ? text_[pos_++] : '\0'; }
  void Unread() { --pos_; }

  ScannedItem ScanIdOrKeyword() {
    const size_t start = pos_;
    size_t end = start;
    while (true) {
      const char c = Read();
      if (c == '\0') {
        break;
      }
      if (IsSpecialSymbol(c) || IsWhitespace(c)) {
        Unread();
        break;
      }
      end = pos_;
    }
    const std::string_view literal = text_.substr(start, end - start);
    return {LiteralToken(literal).value_or(Token::kIdentifier), literal, start};
  }

  // Longest match among the operator literals ("!=" rather than "!").
  ScannedItem ScanSpecialSymbol() {
    const size_t start = pos_;
    ScannedItem last{Token::kError, {}, start};
    while (true) {
      const char c = Read();
      if (c == '\0') {
        break;
      }
      if (!IsSpecialSymbol(c)) {
        Unread();
        break;
      }
      const std::string_view buffer = text_.substr(start, pos_ - start);
      if (const std::optional<Token> token = LiteralToken(buffer)) {
        last = {*token, buffer, start};
      } else if (last.token != Token::kError) {
        Unread();
        break;
      }
    }
    return last;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Parses one label selector. Confined to one thread; borrows `text`.
class LabelParser {
 public:
  explicit LabelParser(std::string_view text) : text_(text) {
    Lexer lexer(text);
    do {
      items_.push_back(lexer.Lex());
    } while (items_.back().token != Token::kEndOfString);
  }

  std::vector<LabelRequirement> Parse() {
    std::vector<LabelRequirement> requirements;
    while (true) {
      const ScannedItem item = Lookahead(Context::kValues);
      if (item.token == Token::kEndOfString) {
        return requirements;
      }
      if (item.token != Token::kIdentifier && item.token != Token::kDoesNotExist) {
        Fail(item, "found '{}', expected: !, identifier, or 'end of string'");
      }
      requirements.push_back(ParseRequirement());
      const ScannedItem next = Consume(Context::kValues);
      if (next.token == Token::kEndOfString) {
        return requirements;
      }
      if (next.token != Token::kComma) {
        Fail(next, "found '{}', expected: ',' or 'end of string'");
      }
      const ScannedItem after = Lookahead(Context::kValues);
      if (after.token != Token::kIdentifier && after.token != Token::kDoesNotExist) {
        Fail(after, "found '{}', expected: identifier after ','");
      }
    }
  }

 private:
  // "in" and "notin" are operators after a key but plain identifiers where a key or a value is
  // expected, so `in in (in, notin)` is a valid selector.
  enum class Context { kKeyAndOperator, kValues };

  [[noreturn]] void Fail(size_t position, std::string_view message) const {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("invalid label selector {:?} at position {}: {}", text_, position, message));
  }

  // `format` has one {} for the literal of `item`.
  [[noreturn]] void Fail(const ScannedItem& item, fmt::format_string<std::string_view> format,
                         std::string_view prefix = {}) const {
    Fail(item.position,
         fmt::format("{}{}", prefix, fmt::format(format, std::string_view(item.literal))));
  }

  // Errors inside one requirement read "unable to parse requirement: ..." as in Kubernetes.
  [[noreturn]] void FailRequirement(const ScannedItem& item,
                                    fmt::format_string<std::string_view> format) const {
    Fail(item, format, "unable to parse requirement: ");
  }

  ScannedItem Lookahead(Context context) const { return Adjust(Current(), context); }

  ScannedItem Consume(Context context) {
    const ScannedItem item = Adjust(Current(), context);
    ++position_;
    return item;
  }

  // Every path stops at the first kEndOfString consumed; the clamp makes that a non-issue.
  const ScannedItem& Current() const { return items_[std::min(position_, items_.size() - 1)]; }

  static ScannedItem Adjust(ScannedItem item, Context context) {
    if (context == Context::kValues && (item.token == Token::kIn || item.token == Token::kNotIn)) {
      item.token = Token::kIdentifier;
    }
    return item;
  }

  LabelRequirement ParseRequirement() {
    const ScannedItem start = Lookahead(Context::kValues);
    LabelRequirement requirement;
    std::optional<Op> unary = ParseKeyAndInferOperator(requirement.key);
    if (unary.has_value()) {
      requirement.op = *unary;
      return requirement;
    }
    requirement.op = ParseOperator();
    std::set<std::string> values = (requirement.op == Op::kIn || requirement.op == Op::kNotIn)
                                       ? ParseValues()
                                       : ParseExactValue();
    requirement.values.assign(values.begin(), values.end());
    ValidateValues(start, requirement);
    return requirement;
  }

  // Reads `[!]key`. Returns kExists/kDoesNotExist when nothing but ',' or the end follows (a
  // `!key` followed by more is left for Parse to reject), else nullopt: a binary operator follows.
  std::optional<Op> ParseKeyAndInferOperator(std::string& key) {
    std::optional<Op> op;
    ScannedItem item = Consume(Context::kValues);
    if (item.token == Token::kDoesNotExist) {
      op = Op::kDoesNotExist;
      item = Consume(Context::kValues);
    }
    if (item.token != Token::kIdentifier) {
      FailRequirement(item, "found '{}', expected: identifier");
    }
    if (std::string errs = ValidateLabelKey(item.literal); !errs.empty()) {
      Fail(item.position,
           "unable to parse requirement: " +
               FieldError::Invalid("key", std::string(item.literal), errs).ToString());
    }
    key = item.literal;
    const Token next = Lookahead(Context::kValues).token;
    if (!op.has_value() && (next == Token::kEndOfString || next == Token::kComma)) {
      op = Op::kExists;
    }
    return op;
  }

  Op ParseOperator() {
    const ScannedItem item = Consume(Context::kKeyAndOperator);
    switch (item.token) {
      case Token::kIn:
        return Op::kIn;
      case Token::kNotIn:
        return Op::kNotIn;
      case Token::kEquals:
      case Token::kDoubleEquals:
        return Op::kEquals;
      case Token::kNotEquals:
        return Op::kNotEquals;
      case Token::kGreaterThan:
      case Token::kLessThan:
        // LabelRequirement has no Gt/Lt (Kubernetes accepts them; see the header).
        FailRequirement(item, "operator '{}' (gt, lt) is not supported");
      default:
        FailRequirement(item, "found '{}', expected: in, notin, =, ==, !=");
    }
  }

  std::set<std::string> ParseValues() {
    const ScannedItem open = Consume(Context::kValues);
    if (open.token != Token::kOpenPar) {
      FailRequirement(open, "found '{}' expected: '('");
    }
    const ScannedItem first = Lookahead(Context::kValues);
    if (first.token == Token::kClosedPar) {  // "()" is the set {""}
      Consume(Context::kValues);
      return {""};
    }
    if (first.token != Token::kIdentifier && first.token != Token::kComma) {
      FailRequirement(first, "found '{}', expected: ',', ')' or identifier");
    }
    std::set<std::string> values = ParseIdentifiersList();
    const ScannedItem close = Consume(Context::kValues);
    if (close.token != Token::kClosedPar) {
      FailRequirement(close, "found '{}', expected: ')'");
    }
    return values;
  }

  // A comma-separated list of possibly empty values; leaves the closing ')' unconsumed.
  std::set<std::string> ParseIdentifiersList() {
    std::set<std::string> values;
    while (true) {
      const ScannedItem item = Consume(Context::kValues);
      if (item.token == Token::kIdentifier) {
        values.emplace(item.literal);
        const ScannedItem next = Lookahead(Context::kValues);
        if (next.token == Token::kClosedPar) {
          return values;
        }
        if (next.token != Token::kComma) {
          FailRequirement(next, "found '{}', expected: ',' or ')'");
        }
        continue;
      }
      if (item.token != Token::kComma) {
        FailRequirement(item, "found '{}', expected: ',', or identifier");
      }
      // An empty value: "(,a)", "(a,)" or "(a,,b)".
      if (values.empty()) {
        values.emplace();
      }
      const Token next = Lookahead(Context::kValues).token;
      if (next == Token::kClosedPar) {
        values.emplace();
        return values;
      }
      if (next == Token::kComma) {
        Consume(Context::kValues);
        values.emplace();
      }
    }
  }

  // The one value after =, == or !=; empty when ',' or the end follows.
  std::set<std::string> ParseExactValue() {
    const Token next = Lookahead(Context::kValues).token;
    if (next == Token::kEndOfString || next == Token::kComma) {
      return {""};
    }
    const ScannedItem item = Consume(Context::kValues);
    if (item.token != Token::kIdentifier) {
      FailRequirement(item, "found '{}', expected: identifier");
    }
    return {std::string(item.literal)};
  }

  // Kubernetes validates the values once the set is built, so indices follow sorted order.
  void ValidateValues(const ScannedItem& start, const LabelRequirement& requirement) const {
    FieldErrorList errs;
    for (size_t i = 0; i < requirement.values.size(); ++i) {
      const std::string& value = requirement.values[i];
      if (std::string problem = ValidateLabelValue(value); !problem.empty()) {
        errs.push_back(FieldError::Invalid(fmt::format("values[{}][{}]", i, requirement.key), value,
                                           std::move(problem)));
      }
    }
    if (!errs.empty()) {
      Fail(start.position, "unable to parse requirement: " + ToAggregateMessage(errs));
    }
  }

  std::string_view text_;
  std::vector<ScannedItem> items_;  // ends with kEndOfString
  size_t position_ = 0;
};

void SortByKey(std::vector<LabelRequirement>& requirements) {
  std::stable_sort(
      requirements.begin(), requirements.end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
}

// ---------------------------------------------------------------------------------------------
// The JSON form (metav1.LabelSelector).

std::string TypeName(const json& value) { return value.type_name(); }

void AddMatchLabels(const json& match_labels, std::vector<LabelRequirement>& out,
                    FieldErrorList& errs) {
  if (!match_labels.is_object()) {
    errs.push_back(FieldError::TypeInvalid("matchLabels", TypeName(match_labels),
                                           "must be an object of strings"));
    return;
  }
  for (const auto& [key, value] : match_labels.items()) {
    if (std::string problem = ValidateLabelKey(key); !problem.empty()) {
      errs.push_back(FieldError::Invalid("matchLabels", key, std::move(problem)));
    }
    if (!value.is_string()) {
      errs.push_back(FieldError::TypeInvalid(fmt::format("matchLabels[{}]", key), TypeName(value),
                                             "must be a string"));
      continue;
    }
    if (std::string problem = ValidateLabelValue(value.get<std::string>()); !problem.empty()) {
      errs.push_back(FieldError::Invalid(fmt::format("matchLabels[{}]", key),
                                         value.get<std::string>(), std::move(problem)));
    }
    out.push_back({key, Op::kEquals, {value.get<std::string>()}});
  }
}

std::optional<Op> ParseJsonOperator(const json& expression, const std::string& path,
                                    FieldErrorList& errs) {
  const auto it = expression.find("operator");
  if (it == expression.end() || it->is_null()) {
    errs.push_back(FieldError::Required(path + ".operator"));
    return std::nullopt;
  }
  const std::string name = it->is_string() ? it->get<std::string>() : it->dump();
  static constexpr std::pair<std::string_view, Op> kOperators[] = {
      {"In", Op::kIn},
      {"NotIn", Op::kNotIn},
      {"Exists", Op::kExists},
      {"DoesNotExist", Op::kDoesNotExist}};
  for (const auto& [text, op] : kOperators) {
    if (it->is_string() && name == text) {
      return op;
    }
  }
  errs.push_back(FieldError::NotSupported(path + ".operator", name,
                                          {"In", "NotIn", "Exists", "DoesNotExist"}));
  return std::nullopt;
}

std::vector<std::string> ParseJsonValues(const json& expression, const std::string& path,
                                         FieldErrorList& errs) {
  std::vector<std::string> values;
  const auto it = expression.find("values");
  if (it == expression.end() || it->is_null()) {
    return values;
  }
  if (!it->is_array()) {
    errs.push_back(
        FieldError::TypeInvalid(path + ".values", TypeName(*it), "must be an array of strings"));
    return values;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& value = (*it)[i];
    const std::string value_path = fmt::format("{}.values[{}]", path, i);
    if (!value.is_string()) {
      errs.push_back(FieldError::TypeInvalid(value_path, TypeName(value), "must be a string"));
      continue;
    }
    if (std::string problem = ValidateLabelValue(value.get<std::string>()); !problem.empty()) {
      errs.push_back(FieldError::Invalid(value_path, value.get<std::string>(), std::move(problem)));
    }
    values.push_back(value.get<std::string>());
  }
  return values;
}

void AddMatchExpression(const json& expression, const std::string& path,
                        std::vector<LabelRequirement>& out, FieldErrorList& errs) {
  if (!expression.is_object()) {
    errs.push_back(FieldError::TypeInvalid(path, TypeName(expression), "must be an object"));
    return;
  }
  LabelRequirement requirement;
  const auto key = expression.find("key");
  if (key == expression.end() || !key->is_string()) {
    errs.push_back(FieldError::Required(path + ".key", "must be a string"));
  } else {
    requirement.key = key->get<std::string>();
    if (std::string problem = ValidateLabelKey(requirement.key); !problem.empty()) {
      errs.push_back(FieldError::Invalid(path + ".key", requirement.key, std::move(problem)));
    }
  }
  const std::optional<Op> op = ParseJsonOperator(expression, path, errs);
  requirement.values = ParseJsonValues(expression, path, errs);
  if (!op.has_value()) {
    return;
  }
  requirement.op = *op;
  const bool set_based = *op == Op::kIn || *op == Op::kNotIn;
  if (set_based && requirement.values.empty()) {
    errs.push_back(FieldError::Required(path + ".values",
                                        "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (!set_based && !requirement.values.empty()) {
    errs.push_back(FieldError::Forbidden(
        path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  }
  out.push_back(std::move(requirement));
}

// ---------------------------------------------------------------------------------------------
// Matching and printing.

bool HasValue(const LabelRequirement& requirement, const json& value) {
  if (!value.is_string()) {
    return false;  // labels are strings; anything else equals no value
  }
  const auto& text = value.get_ref<const std::string&>();
  return std::find(requirement.values.begin(), requirement.values.end(), text) !=
         requirement.values.end();
}

bool RequirementMatches(const LabelRequirement& requirement, const json& labels) {
  const json* value = nullptr;
  if (labels.is_object()) {
    if (const auto it = labels.find(requirement.key); it != labels.end()) {
      value = &*it;
    }
  }
  switch (requirement.op) {
    case Op::kEquals:
    case Op::kIn:
      return value != nullptr && HasValue(requirement, *value);
    case Op::kNotEquals:
    case Op::kNotIn:
      return value == nullptr || !HasValue(requirement, *value);
    case Op::kExists:
      return value != nullptr;
    case Op::kDoesNotExist:
      return value == nullptr;
  }
  return false;
}

std::string RequirementToString(const LabelRequirement& requirement) {
  std::vector<std::string> values = requirement.values;
  std::sort(values.begin(), values.end());
  std::string joined;
  for (size_t i = 0; i < values.size(); ++i) {
    joined += (i == 0 ? "" : ",") + values[i];
  }
  switch (requirement.op) {
    case Op::kEquals:
      return fmt::format("{}={}", requirement.key, joined);
    case Op::kNotEquals:
      return fmt::format("{}!={}", requirement.key, joined);
    case Op::kIn:
      return fmt::format("{} in ({})", requirement.key, joined);
    case Op::kNotIn:
      return fmt::format("{} notin ({})", requirement.key, joined);
    case Op::kExists:
      return requirement.key;
    case Op::kDoesNotExist:
      return "!" + requirement.key;
  }
  return requirement.key;
}

// ---------------------------------------------------------------------------------------------
// Field selectors (k8s.io/apimachinery/pkg/fields/selector.go).

struct FieldTerm {
  std::string_view text;
  size_t position = 0;  // byte offset in the selector
};

// Splits at commas that are not escaped; the backslashes stay in the terms.
std::vector<FieldTerm> SplitFieldTerms(std::string_view text) {
  std::vector<FieldTerm> terms;
  if (text.empty()) {
    return terms;
  }
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (text[i] == '\\') {
      escaped = true;
    } else if (text[i] == ',') {
      terms.push_back({text.substr(start, i - start), start});
      start = i + 1;
    }
  }
  terms.push_back({text.substr(start), start});
  return terms;
}

// Length of the UTF-8 sequence that starts with `lead` (1 for anything malformed).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) {
    return 4;
  }
  if (lead >= 0xE0) {
    return lead < 0xF0 ? 3 : 1;
  }
  return lead >= 0xC0 ? 2 : 1;
}

class FieldParser {
 public:
  explicit FieldParser(std::string_view text) : text_(text) {}

  std::vector<FieldRequirement> Parse() const {
    std::vector<FieldTerm> terms = SplitFieldTerms(text_);
    // Kubernetes sorts the raw terms, so the order is deterministic.
    std::stable_sort(terms.begin(), terms.end(),
                     [](const FieldTerm& a, const FieldTerm& b) { return a.text < b.text; });
    std::vector<FieldRequirement> requirements;
    for (const FieldTerm& term : terms) {
      if (term.text.empty()) {
        continue;
      }
      FieldRequirement requirement = ParseTerm(term);
      // Kubernetes' Transform drops a term with neither field nor value ("=" alone).
      if (!requirement.field.empty() || !requirement.value.empty()) {
        requirements.push_back(std::move(requirement));
      }
    }
    return requirements;
  }

 private:
  [[noreturn]] void Fail(size_t position, std::string_view message) const {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("invalid field selector {:?} at position {}: {}", text_, position, message));
  }

  // The first operator from the left splits the term: the field cannot contain one. At each
  // position "!=" and "==" win over "=" so that no '=' is left on the value.
  FieldRequirement ParseTerm(const FieldTerm& term) const {
    for (size_t i = 0; i < term.text.size(); ++i) {
      const std::string_view rest = term.text.substr(i);
      for (const std::string_view op : {"!=", "==", "="}) {
        if (rest.starts_with(op)) {
          const size_t value_position = term.position + i + op.size();
          return {std::string(term.text.substr(0, i)),
                  op != "!=", Unescape(rest.substr(op.size()), value_position)};
        }
      }
    }
    Fail(term.position, fmt::format("can't understand '{}'", term.text));
  }

  // Resolves `\\`, `\,` and `\=`; any other escape, and a bare ',' or '=', is an error.
  std::string Unescape(std::string_view value, size_t position) const {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      if (c == ',' || c == '=') {
        Fail(position + i, fmt::format("unescaped character in value: {}", c));
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i + 1 == value.size()) {
        Fail(position + i, "invalid escape sequence: \\");
      }
      const char next = value[i + 1];
      if (next != '\\' && next != ',' && next != '=') {
        const size_t length = Utf8Length(static_cast<unsigned char>(next));
        Fail(position + i,
             fmt::format("invalid escape sequence: \\{}", value.substr(i + 1, length)));
      }
      out += next;
      ++i;
    }
    return out;
  }

  std::string_view text_;
};

// The field at dotted `path` as text: "" when absent or null, strings as they are, anything
// else in its JSON text form ("true", "3").
std::string FieldValue(const json& object, std::string_view path) {
  const json* current = &object;
  while (true) {
    const size_t dot = path.find('.');
    if (!current->is_object()) {
      return "";
    }
    const auto it = current->find(std::string(path.substr(0, dot)));
    if (it == current->end()) {
      return "";
    }
    current = &*it;
    if (dot == std::string_view::npos) {
      break;
    }
    path.remove_prefix(dot + 1);
  }
  if (current->is_string()) {
    return current->get<std::string>();
  }
  return current->is_null() ? "" : current->dump();
}

}  // namespace

std::string ValidateLabelKey(std::string_view key) { return JoinErrors(LabelKeyErrors(key)); }

std::string ValidateLabelValue(std::string_view value) {
  return JoinErrors(LabelValueErrors(value));
}

LabelSelector LabelSelector::Parse(std::string_view text) {
  LabelSelector selector;
  selector.requirements_ = LabelParser(text).Parse();
  SortByKey(selector.requirements_);
  return selector;
}

LabelSelector LabelSelector::FromJson(const json& selector) {
  LabelSelector out;
  if (selector.is_null()) {
    return out;
  }
  if (!selector.is_object()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("invalid label selector: must be an object, not {}", TypeName(selector)));
  }
  FieldErrorList errs;
  if (const auto it = selector.find("matchLabels"); it != selector.end() && !it->is_null()) {
    AddMatchLabels(*it, out.requirements_, errs);
  }
  if (const auto it = selector.find("matchExpressions"); it != selector.end() && !it->is_null()) {
    if (!it->is_array()) {
      errs.push_back(FieldError::TypeInvalid("matchExpressions", TypeName(*it),
                                             "must be an array of requirements"));
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        AddMatchExpression((*it)[i], fmt::format("matchExpressions[{}]", i), out.requirements_,
                           errs);
      }
    }
  }
  if (!errs.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "invalid label selector: " + ToAggregateMessage(errs));
  }
  SortByKey(out.requirements_);
  return out;
}

bool LabelSelector::Matches(const json& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const LabelRequirement& r) { return RequirementMatches(r, labels); });
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (const LabelRequirement& requirement : requirements_) {
    // Two appends, not `"," + temporary`: g++ 12 -O3 flags the latter (GCC bug 105651).
    if (!out.empty()) {
      out += ',';
    }
    out += RequirementToString(requirement);
  }
  return out;
}

FieldSelector FieldSelector::Parse(std::string_view text) {
  FieldSelector selector;
  selector.requirements_ = FieldParser(text).Parse();
  return selector;
}

bool FieldSelector::Matches(const json& object) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const FieldRequirement& r) {
    return (FieldValue(object, r.field) == r.value) == r.equals;
  });
}

}  // namespace gpuext::kube
