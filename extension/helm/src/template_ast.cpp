// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Node.String() and error locations, as text/template/parse writes them.

#include "template_ast.h"

#include <algorithm>

namespace gpuext::helm::internal {
namespace {

std::string Join(const std::vector<std::string>& idents, size_t from) {
  std::string out;
  for (size_t i = from; i < idents.size(); ++i)
    out += "." + idents[i];
  return out;
}

}  // namespace

std::string Node::String() const {
  switch (type) {
    case NodeType::kList: {
      std::string out;
      for (const auto& n : nodes)
        out += n->String();
      return out;
    }
    case NodeType::kText:
      return text;
    case NodeType::kAction:
      return "{{" + pipe->String() + "}}";
    case NodeType::kIf:
    case NodeType::kRange:
    case NodeType::kWith: {
      std::string name = type == NodeType::kIf ? "if" : type == NodeType::kRange ? "range" : "with";
      std::string out = "{{" + name + " " + pipe->String() + "}}" + list->String();
      if (else_list)
        out += "{{else}}" + else_list->String();
      return out + "{{end}}";
    }
    case NodeType::kTemplate: {
      std::string out = "{{template \"" + text + "\"";
      if (pipe)
        out += " " + pipe->String();
      return out + "}}";
    }
    case NodeType::kBreak:
      return "{{break}}";
    case NodeType::kContinue:
      return "{{continue}}";
    case NodeType::kPipe: {
      std::string out;
      if (!decls.empty()) {
        for (size_t i = 0; i < decls.size(); ++i) {
          if (i > 0)
            out += ", ";
          out += decls[i]->String();
        }
        out += is_assign ? " = " : " := ";
      }
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (i > 0)
          out += " | ";
        out += nodes[i]->String();
      }
      return out;
    }
    case NodeType::kCommand: {
      std::string out;
      for (size_t i = 0; i < nodes.size(); ++i) {
        if (i > 0)
          out += " ";
        if (nodes[i]->type == NodeType::kPipe) {
          out += "(" + nodes[i]->String() + ")";
        } else {
          out += nodes[i]->String();
        }
      }
      return out;
    }
    case NodeType::kField:
      return Join(idents, 0);
    case NodeType::kChain: {
      std::string out = pipe->type == NodeType::kPipe ? "(" + pipe->String() + ")" : pipe->String();
      return out + Join(idents, 0);
    }
    case NodeType::kIdentifier:
      return text;
    case NodeType::kVariable:
      return idents[0] + Join(idents, 1);
    case NodeType::kDot:
      return ".";
    case NodeType::kNil:
      return "nil";
    case NodeType::kBool:
      return bool_value ? "true" : "false";
    case NodeType::kNumber:
      return text;
    case NodeType::kString:
      return quoted;
  }
  return "";
}

bool Tree::IsEmpty() const {
  if (!root)
    return true;
  return std::all_of(root->nodes.begin(), root->nodes.end(), [](const std::unique_ptr<Node>& n) {
    return n->type == NodeType::kText && n->text.find_first_not_of(" \t\r\n") == std::string::npos;
  });
}

std::string ErrorLocation(const Tree& tree, const Node& node) {
  const std::string& text = *tree.text;
  size_t pos = std::min(node.pos, text.size());
  size_t line = 1 + static_cast<size_t>(std::count(
                        text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
  size_t nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  size_t col = (nl == std::string::npos || pos == 0) ? pos : pos - nl - 1;
  return tree.parse_name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace gpuext::helm::internal
