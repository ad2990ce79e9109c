#pragma once
// A numeric expression (x, log(x + 1), I(x^2), offset(log(days)), size - incidence) evaluated
// on every row of the data, column by column (one vector per tree node, none per row).
#include "data/data_frame.hpp"
#include "formula/ast.hpp"
#include "formula/source.hpp"

#include <string_view>
#include <vector>

namespace weft::design {

// Rejects, before any data is read, what cannot be a number: formula operators (: | %in%)
// inside arithmetic, factor() inside arithmetic, cbind() outside the response.
void check_numeric_expression(const formula::Node& node, const formula::FormulaSource& source);

// The values of `node` on every row. Columns must hold numbers in every row; a non-finite
// result (log of 0, division by 0) is an error naming the row and the expression.
// `role` says how the model uses it ("covariate in the formula").
std::vector<double> evaluate_numeric(const formula::Node& node, const formula::FormulaSource& source,
                                     const data::DataFrame& data, std::string_view role);

}  // namespace weft::design
