// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The tokenizer of Go's text/template/parse: text, delimiters (with {{- -}} trimming applied to
// the neighbouring text), comments dropped, and the tokens inside actions.

#include <string>
#include <string_view>
#include <vector>

namespace gpuext::helm::internal {

enum class TokenType {
  kError,
  kEOF,
  kText,
  kLeftDelim,
  kRightDelim,
  kSpace,
  kLeftParen,
  kRightParen,
  kPipe,
  kDeclare,
  kAssign,
  kComma,
  kField,
  kVariable,
  kIdentifier,
  kDot,
  kNil,
  kBool,
  kNumber,
  kCharConstant,
  kString,
  kRawString,
  // keywords
  kBlock,
  kBreak,
  kContinue,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kRange,
  kTemplate,
  kWith,
};

struct Token {
  TokenType type;
  size_t pos;
  std::string val;
  size_t line;
};

// Tokenizes the whole text. A lexical error ends the list with a kError token whose val is
// Go's message (e.g. "unclosed action").
std::vector<Token> Lex(std::string_view text);

}  // namespace gpuext::helm::internal
