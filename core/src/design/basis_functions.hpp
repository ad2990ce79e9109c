#pragma once
// scale(x) and poly(x, k): numeric variables whose columns depend on constants learned from the
// training data, applied unchanged to new data (R's makepredictcall; predict.poly):
//   scale(x)    (x - mean(x)) / sd(x), one column named "scale(x)"
//   poly(x, k)  R's orthogonal polynomials of degree 1..k (columns "poly(x, k)1", ...), by the
//               three-term recurrence R's predict.poly uses, with its alpha and norm2
#include "data/data_frame.hpp"
#include "design/design_spec.hpp"
#include "formula/ast.hpp"
#include "formula/source.hpp"

#include <weft/integrator/row_shards.hpp>

#include <string_view>
#include <vector>

namespace weft::design {

// scale(...) or poly(...), possibly in parentheses.
bool is_basis_call(const formula::Node& node);

// The argument checks that need no data: a numeric expression inside; poly's degree a whole
// number from 1 to 20.
void check_basis_expression(const formula::Node& node, const formula::FormulaSource& source);

// The variable's columns on every row (rows x width, column by column). learn = true: the
// constants are computed from these rows and stored in spec.basis (training); else spec.basis
// is applied (new data). Sets spec.column_suffixes. With `shards` (mpirun) the constants are
// learned from every process's rows (their sums over rows are summed over the processes).
std::vector<double> evaluate_basis(const formula::Node& node, const formula::FormulaSource& source,
                                   const data::DataFrame& data, VariableSpec& spec, bool learn,
                                   const RowShards* shards = nullptr);

}  // namespace weft::design
