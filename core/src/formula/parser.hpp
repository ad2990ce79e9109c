#pragma once
// Recursive-descent parser for R formulas and expressions, with R's operator precedence
// (lowest first): ~, | ||, + -, * /, %in%, :, unary + -, ^ (right-associative).
//
// Runs of parentheses are folded into one node, so 20,000 nested parentheses around a term
// cost no recursion; any other nesting deeper than kMaxNestingDepth is a clean error instead
// of a stack overflow.
#include "formula/ast.hpp"
#include "formula/source.hpp"

#include <cstddef>

namespace weft::formula {

inline constexpr int kMaxNestingDepth = 4000;

struct ParsedFormula {
  NodePtr lhs;  // null for a one-sided formula (~ x)
  NodePtr rhs;
  std::size_t tilde_offset = 0;
};

// "lhs ~ rhs" or "~ rhs". Errors: empty text, no '~', two '~', nothing after '~', and every
// syntax error, each with its position.
ParsedFormula parse_formula(const FormulaSource& source);

// One expression without '~' (a variable stored in a model description, a `groups:` entry).
NodePtr parse_expression(const FormulaSource& source);

}  // namespace weft::formula
