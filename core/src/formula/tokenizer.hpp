#pragma once
// Splits formula text into R tokens: names (letters, digits, '.', '_', UTF-8; or `backquoted`),
// numbers (1, 2.5, 1e-5, 2L), operators (~ + - * / ^ : | || %in%, ** as ^), parentheses and
// commas. Anything else (control characters, '@', '#', '$', quotes, ...) is an error with its
// position.
#include "formula/source.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace weft::formula {

enum class TokenKind { Name, Number, Operator, Tilde, LeftParen, RightParen, Comma, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;  // Name: the name without backquotes; Number: the literal; Operator: the operator
  double number = 0;
  bool integer_literal = false;
  std::size_t begin = 0;  // source bytes [begin, end)
  std::size_t end = 0;
};

// The tokens of source.text, always ending in one End token.
std::vector<Token> tokenize(const FormulaSource& source);

// True for a name R can write without backquotes (x, log_days, .a, period2).
bool is_syntactic_name(std::string_view name);

}  // namespace weft::formula
