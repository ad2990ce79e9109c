#include "design/model_matrix.hpp"

namespace weft::design {

namespace {

// Number of columns a variable contributes to a term.
Index variable_width(const VariableSpec& spec, bool contrasts) {
  if (spec.kind == VariableKind::Numeric) return Index(spec.width());
  return Index(spec.levels.size()) - (contrasts ? 1 : 0);
}

}  // namespace

Matrix build_model_matrix(const MatrixSpec& spec, const std::vector<VariableSpec>& variables,
                          const std::vector<VariableValues>& values, Index rows) {
  Matrix X(rows, Index(spec.columns.size()));
  Index column = 0;
  if (spec.intercept) X.col(column++).setOnes();
  for (const auto& term : spec.terms) {
    const std::size_t m = term.variables.size();
    std::vector<Index> width(m);
    Index columns = 1;
    for (std::size_t i = 0; i < m; ++i) {
      width[i] = variable_width(variables[std::size_t(term.variables[i])], term.contrasts[i]);
      columns *= width[i];
    }
    std::vector<Index> digit(m, 0);  // which column of each variable; the first varies fastest
    for (Index c = 0; c < columns; ++c, ++column) {
      auto out = X.col(column);
      out.setOnes();
      for (std::size_t i = 0; i < m; ++i) {
        const VariableSpec& var = variables[std::size_t(term.variables[i])];
        const VariableValues& val = values[std::size_t(term.variables[i])];
        if (var.kind == VariableKind::Numeric) {
          const double* column_values = val.numbers.data() + digit[i] * rows;  // column digit[i] of a poly()
          for (Index r = 0; r < rows; ++r) out(r) *= column_values[r];
        } else {
          const int level = int(digit[i]) + (term.contrasts[i] ? 1 : 0);
          for (Index r = 0; r < rows; ++r)
            if (val.codes[std::size_t(r)] != level) out(r) = 0.0;
        }
      }
      for (std::size_t i = 0; i < m; ++i) {
        if (++digit[i] < width[i]) break;
        digit[i] = 0;
      }
    }
  }
  return X;
}

Matrix select_columns(Matrix all, const std::vector<int>& kept) {
  if (Index(kept.size()) == all.cols()) {
    bool identity = true;
    for (std::size_t i = 0; i < kept.size(); ++i) identity = identity && kept[i] == int(i);
    if (identity) return all;
  }
  Matrix out(all.rows(), Index(kept.size()));
  for (std::size_t i = 0; i < kept.size(); ++i) out.col(Index(i)) = all.col(kept[i]);
  return out;
}

}  // namespace weft::design
