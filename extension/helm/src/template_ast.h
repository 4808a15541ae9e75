// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The parse tree of Go's text/template (text/template/parse), one struct for all node kinds.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::helm::internal {

enum class NodeType {
  kList,
  kText,
  kAction,
  kIf,
  kRange,
  kWith,
  kTemplate,
  kBreak,
  kContinue,
  kPipe,
  kCommand,
  kField,
  kChain,
  kIdentifier,
  kVariable,
  kDot,
  kNil,
  kBool,
  kNumber,
  kString,
};

struct Node {
  NodeType type;
  size_t pos = 0;  // byte offset in the tree's text
  size_t line = 1;

  std::string text;    // Text, Identifier name, String value, Number source, Template name
  std::string quoted;  // String: as written
  std::vector<std::string> idents;           // Field [a b], Variable [$x a b], Chain fields
  std::vector<std::unique_ptr<Node>> nodes;  // List items, Command args, Pipe commands
  std::vector<std::unique_ptr<Node>> decls;  // Pipe: declared/assigned Variable nodes
  bool is_assign = false;                    // Pipe: `=` rather than `:=`
  std::unique_ptr<Node> pipe;                // Action/If/Range/With/Template; Chain: the operand
  std::unique_ptr<Node> list, else_list;     // If/Range/With bodies

  bool bool_value = false;
  bool is_int = false, is_float = false;  // Number
  int64_t int_value = 0;
  double float_value = 0;
  bool float_literal = false;  // written with . e E p P (Go makes it a float64 constant)

  explicit Node(NodeType t, size_t p = 0, size_t l = 1) : type(t), pos(p), line(l) {}

  // Go's Node.String(), used as the <context> of execution errors.
  [[nodiscard]] std::string String() const;
};

struct Tree {
  std::string name;        // the template's name (a define's name or the file name)
  std::string parse_name;  // the file it was parsed from
  std::shared_ptr<const std::string> text;
  std::unique_ptr<Node> root;  // a List

  // True when the body holds nothing but whitespace text (Go's parse.IsEmptyTree).
  [[nodiscard]] bool IsEmpty() const;
};

// Parses `text` (named `name`) into its own tree plus one tree per define/block; throws
// TemplateError(kParse). `functions` decides which identifiers are known functions.
std::vector<std::shared_ptr<const Tree>> ParseTemplate(
    const std::string& name, std::string_view text,
    const std::set<std::string, std::less<>>& functions);

// "name:line:col" and the node's String(), as Go's Tree.ErrorContext.
std::string ErrorLocation(const Tree& tree, const Node& node);

}  // namespace gpuext::helm::internal
