#pragma once
// R's model.matrix: the dense matrix a MatrixSpec describes, from evaluated variables.
#include "design/design_spec.hpp"
#include "design/variable_values.hpp"

#include <weft/integrator/model.hpp>

#include <vector>

namespace weft::design {

// All spec.columns (the rank check selects spec.kept afterwards). Factor codes must be valid
// level indices.
Matrix build_model_matrix(const MatrixSpec& spec, const std::vector<VariableSpec>& variables,
                          const std::vector<VariableValues>& values, Index rows);

// The kept columns only (`all` itself, moved, where every column is kept: no copy of X).
Matrix select_columns(Matrix all, const std::vector<int>& kept);

}  // namespace weft::design
