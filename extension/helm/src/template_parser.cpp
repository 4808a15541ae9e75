// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Recursive-descent parser with the structure, checks and messages of text/template/parse.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "gpuext/helm/template.h"
#include "sprig_text.h"
#include "template_ast.h"
#include "template_lexer.h"

namespace gpuext::helm::internal {
namespace {

class ParseFailure {};

std::string ItemString(const Token& t) {
  switch (t.type) {
    case TokenType::kEOF:
      return "EOF";
    case TokenType::kError:
      return t.val;
    case TokenType::kBlock:
    case TokenType::kBreak:
    case TokenType::kContinue:
    case TokenType::kDefine:
    case TokenType::kElse:
    case TokenType::kEnd:
    case TokenType::kIf:
    case TokenType::kRange:
    case TokenType::kTemplate:
    case TokenType::kWith:
    case TokenType::kNil:
    case TokenType::kDot:
      // Go lists dot and nil among keywords too.
      return "<" + t.val + ">";
    default:
      break;
  }
  std::string q;
  std::string v = t.val;
  bool cut = false;
  if (v.size() > 10) {
    // %.10q: at most 10 runes.
    size_t i = 0, runes = 0;
    while (i < v.size() && runes < 10) {
      ++i;
      while (i < v.size() && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80)
        ++i;
      ++runes;
    }
    cut = i < v.size();
    v.resize(i);
  }
  q = "\"";
  for (char c : v) {
    switch (c) {
      case '"':
        q += "\\\"";
        break;
      case '\\':
        q += "\\\\";
        break;
      case '\n':
        q += "\\n";
        break;
      case '\t':
        q += "\\t";
        break;
      case '\r':
        q += "\\r";
        break;
      default:
        q += c;
    }
  }
  q += "\"";
  return cut ? q + "..." : q;
}

// strconv.Unquote for "..." and `...` and '...' literals.
bool Unquote(const std::string& in, std::string& out, bool& ok_rune, uint32_t& rune) {
  out.clear();
  ok_rune = false;
  if (in.size() < 2)
    return false;
  char q = in[0];
  if (q == '`') {
    out = in.substr(1, in.size() - 2);
    out.erase(std::remove(out.begin(), out.end(), '\r'), out.end());
    return true;
  }
  std::string body = in.substr(1, in.size() - 2);

  size_t runes = 0;
  uint32_t last = 0;
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == q)
      return false;
    if (c != '\\') {
      auto uc = static_cast<unsigned char>(c);
      size_t len = uc < 0x80 ? 1 : (uc & 0xE0) == 0xC0 ? 2 : (uc & 0xF0) == 0xE0 ? 3 : 4;
      uint32_t r = uc;
      if (len > 1 && i + len <= body.size()) {
        r = uc & (0xFF >> (len + 1));
        for (size_t k = 1; k < len; ++k)
          r = (r << 6) | (static_cast<unsigned char>(body[i + k]) & 0x3Fu);
      }
      out.append(body, i, len);
      i += len;
      last = r;
      ++runes;
      continue;
    }
    if (++i >= body.size())
      return false;
    char e = body[i++];
    uint32_t r = 0;
    switch (e) {
      case 'a':
        r = '\a';
        break;
      case 'b':
        r = '\b';
        break;
      case 'f':
        r = '\f';
        break;
      case 'n':
        r = '\n';
        break;
      case 'r':
        r = '\r';
        break;
      case 't':
        r = '\t';
        break;
      case 'v':
        r = '\v';
        break;
      case '\\':
        r = '\\';
        break;
      case '\'':
      case '"':
        if (e != q)
          return false;
        r = static_cast<uint32_t>(e);
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > body.size())
          return false;
        for (size_t k = 0; k < n; ++k) {
          char h = body[i + k];
          if (!std::isxdigit(static_cast<unsigned char>(h)))
            return false;
          r = r * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h))
                                                 ? h - '0'
                                                 : (std::tolower(h) - 'a' + 10));
        }
        i += n;
        if (e == 'x') {
          out += static_cast<char>(r);
          last = r;
          ++runes;
          continue;
        }
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        if (i + 2 > body.size())
          return false;
        r = static_cast<uint32_t>(e - '0');
        for (size_t k = 0; k < 2; ++k) {
          char o = body[i + k];
          if (o < '0' || o > '7')
            return false;
          r = r * 8 + static_cast<uint32_t>(o - '0');
        }
        i += 2;
        if (r > 255)
          return false;
        out += static_cast<char>(r);
        last = r;
        ++runes;
        continue;
      }
      default:
        return false;
    }
    AppendRune(out, r);
    last = r;
    ++runes;
  }
  if (q == '\'') {
    if (runes != 1)
      return false;
    ok_rune = true;
    rune = last;
  }
  return true;
}

