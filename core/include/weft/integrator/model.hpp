#pragma once
// The matrices of one model, handed by the kernel to integrators (lme4's notation):
//   eta = X beta + Z b + offset,  b = Lambda(theta) u,  u ~ N(0, I_q),
// and for families with a zero model eta_zi = X_zi beta_zi.
#include <weft/integrator/row_shards.hpp>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include <limits>
#include <string>
#include <vector>

namespace weft {

using Index = Eigen::Index;
using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;
using SparseMatrix = Eigen::SparseMatrix<double>;  // column-major

// One random-effects term such as (1 + x | g): k columns per level of the grouping factor.
// Its q = k * levels columns of Z are level-major (level 1: c1..ck, level 2: c1..ck, ...),
// and its theta are the lower triangle of the k x k relative covariance factor T, column by
// column (k = 2: T11, T21, T22), so that the covariance of one level's effects is T T'.
struct RandomEffectTerm {
  std::string group;                 // "herd", or "g1:g2" for an interaction/nesting
  std::vector<std::string> columns;  // "(Intercept)", "x", ...
  std::vector<std::string> levels;   // labels of the grouping factor's levels
  Index first_column = 0;            // first column of this term in Z (and in u, b)
  Index first_theta = 0;             // first element of this term in theta

  Index k() const { return Index(columns.size()); }
  Index n_levels() const { return Index(levels.size()); }
  Index n_columns() const { return k() * n_levels(); }
  Index n_theta() const { return k() * (k() + 1) / 2; }
  // Position of T(r, c), r >= c, in this term's theta.
  Index theta_index(Index r, Index c) const { return c * k() - c * (c - 1) / 2 + (r - c); }
  // This term's k x k lower-triangular factor T from the whole model's theta.
  Eigen::MatrixXd factor(const Eigen::VectorXd& theta) const {
    Eigen::MatrixXd T = Eigen::MatrixXd::Zero(k(), k());
    for (Index c = 0; c < k(); ++c)
      for (Index r = c; r < k(); ++r) T(r, c) = theta(first_theta + theta_index(r, c));
    return T;
  }
};

struct ModelMatrices {
  Vector y;        // response (binomial: proportion of successes)
  Vector weights;  // prior weights (binomial: trials times prior weight)
  Vector offset;
  Matrix X;
  std::vector<std::string> fixef_names;
  Matrix X_zi;  // zero-model design (0 columns when the family has no zero model)
  std::vector<std::string> zi_names;
  SparseMatrix Z;
  std::vector<RandomEffectTerm> terms;
  // Set when these rows are one shard of the model's rows (row_shards.hpp): every sum over rows
  // is then completed with shards->sum, and rows_in_all_shards is the whole model's n.
  const RowShards* shards = nullptr;
  Index rows_in_all_shards = -1;

  Index n() const { return y.size(); }  // the rows held here
  Index n_all_shards() const { return shards ? rows_in_all_shards : n(); }
  Index p() const { return X.cols(); }
  Index q() const { return Z.cols(); }
  Index n_theta() const {
    Index t = 0;
    for (const auto& term : terms) t += term.n_theta();
    return t;
  }
  // lme4's start (1 on the diagonal of each T, 0 below) and lower bounds (0 / -inf).
  Vector theta_start() const { return theta_diagonal_mask().select(Vector::Ones(n_theta()), 0.0); }
  Vector theta_lower() const {
    return theta_diagonal_mask().select(Vector::Zero(n_theta()),
                                        -std::numeric_limits<double>::infinity());
  }
  Eigen::Array<bool, Eigen::Dynamic, 1> theta_diagonal_mask() const {
    Eigen::Array<bool, Eigen::Dynamic, 1> diag(n_theta());
    diag.setConstant(false);
    for (const auto& t : terms)
      for (Index c = 0; c < t.k(); ++c) diag(t.first_theta + t.theta_index(c, c)) = true;
    return diag;
  }
};

// Lambda(theta): q x q block-diagonal, one lower-triangular k x k block T per level of each
// term. The sparsity pattern is fixed at construction (every lower-triangular entry is a
// structural non-zero, even where theta is 0), so products with it keep one pattern and the
// symbolic Cholesky analysis can be reused.
class RelativeCovarianceFactor {
 public:
  explicit RelativeCovarianceFactor(const std::vector<RandomEffectTerm>& terms) {
    Index q = 0;
    for (const auto& t : terms) q = std::max(q, t.first_column + t.n_columns());
    std::vector<Eigen::Triplet<double>> triplets;
    for (const auto& t : terms)
      for (Index j = 0; j < t.n_levels(); ++j)
        for (Index c = 0; c < t.k(); ++c)
          for (Index r = c; r < t.k(); ++r) {
            const Index base = t.first_column + j * t.k();
            triplets.emplace_back(base + r, base + c, 1.0);
          }
    lambda_.resize(q, q);
    lambda_.setFromTriplets(triplets.begin(), triplets.end());
    lambda_.makeCompressed();
    // Map every stored value to its theta element (lme4's Lind).
    theta_of_value_.resize(lambda_.nonZeros());
    for (const auto& t : terms)
      for (Index j = 0; j < t.n_levels(); ++j)
        for (Index c = 0; c < t.k(); ++c) {
          const Index col = t.first_column + j * t.k() + c;
          Index pos = lambda_.outerIndexPtr()[col];
          for (Index r = c; r < t.k(); ++r, ++pos) theta_of_value_[pos] = t.first_theta + t.theta_index(r, c);
        }
  }

  void update(const Vector& theta) {
    double* values = lambda_.valuePtr();
    for (Index i = 0; i < Index(theta_of_value_.size()); ++i) values[i] = theta(theta_of_value_[i]);
  }
  const SparseMatrix& lambda() const { return lambda_; }
  // The theta element each stored value of lambda() is (lme4's Lind).
  const std::vector<Index>& theta_of_value() const { return theta_of_value_; }

 private:
  SparseMatrix lambda_;
  std::vector<Index> theta_of_value_;
};

}  // namespace weft
