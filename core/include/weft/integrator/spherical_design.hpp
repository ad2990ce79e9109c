#pragma once
// M = Z Lambda(theta): the design matrix of the spherical random effects u (b = Lambda u).
//
// Every row of Z has, for each random-effects term, the k values of that term's columns in one
// level's block (base column = first_column + level * k). With T the term's k x k lower
// triangular factor, row i of M in that block is z_i' T: M[i, base + b] = sum_{a >= b} z_a T(a, b).
// The pattern is fixed (whole blocks), so an update only rewrites values: no sparse product,
// no allocation, and nothing at all when theta has not changed.
#include <weft/integrator/model.hpp>
#include <weft/integrator/sparse_gram.hpp>

#include <vector>

namespace weft {

class SphericalDesign {
 public:
  // One block of one row: term, its base column, and where its k z-values start in zvalues().
  struct Block {
    Index term;
    Index base;
    Index first_z;  // index into zvalues(); k values follow (0 where Z has no entry)
    Index first_m;  // index into M().valuePtr() of M[i, base]
  };

  explicit SphericalDesign(const ModelMatrices& model) : terms_(model.terms) {
    const RowSparseMatrix Z = model.Z;
    const Index n = Z.rows(), q = Z.cols();
    std::vector<Index> term_of_column(q, -1);
    for (Index t = 0; t < Index(terms_.size()); ++t)
      for (Index c = 0; c < terms_[t].n_columns(); ++c) term_of_column[terms_[t].first_column + c] = t;
    row_start_.assign(n + 1, 0);
    std::vector<Eigen::Triplet<double>> pattern;
    // Reserved up front: a vector grown by doubling copies itself and, at millions of rows,
    // touches fresh pages (page faults) at every step.
    blocks_.reserve(std::size_t(Z.nonZeros()));
    zvalues_.reserve(std::size_t(Z.nonZeros()));
    pattern.reserve(std::size_t(Z.nonZeros()));
    for (Index i = 0; i < n; ++i) {
      for (RowSparseMatrix::InnerIterator it(Z, i); it; ++it) {
        const Index t = term_of_column[it.col()];
        if (t < 0) continue;
        const RandomEffectTerm& term = terms_[t];
        const Index base = term.first_column + ((it.col() - term.first_column) / term.k()) * term.k();
        const Index a = it.col() - base;
        Index found = -1;
        for (Index b = row_start_[i]; b < Index(blocks_.size()); ++b)
          if (blocks_[b].term == t && blocks_[b].base == base) found = b;
        if (found < 0) {
          found = Index(blocks_.size());
          blocks_.push_back({t, base, Index(zvalues_.size()), 0});
          zvalues_.resize(zvalues_.size() + term.k(), 0.0);
          for (Index b = 0; b < term.k(); ++b) pattern.emplace_back(i, base + b, 1.0);
        }
        zvalues_[blocks_[found].first_z + a] = it.value();
      }
      row_start_[i + 1] = Index(blocks_.size());
    }
    M_.resize(n, q);
    M_.setFromTriplets(pattern.begin(), pattern.end());
    M_.makeCompressed();
    // Where each block's values sit in M (columns are sorted within a row).
    for (Index i = 0; i < n; ++i)
      for (Index b = row_start_[i]; b < row_start_[i + 1]; ++b) {
        const int* cols = M_.innerIndexPtr();
        Index pos = M_.outerIndexPtr()[i];
        while (cols[pos] != blocks_[b].base) ++pos;
        blocks_[b].first_m = pos;
      }
  }

  // Rewrites M's values for theta (nothing to do when theta is unchanged).
  void update(const Vector& theta) {
    if (theta.size() == theta_.size() && theta == theta_) return;
    theta_ = theta;
    double* m = M_.valuePtr();
    for (const Block& block : blocks_) {
      const RandomEffectTerm& term = terms_[block.term];
      const Index k = term.k();
      const double* z = zvalues_.data() + block.first_z;
      for (Index b = 0; b < k; ++b) {
        double sum = 0;
        for (Index a = b; a < k; ++a) sum += z[a] * theta(term.first_theta + term.theta_index(a, b));
        m[block.first_m + b] = sum;
      }
    }
  }

  const RowSparseMatrix& M() const { return M_; }
  const std::vector<RandomEffectTerm>& terms() const { return terms_; }
  Index row_begin(Index i) const { return row_start_[i]; }
  Index row_end(Index i) const { return row_start_[i + 1]; }
  const Block& block(Index b) const { return blocks_[b]; }
  const std::vector<double>& zvalues() const { return zvalues_; }

 private:
  std::vector<RandomEffectTerm> terms_;
  std::vector<Index> row_start_;
  std::vector<Block> blocks_;
  std::vector<double> zvalues_;
  RowSparseMatrix M_;
  Vector theta_;
};

}  // namespace weft