class Parser {
 public:
  Parser(const std::string& name, std::string_view text,
         const std::set<std::string, std::less<>>& functions)
      : name_(name), text_(std::make_shared<const std::string>(text)), functions_(functions) {
    tokens_ = Lex(text);
  }

  std::vector<std::shared_ptr<const Tree>> Run() {
    auto top = std::make_shared<Tree>();
    top->name = name_;
    top->parse_name = name_;
    top->text = text_;
    top->root = std::make_unique<Node>(NodeType::kList, Peek().pos, Peek().line);
    vars_ = {"$"};
    while (Peek().type != TokenType::kEOF) {
      if (Peek().type == TokenType::kLeftDelim) {
        size_t save = idx_;
        Next();
        if (NextNonSpace().type == TokenType::kDefine) {
          ParseDefinition();
          continue;
        }
        idx_ = save;
      }
      auto n = TextOrAction();
      if (n->type == NodeType::kText && n->text == "\x01end")
        Fail("unexpected {{end}}");
      if (n->type == NodeType::kText && n->text == "\x01else")
        Fail("unexpected {{else}}");
      top->root->nodes.push_back(std::move(n));
    }
    trees_.insert(trees_.begin(), top);
    return std::move(trees_);
  }

 private:
  const Token& Peek() { return tokens_[std::min(idx_, tokens_.size() - 1)]; }
  const Token& Next() {
    const Token& t = Peek();
    last_line_ = t.line;
    ++idx_;  // past the end Peek keeps answering the last token; Backup stays symmetric
    return t;
  }
  const Token& NextNonSpace() {
    while (Peek().type == TokenType::kSpace)
      Next();
    return Next();
  }
  const Token& PeekNonSpace() {
    while (Peek().type == TokenType::kSpace)
      Next();
    last_line_ = Peek().line;
    return Peek();
  }
  void Backup() { --idx_; }

