#pragma once
// A = M' W M + I for a sparse n x q matrix M with a fixed pattern and per-row weights W:
// the matrix whose Cholesky factor the Laplace approximation needs (lme4's L L' =
// Lambda' Z' W Z Lambda + I). The lower triangle's pattern is worked out once; each
// assembly only scatters w_i m_ia m_ib into precomputed slots, so no sparse product and no
// allocation happen inside the inner iterations.
#include <weft/integrator/model.hpp>

#include <algorithm>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace weft {

using RowSparseMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

// Threads for a loop over `rows` rows: all of OpenMP's for large loops, else one.
inline int row_threads(Index rows) {
#ifdef _OPENMP
  if (rows >= 50000) return omp_get_max_threads();
#endif
  (void)rows;
  return 1;
}

// Calls block(t, begin, end) for `threads` contiguous row ranges [begin, end), in parallel.
template <class Block>
void for_row_blocks(Index rows, int threads, Block&& block) {
#pragma omp parallel num_threads(threads)
  {
#ifdef _OPENMP
    const int t = omp_get_thread_num();
#else
    const int t = 0;
#endif
    block(t, rows * t / threads, rows * (t + 1) / threads);
  }
}

class SparseGram {
 public:
  SparseGram() = default;
  explicit SparseGram(const RowSparseMatrix& M, const RowShards* shards = nullptr) { analyze(M, shards); }

  // With `shards`, M holds this process's rows: A's pattern is the union of every shard's, and
  // assemble() sums the shards' M'WM before adding I.
  void analyze(const RowSparseMatrix& M, const RowShards* shards = nullptr) {
    shards_ = shards;
    const Index q = M.cols();
    std::vector<Eigen::Triplet<double>> entries;
    std::size_t pairs = 0;  // lower-triangle pairs of each row's columns (reserved: no regrowth)
    for (Index i = 0; i < M.rows(); ++i) {
      const std::size_t k = std::size_t(M.outerIndexPtr()[i + 1] - M.outerIndexPtr()[i]);
      pairs += k * (k + 1) / 2;
    }
    entries.reserve(std::size_t(q) + pairs);
    for (Index j = 0; j < q; ++j) entries.emplace_back(j, j, 1.0);
    for (Index i = 0; i < M.rows(); ++i)
      for (RowSparseMatrix::InnerIterator a(M, i); a; ++a)
        for (RowSparseMatrix::InnerIterator b(M, i); b && b.col() <= a.col(); ++b)
          entries.emplace_back(a.col(), b.col(), 1.0);
    pattern_.resize(q, q);
    pattern_.setFromTriplets(entries.begin(), entries.end());
    pattern_.makeCompressed();
    if (shards) unite_patterns(*shards);
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
    slots_.reserve(pairs);
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

  // Writes M' diag(w) M + I into A (lower triangle; A takes the fixed pattern). Large M are
  // split over threads, each scattering into its own copy of A's values.
  void assemble(const RowSparseMatrix& M, const double* w, SparseMatrix& A) const {
    if (A.nonZeros() != pattern_.nonZeros() || A.rows() != pattern_.rows()) A = pattern_;
    double* values = A.valuePtr();
    const Index nnz = A.nonZeros();
    std::fill(values, values + nnz, 0.0);
    const Index rows = M.rows();
    const int threads = row_threads(rows);
    if (threads <= 1) {
      scatter(M, w, 0, rows, values);
    } else {
      auto& partial = partial_;  // kept between assemblies: no allocation per evaluation
      partial.resize(std::size_t(threads - 1));
      for (auto& p : partial) p.assign(std::size_t(nnz), 0.0);
      for_row_blocks(rows, threads, [&](int t, Index begin, Index end) {
        scatter(M, w, begin, end, t == 0 ? values : partial[std::size_t(t - 1)].data());
      });
      for (const auto& p : partial)
        for (Index k = 0; k < nnz; ++k) values[k] += p[std::size_t(k)];
    }
    if (shards_) shards_->sum(values, std::size_t(nnz));
    for (Index s : diagonal_slots_) values[s] += 1.0;
  }

  const SparseMatrix& pattern() const { return pattern_; }

 private:
  // pattern_ <- the union of every shard's pattern (the same matrix on every shard).
  void unite_patterns(const RowShards& shards) {
    std::vector<int> local;
    local.reserve(std::size_t(2 * pattern_.nonZeros()));
    for (Index col = 0; col < pattern_.outerSize(); ++col)
      for (SparseMatrix::InnerIterator it(pattern_, col); it; ++it) {
        local.push_back(int(it.row()));
        local.push_back(int(col));
      }
    const std::vector<int> all = shards.concatenate(local);
    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(all.size() / 2);
    for (std::size_t k = 0; k + 1 < all.size(); k += 2) entries.emplace_back(all[k], all[k + 1], 1.0);
    pattern_.setFromTriplets(entries.begin(), entries.end());
    pattern_.makeCompressed();
  }

  // Adds w_i m_ia m_ib of rows [begin, end) into `values` (A's value array layout).
  void scatter(const RowSparseMatrix& M, const double* w, Index begin, Index end, double* values) const {
    const double* mv = M.valuePtr();
    const int* outer = M.outerIndexPtr();
    const Index* slot = slots_.data() + row_start_[begin];
    for (Index i = begin; i < end; ++i) {
      const Index first = outer[i], last = outer[i + 1];
      const double wi = w[i];
      for (Index a = first; a < last; ++a) {
        const double wa = wi * mv[a];
        for (Index b = first; b <= a; ++b) values[*slot++] += wa * mv[b];
      }
    }
  }

  SparseMatrix pattern_;
  std::vector<Index> diagonal_slots_;
  std::vector<Index> row_start_;
  std::vector<Index> slots_;
  Index nonzeros_of_M_ = -1;
  const RowShards* shards_ = nullptr;
  mutable std::vector<std::vector<double>> partial_;  // threads 1.. of assemble(): their copies of A's values
};

// M' v for a row-major M, over threads with private accumulators (the transposed product
// scatters into few columns, which threads cannot share). The accumulators are kept per
// calling thread between calls.
inline Vector transpose_times(const RowSparseMatrix& M, const Vector& v) {
  const int threads = row_threads(M.rows());
  thread_local std::vector<Vector> kept;
  std::vector<Vector>& partial = kept;  // the calling thread's (the workers see this reference)
  partial.resize(std::size_t(threads));
  for (Vector& p : partial) p.setZero(M.cols());
  for_row_blocks(M.rows(), threads, [&](int t, Index begin, Index end) {
    Vector& out = partial[std::size_t(t)];
    const double* mv = M.valuePtr();
    const int* outer = M.outerIndexPtr();
    const int* inner = M.innerIndexPtr();
    for (Index i = begin; i < end; ++i)
      for (Index k = outer[i]; k < outer[i + 1]; ++k) out(inner[k]) += mv[k] * v(i);
  });
  for (int t = 1; t < threads; ++t) partial[0] += partial[std::size_t(t)];
  return partial[0];
}

}  // namespace weft
