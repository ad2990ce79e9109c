#pragma once
// lme4's check of the fixed-effect matrix (chkRank.drop.cols): R's qr(X, tol = 1e-7,
// LAPACK = FALSE), i.e. LINPACK dqrdc2, whose limited pivoting moves a column whose remaining
// norm falls below tol times its original norm to the end; the first `rank` pivots are kept.
// So a later column that depends on earlier ones is dropped, and the kept columns stay in order.
#include <weft/integrator/model.hpp>
#include <weft/integrator/row_shards.hpp>

#include <vector>

namespace weft::design {

// Indices of the columns kept, ascending.
std::vector<int> full_rank_columns(const Matrix& X, double tolerance = 1e-7);

// The same check on the rows of every process (mpirun): each process's rows reduced to their
// R factor (X_r = Q_r R_r), the R_r stacked and checked. The stack has X's Gram matrix
// (sum R_r'R_r = X'X), and dqrdc2's pivoting depends on the columns only through it.
std::vector<int> full_rank_columns(const Matrix& X, const RowShards* shards, double tolerance = 1e-7);

// "fixed-effect model matrix is rank deficient so dropping 1 column / coefficient" (lme4's words).
std::string rank_deficiency_message(std::size_t dropped, const std::string& matrix = "fixed-effect");

}  // namespace weft::design