  [[noreturn]] void Fail(const std::string& msg) {
    throw TemplateError(TemplateError::Kind::kParse,
                        "template: " + name_ + ":" + std::to_string(last_line_) + ": " + msg);
  }
  [[noreturn]] void Unexpected(const Token& t, const std::string& context) {
    last_line_ = t.line;
    if (t.type == TokenType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != t.line) {
        extra = " in action started at " + name_ + ":" + std::to_string(action_line_);
      }
      Fail(t.val + extra);
    }
    Fail("unexpected " + ItemString(t) + " in " + context);
  }
  const Token& Expect(TokenType type, const std::string& context) {
    const Token& t = NextNonSpace();
    if (t.type != type)
      Unexpected(t, context);
    return t;
  }

  // Marker nodes for {{end}} and {{else}} travel as Text nodes with a private text.
  static bool IsEnd(const Node& n) { return n.type == NodeType::kText && n.text == "\x01end"; }
  static bool IsElse(const Node& n) { return n.type == NodeType::kText && n.text == "\x01else"; }

  void ParseDefinition() {
    const std::string context = "define clause";
    const Token& name_tok = NextNonSpace();
    if (name_tok.type != TokenType::kString && name_tok.type != TokenType::kRawString)
      Unexpected(name_tok, context);
    auto tree = std::make_shared<Tree>();
    tree->name = UnquoteOrFail(name_tok.val);
    tree->parse_name = name_;
    tree->text = text_;
    Expect(TokenType::kRightDelim, context);
    auto saved_vars = vars_;
    int saved_range = range_depth_;
    vars_ = {"$"};
    range_depth_ = 0;
    std::unique_ptr<Node> end;
    tree->root = ItemList(end);
    if (!IsEnd(*end))
      Fail("unexpected " + NodeText(*end) + " in " + context);
    vars_ = saved_vars;
    range_depth_ = saved_range;
    trees_.push_back(tree);
  }

  static std::string NodeText(const Node& n) {
    if (IsEnd(n))
      return "{{end}}";
    if (IsElse(n))
      return "{{else}}";
    return n.String();
  }

  std::string UnquoteOrFail(const std::string& s) {
    std::string out;
    bool is_rune = false;
    uint32_t r = 0;
    if (!Unquote(s, out, is_rune, r))
      Fail("invalid syntax");
    return out;
  }

  std::unique_ptr<Node> ItemList(std::unique_ptr<Node>& next) {
    auto list = std::make_unique<Node>(NodeType::kList, PeekNonSpace().pos, PeekNonSpace().line);
    while (PeekNonSpace().type != TokenType::kEOF) {
      auto n = TextOrAction();
      if (IsEnd(*n) || IsElse(*n)) {
        next = std::move(n);
        return list;
      }
      list->nodes.push_back(std::move(n));
    }
    if (Peek().type == TokenType::kError)
      Unexpected(Peek(), "input");
    Fail("unexpected EOF");
  }

  std::unique_ptr<Node> TextOrAction() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case TokenType::kText: {
        auto n = std::make_unique<Node>(NodeType::kText, t.pos, t.line);
        n->text = t.val;
        return n;
      }
      case TokenType::kLeftDelim: {
        action_line_ = t.line;
        auto n = Action();
        action_line_ = 0;
        return n;
      }
      default:
        Unexpected(t, "input");
    }
  }

  std::unique_ptr<Node> Action() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case TokenType::kBlock:
        return BlockControl();
      case TokenType::kBreak:
        return LoopControl(t, NodeType::kBreak, "{{break}}");
      case TokenType::kContinue:
        return LoopControl(t, NodeType::kContinue, "{{continue}}");
      case TokenType::kElse:
        return ElseControl();
      case TokenType::kEnd: {
        const Token& e = Expect(TokenType::kRightDelim, "end");
        auto n = std::make_unique<Node>(NodeType::kText, e.pos, e.line);
        n->text = "\x01end";
        return n;
      }
      case TokenType::kIf:
        return Control(NodeType::kIf, "if");
      case TokenType::kRange:
        return Control(NodeType::kRange, "range");
      case TokenType::kTemplate:
        return TemplateControl();
      case TokenType::kWith:
        return Control(NodeType::kWith, "with");
      default:
        break;
    }
    Backup();
    const Token& p = Peek();
    auto n = std::make_unique<Node>(NodeType::kAction, p.pos, p.line);
    n->pipe = Pipeline("command", TokenType::kRightDelim);
    return n;
  }

  std::unique_ptr<Node> LoopControl(const Token& t, NodeType type, const std::string& what) {
    size_t pos = t.pos, line = t.line;
    const Token& n = NextNonSpace();
    if (n.type != TokenType::kRightDelim)
      Unexpected(n, what);
    if (range_depth_ == 0)
      Fail(what + " outside {{range}}");
    return std::make_unique<Node>(type, pos, line);
  }

  std::unique_ptr<Node> ElseControl() {
    const Token& p = PeekNonSpace();
    if (p.type == TokenType::kIf || p.type == TokenType::kWith) {
      auto n = std::make_unique<Node>(NodeType::kText, p.pos, p.line);
      n->text = "\x01else";
      return n;
    }
    const Token& t = Expect(TokenType::kRightDelim, "else");
    auto n = std::make_unique<Node>(NodeType::kText, t.pos, t.line);
    n->text = "\x01else";
    n->bool_value = true;  // a plain {{else}}
    return n;
  }

  std::unique_ptr<Node> Control(NodeType type, const std::string& context) {
    size_t nvars = vars_.size();
    auto pipe = Pipeline(context, TokenType::kRightDelim);
    auto node = std::make_unique<Node>(type, pipe->pos, pipe->line);
    if (type == NodeType::kRange)
      ++range_depth_;
    std::unique_ptr<Node> next;
    node->list = ItemList(next);
    if (type == NodeType::kRange)
      --range_depth_;
    if (IsElse(*next)) {
      if (context == "if" && Peek().type == TokenType::kIf) {
        Next();
        node->else_list = std::make_unique<Node>(NodeType::kList, next->pos, next->line);
        node->else_list->nodes.push_back(Control(NodeType::kIf, "if"));
      } else if (context == "with" && Peek().type == TokenType::kWith) {
        Next();
        node->else_list = std::make_unique<Node>(NodeType::kList, next->pos, next->line);
        node->else_list->nodes.push_back(Control(NodeType::kWith, "with"));
      } else {
        if (!next->bool_value)
          Fail("unexpected " + ItemString(Peek()) + " in else");
        std::unique_ptr<Node> end;
        node->else_list = ItemList(end);
        if (!IsEnd(*end))
          Fail("expected end; found " + NodeText(*end));
      }
    }
    vars_.resize(nvars);
    node->pipe = std::move(pipe);
    return node;
  }

  std::string TemplateName(const Token& t, const std::string& context) {
    if (t.type != TokenType::kString && t.type != TokenType::kRawString)
      Unexpected(t, context);
    return UnquoteOrFail(t.val);
  }

  std::unique_ptr<Node> TemplateControl() {
    const std::string context = "template clause";
    const Token& t = NextNonSpace();
    size_t pos = t.pos, line = t.line;
    std::string name = TemplateName(t, context);
    auto node = std::make_unique<Node>(NodeType::kTemplate, pos, line);
    node->text = name;
    if (NextNonSpace().type != TokenType::kRightDelim) {
      Backup();
      node->pipe = Pipeline(context, TokenType::kRightDelim);
    }
    return node;
  }

  std::unique_ptr<Node> BlockControl() {
    const std::string context = "block clause";
    const Token& t = NextNonSpace();
    size_t pos = t.pos, line = t.line;
    std::string name = TemplateName(t, context);
    auto node = std::make_unique<Node>(NodeType::kTemplate, pos, line);
    node->text = name;
    node->pipe = Pipeline(context, TokenType::kRightDelim);
    auto tree = std::make_shared<Tree>();
    tree->name = name;
    tree->parse_name = name_;
    tree->text = text_;
    auto saved_vars = vars_;
    int saved_range = range_depth_;
    vars_ = {"$"};
    range_depth_ = 0;
    std::unique_ptr<Node> end;
    tree->root = ItemList(end);
    if (!IsEnd(*end))
      Fail("unexpected " + NodeText(*end) + " in " + context);
    vars_ = saved_vars;
    range_depth_ = saved_range;
    trees_.push_back(tree);
    return node;
  }

  std::unique_ptr<Node> Pipeline(const std::string& context, TokenType end) {
    const Token& first = PeekNonSpace();
    auto pipe = std::make_unique<Node>(NodeType::kPipe, first.pos, first.line);
    while (true) {  // declarations
      const Token& v = PeekNonSpace();
      if (v.type != TokenType::kVariable)
        break;
      size_t at_var = idx_;
      Token var = Next();
      size_t after_var = idx_;
      const Token& next = PeekNonSpace();
      if (next.type == TokenType::kAssign || next.type == TokenType::kDeclare) {
        pipe->is_assign = next.type == TokenType::kAssign;
        NextNonSpace();
        auto vn = std::make_unique<Node>(NodeType::kVariable, var.pos, var.line);
        vn->idents = {var.val};
        pipe->decls.push_back(std::move(vn));
        vars_.push_back(var.val);
        break;
      }
      if (next.type == TokenType::kComma) {
        NextNonSpace();
        auto vn = std::make_unique<Node>(NodeType::kVariable, var.pos, var.line);
        vn->idents = {var.val};
        pipe->decls.push_back(std::move(vn));
        vars_.push_back(var.val);
        if (context == "range" && pipe->decls.size() < 2) {
          TokenType pt = PeekNonSpace().type;
          if (pt == TokenType::kVariable || pt == TokenType::kRightDelim ||
              pt == TokenType::kRightParen)
            continue;
          Fail("range can only initialize variables");
        }
        Fail("too many declarations in " + context);
      }
      (void)after_var;
      idx_ = at_var;
      break;
    }
    while (true) {
      const Token& t = NextNonSpace();
      if (t.type == end) {
        CheckPipeline(*pipe, context);
        return pipe;
      }
      switch (t.type) {
        case TokenType::kBool:
        case TokenType::kCharConstant:
        case TokenType::kDot:
        case TokenType::kField:
        case TokenType::kIdentifier:
        case TokenType::kNumber:
        case TokenType::kNil:
        case TokenType::kRawString:
        case TokenType::kString:
        case TokenType::kVariable:
        case TokenType::kLeftParen:
          Backup();
          pipe->nodes.push_back(Command());
          break;
        default:
          Unexpected(t, context);
      }
    }
  }

  void CheckPipeline(const Node& pipe, const std::string& context) {
    if (pipe.nodes.empty())
      Fail("missing value for " + context);
    for (size_t i = 1; i < pipe.nodes.size(); ++i) {
      switch (pipe.nodes[i]->nodes[0]->type) {
        case NodeType::kBool:
        case NodeType::kDot:
        case NodeType::kNil:
        case NodeType::kNumber:
        case NodeType::kString:
          Fail("non executable command in pipeline stage " + std::to_string(i + 1));
        default:
          break;
      }
    }
  }

  std::unique_ptr<Node> Command() {
    const Token& p = PeekNonSpace();
    auto cmd = std::make_unique<Node>(NodeType::kCommand, p.pos, p.line);
    while (true) {
      PeekNonSpace();
      auto operand = Operand();
      if (operand)
        cmd->nodes.push_back(std::move(operand));
      const Token& t = Next();
      if (t.type == TokenType::kSpace)
        continue;
      if (t.type == TokenType::kRightDelim || t.type == TokenType::kRightParen) {
        Backup();
      } else if (t.type != TokenType::kPipe) {
        Unexpected(t, "operand");
      }
      break;
    }
    if (cmd->nodes.empty())
      Fail("empty command");
    return cmd;
  }

  std::unique_ptr<Node> Operand() {
    auto node = Term();
    if (!node)
      return nullptr;
    if (Peek().type == TokenType::kField) {
      size_t chain_pos = Peek().pos;
      std::vector<std::string> fields;
      while (Peek().type == TokenType::kField)
        fields.push_back(Next().val.substr(1));
      switch (node->type) {
        case NodeType::kField:
        case NodeType::kVariable:
          node->idents.insert(node->idents.end(), fields.begin(), fields.end());
          node->pos = chain_pos;
          break;
        case NodeType::kBool:
        case NodeType::kString:
        case NodeType::kNumber:
        case NodeType::kNil:
        case NodeType::kDot:
          Fail("unexpected . after term " +
               ItemString(Token{TokenType::kString, 0, node->String(), 0}));
        default: {
          auto chain = std::make_unique<Node>(NodeType::kChain, chain_pos, node->line);
          chain->pipe = std::move(node);
          chain->idents = std::move(fields);
          node = std::move(chain);
        }
      }
    }
    return node;
  }

  std::unique_ptr<Node> Term() {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case TokenType::kIdentifier: {
        if (!functions_.contains(t.val))
          Fail("function \"" + t.val + "\" not defined");
        auto n = std::make_unique<Node>(NodeType::kIdentifier, t.pos, t.line);
        n->text = t.val;
        return n;
      }
      case TokenType::kDot:
        return std::make_unique<Node>(NodeType::kDot, t.pos, t.line);
      case TokenType::kNil:
        return std::make_unique<Node>(NodeType::kNil, t.pos, t.line);
      case TokenType::kVariable: {
        bool known = false;
        for (const auto& v : vars_)
          known = known || v == t.val;
        if (!known)
          Fail("undefined variable \"" + t.val + "\"");
        auto n = std::make_unique<Node>(NodeType::kVariable, t.pos, t.line);
        n->idents = {t.val};
        return n;
      }
      case TokenType::kField: {
        auto n = std::make_unique<Node>(NodeType::kField, t.pos, t.line);
        n->idents = {t.val.substr(1)};
        return n;
      }
      case TokenType::kBool: {
        auto n = std::make_unique<Node>(NodeType::kBool, t.pos, t.line);
        n->bool_value = t.val == "true";
        return n;
      }
      case TokenType::kCharConstant:
      case TokenType::kNumber:
        return Number(t);
      case TokenType::kLeftParen:
        return Pipeline("parenthesized pipeline", TokenType::kRightParen);
      case TokenType::kString:
      case TokenType::kRawString: {
        auto n = std::make_unique<Node>(NodeType::kString, t.pos, t.line);
        n->quoted = t.val;
        n->text = UnquoteOrFail(t.val);
        return n;
      }
      default:
        Backup();
        return nullptr;
    }
  }

  std::unique_ptr<Node> Number(const Token& t) {
    auto n = std::make_unique<Node>(NodeType::kNumber, t.pos, t.line);
    n->text = t.val;
    if (t.type == TokenType::kCharConstant) {
      std::string out;
      bool is_rune = false;
      uint32_t r = 0;
      if (!Unquote(t.val, out, is_rune, r) || !is_rune)
        Fail("malformed character constant: " + t.val);
      n->is_int = n->is_float = true;
      n->int_value = r;
      n->float_value = r;
      return n;
    }
    std::string s;
    for (char c : t.val) {
      if (c != '_')
        s += c;
    }
    if (!s.empty() && s.back() == 'i')
      Fail("complex constants are not supported: " + t.val);
    bool neg = !s.empty() && s[0] == '-';
    std::string body = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? s.substr(1) : s;
    bool hex = body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
    bool hex_float = hex && body.find_first_of("pP") != std::string::npos;
    n->float_literal = !hex && body.find_first_of(".eEpP") != std::string::npos;
    if (hex_float)
      n->float_literal = true;
    if (!n->float_literal) {
      int base = 10;
      std::string digits = body;
      if (body.size() > 1 && body[0] == '0') {
        char k = static_cast<char>(std::tolower(body[1]));
        if (k == 'x') {
          base = 16;
          digits = body.substr(2);
        } else if (k == 'o') {
          base = 8;
          digits = body.substr(2);
        } else if (k == 'b') {
          base = 2;
          digits = body.substr(2);
        } else {
          base = 8;
          digits = body.substr(1);
        }
      }
      errno = 0;
      char* end = nullptr;
      unsigned long long u = std::strtoull(digits.c_str(), &end, base);
      if (digits.empty() || *end != '\0')
        Fail("illegal number syntax: \"" + t.val + "\"");
      if (errno == ERANGE || u > (neg ? 9223372036854775808ULL : 9223372036854775807ULL)) {
        n->is_float = true;
        n->float_value = static_cast<double>(u) * (neg ? -1 : 1);
        return n;  // overflows int: the exec reports it
      }
      n->is_int = n->is_float = true;
      n->int_value = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
      n->float_value = static_cast<double>(n->int_value);
      return n;
    }
    char* end = nullptr;
    double f = std::strtod(s.c_str(), &end);
    if (*end != '\0')
      Fail("illegal number syntax: \"" + t.val + "\"");
    n->is_float = true;
    n->float_value = f;
    if (std::fabs(f) < 9.2e18 && std::floor(f) == f) {
      n->is_int = true;
      n->int_value = static_cast<int64_t>(f);
    }
    return n;
  }

  std::string name_;
  std::shared_ptr<const std::string> text_;
  const std::set<std::string, std::less<>>& functions_;
  std::vector<Token> tokens_;
  size_t idx_ = 0;
  size_t last_line_ = 1;
  size_t action_line_ = 0;
  int range_depth_ = 0;
  std::vector<std::string> vars_;
  std::vector<std::shared_ptr<const Tree>> trees_;
};

}  // namespace

std::vector<std::shared_ptr<const Tree>> ParseTemplate(
    const std::string& name, std::string_view text,
    const std::set<std::string, std::less<>>& functions) {
  return Parser(name, text, functions).Run();
}

}  // namespace gpuext::helm::internal
