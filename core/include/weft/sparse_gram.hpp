#pragma once
// A = M' W M + I for a sparse n x q matrix M with a fixed pattern and per-row weights W:
// the matrix whose Cholesky factor the Laplace approximation needs (lme4's L L' =
// Lambda' Z' W Z Lambda + I). The lower triangle's pattern is worked out once; each
// assembly only scatters w_i m_ia m_ib into precomputed slots, so no sparse product and no
// allocation happen inside the inner iterations.
#include <weft/model.hpp>

#include <algorithm>
#include <vector>

namespace weft {

using RowSparseMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

class SparseGram {
 public:
  SparseGram() = default;
  explicit SparseGram(const RowSparseMatrix& M) { analyze(M); }

  void analyze(const RowSparseMatrix& M) {
    const Index q = M.cols();
    std::vector<Eigen::Triplet<double>> entries;
    for (Index j = 0; j < q; ++j) entries.emplace_back(j, j, 1.0);
    for (Index i = 0; i < M.rows(); ++i)
      for (RowSparseMatrix::InnerIterator a(M, i); a; ++a)
        for (RowSparseMatrix::InnerIterator b(M, i); b && b.col() <= a.col(); ++b)
          entries.emplace_back(a.col(), b.col(), 1.0);
    pattern_.resize(q, q);
    pattern_.setFromTriplets(entries.begin(), entries.end());
    pattern_.makeCompressed();
    const int* outer = pattern_.outerIndexPtr();
    const int* inner = pattern_.innerIndexPtr();
    auto slot = [&](Index row, Index col) {
      const int* first = inner + outer[col];
      const int* last = inner + outer[col + 1];
      return Index(std::lower_bound(first, last, int(row)) - inner);
    };
    diagonal_slots_.resize(q);
    for (Index j = 0; j < q; ++j) diagonal_slots_[j] = slot(j, j);
    row_start_.assign(M.rows() + 1, 0);
    slots_.clear();
    for (Index i = 0; i < M.rows(); ++i) {
      for (RowSparseMatrix::InnerIterator a(M, i); a; ++a)
        for (RowSparseMatrix::InnerIterator b(M, i); b && b.col() <= a.col(); ++b)
          slots_.push_back(slot(a.col(), b.col()));
      row_start_[i + 1] = Index(slots_.size());
    }
    nonzeros_of_M_ = M.nonZeros();
  }

  // True when M has the pattern this was analysed for.
  bool matches(const RowSparseMatrix& M) const { return M.nonZeros() == nonzeros_of_M_ && M.cols() == pattern_.cols(); }

  // Writes M' diag(w) M + I into A (lower triangle; A takes the fixed pattern).
  void assemble(const RowSparseMatrix& M, const double* w, SparseMatrix& A) const {
    if (A.nonZeros() != pattern_.nonZeros() || A.rows() != pattern_.rows()) A = pattern_;
    double* values = A.valuePtr();
    std::fill(values, values + A.nonZeros(), 0.0);
    for (Index s : diagonal_slots_) values[s] = 1.0;
    const double* mv = M.valuePtr();
    const int* outer = M.outerIndexPtr();
    for (Index i = 0; i < M.rows(); ++i) {
      const Index begin = outer[i], end = outer[i + 1];
      const Index* slot = slots_.data() + row_start_[i];
      const double wi = w[i];
      for (Index a = begin; a < end; ++a) {
        const double wa = wi * mv[a];
        for (Index b = begin; b <= a; ++b) values[*slot++] += wa * mv[b];
      }
    }
  }

  const SparseMatrix& pattern() const { return pattern_; }

 private:
  SparseMatrix pattern_;
  std::vector<Index> diagonal_slots_;
  std::vector<Index> row_start_;
  std::vector<Index> slots_;
  Index nonzeros_of_M_ = -1;
};

}  // namespace weft
