#pragma once
// R's deparse() of a syntax tree, which R uses for variable and term labels and so for the
// column names of model.matrix: "log(x + 1)", "I(x^2)", "factor(period)", "a/b", "x:z",
// "(1 | g)". Spaces around + - * | || %in% ~; none around / ^ :; numbers with 15
// significant digits; names that are not syntactic in backquotes.
#include "formula/ast.hpp"

#include <string>
#include <string_view>

namespace weft::formula {

std::string deparse(const Node& node);

// A name as R writes it: x, or `my var` when it is not syntactic.
std::string deparse_name(std::string_view name);

}  // namespace weft::formula
