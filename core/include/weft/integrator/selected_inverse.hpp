#pragma once
// Selected inversion: the entries of A^-1 on the pattern of A's Cholesky factor, by the
// Takahashi recurrences (Takahashi, Fagan & Chin 1973; Erisman & Tinney 1975). With
// P A P' = L L' and Z = (L L')^-1, for j = q-1 .. 0 and i > j in the pattern of column j:
//   Z_ij = -(1 / L_jj) sum_{k > j} Z_ik L_kj,   Z_jj = 1 / L_jj^2 - (1 / L_jj) sum_{k > j} Z_kj L_kj.
// Every Z_ik needed lies in the pattern (the rows of a column of L form a clique), so the cost
// is sum_j |col_j|^2. The Laplace gradient needs A^-1 only where A' = M'WM + I is non-zero.
//
// Crossed factors make the trailing columns of L (nearly) dense (InstEval: 1,128 lecturers once
// the students are eliminated). There the recurrences are run as dense blocked algebra instead
// (LAPACK's potri: Z_tail = L_tail^-T L_tail^-1, the Schur complement's inverse), and the
// sparse columns read Z_tail from a dense matrix.
#include <Eigen/Dense>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>

#include <algorithm>
#include <vector>

namespace weft {

namespace dense_triangular {

using DenseBlock = Eigen::Ref<Eigen::MatrixXd>;
// Below this order the recursions below stop splitting (Eigen's own kernels are fast enough).
constexpr Eigen::Index kLeafOrder = 64;

// L <- L^-1 for lower-triangular L (LAPACK's trtri, recursively: [A 0; C D]^-1 =
// [A^-1 0; -D^-1 C A^-1  D^-1]), m^3 / 3 flops in matrix products; the upper part is not read.
inline void invert_lower(DenseBlock L) {
  const Eigen::Index n = L.rows();
  if (n <= kLeafOrder) {
    Eigen::MatrixXd inverse = Eigen::MatrixXd::Identity(n, n);
    L.triangularView<Eigen::Lower>().solveInPlace(inverse);
    L.triangularView<Eigen::Lower>() = inverse;
    return;
  }
  const Eigen::Index h = n / 2;
  invert_lower(L.topLeftCorner(h, h));
  invert_lower(L.bottomRightCorner(n - h, n - h));
  const Eigen::MatrixXd DinvC = L.bottomRightCorner(n - h, n - h).triangularView<Eigen::Lower>() * L.bottomLeftCorner(n - h, h);
  L.bottomLeftCorner(n - h, h).noalias() = -(DinvC * L.topLeftCorner(h, h).triangularView<Eigen::Lower>());
}

// The lower triangle of T'T written over lower-triangular T (LAPACK's lauum, recursively:
// [A 0; C D]'[A 0; C D] = [A'A + C'C  C'D; D'C  D'D]).
inline void lower_gram(DenseBlock T) {
  const Eigen::Index n = T.rows();
  if (n <= kLeafOrder) {
    const Eigen::MatrixXd lower = T.triangularView<Eigen::Lower>();
    T.triangularView<Eigen::Lower>() = lower.transpose() * lower;
    return;
  }
  const Eigen::Index h = n / 2;
  lower_gram(T.topLeftCorner(h, h));
  T.topLeftCorner(h, h).selfadjointView<Eigen::Lower>().rankUpdate(T.bottomLeftCorner(n - h, h).transpose());
  const Eigen::MatrixXd DtC = T.bottomRightCorner(n - h, n - h).triangularView<Eigen::Lower>().transpose() * T.bottomLeftCorner(n - h, h);
  T.bottomLeftCorner(n - h, h) = DtC;
  lower_gram(T.bottomRightCorner(n - h, n - h));
}

}  // namespace dense_triangular

class SelectedInverse {
 public:
  using Factor = Eigen::SimplicialLLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>>;

  // A factor of A with Eigen's AMD ordering.
  void compute(const Factor& factor) { compute(factor.matrixL().nestedExpression(), factor.permutationP().indices()); }

  // L: the factor of P A P' (column-major, lower, diagonal first in each column, rows sorted);
  // p: P's indices, (P x)[p[i]] = x[i] (Eigen's convention).
  template <class Indices>
  void compute(const Eigen::SparseMatrix<double>& L, const Indices& p) {
    const int q = int(L.cols());
    outer_.assign(L.outerIndexPtr(), L.outerIndexPtr() + q + 1);
    inner_.assign(L.innerIndexPtr(), L.innerIndexPtr() + L.nonZeros());
    values_.assign(L.nonZeros(), 0.0);
    const double* l = L.valuePtr();
    position_.resize(q);
    for (int i = 0; i < q; ++i) position_[i] = p[i];
    const int tail = dense_tail_start();
    invert_dense_tail(l, tail);
    // Column j's sums run over the clique R_j of its below-diagonal rows: y = Z(R_j, R_j) l(R_j, j),
    // gathered column by column of Z with a position map (no search per entry): the entries of
    // column k in R_j give Z_ik l_k to y_i and, by symmetry, Z_ik l_i to y_k. Rows in the dense
    // tail are last in R_j (rows are sorted), and their Z comes from tail_inverse_.
    std::vector<int> position_in_column(std::size_t(q), -1);
    std::vector<double> y;
    for (int j = tail - 1; j >= 0; --j) {
      const int begin = outer_[j], end = outer_[j + 1];
      const double ljj = l[begin];
      const int m = end - begin - 1;
      for (int t = 0; t < m; ++t) position_in_column[std::size_t(inner_[begin + 1 + t])] = t;
      y.assign(std::size_t(m), 0.0);
      for (int t = 0; t < m; ++t) {
        const int k = inner_[begin + 1 + t];
        const double lk = l[begin + 1 + t];
        if (k >= tail) {
          for (int s = t; s < m; ++s) {
            const double z = tail_inverse_(inner_[begin + 1 + s] - tail, k - tail);
            y[std::size_t(s)] += z * lk;
            if (s != t) y[std::size_t(t)] += z * l[begin + 1 + s];
          }
          continue;
        }
        for (int e = outer_[k]; e < outer_[k + 1]; ++e) {
          const int pi = position_in_column[std::size_t(inner_[e])];
          if (pi < 0) continue;
          const double z = values_[std::size_t(e)];
          y[std::size_t(pi)] += z * lk;
          if (pi != t) y[std::size_t(t)] += z * l[begin + 1 + pi];
        }
      }
      double sum = 0;
      for (int t = 0; t < m; ++t) {
        values_[std::size_t(begin + 1 + t)] = -y[std::size_t(t)] / ljj;
        sum += values_[std::size_t(begin + 1 + t)] * l[begin + 1 + t];
        position_in_column[std::size_t(inner_[begin + 1 + t])] = -1;
      }
      values_[std::size_t(begin)] = 1.0 / (ljj * ljj) - sum / ljj;
    }
  }

  // (A^-1)_{ab} in A's own indexing; (a, b) must be in A's pattern (or in L's fill).
  double operator()(int a, int b) const {
    const long s = slot(a, b);
    return s < 0 ? 0.0 : values_[std::size_t(s)];
  }
  // Where (A^-1)_{ab} is stored (-1 outside the pattern): fixed for one symbolic analysis, so
  // callers reading the same entries for every factorisation can look them up once.
  long slot(int a, int b) const { return permuted_slot(position_[a], position_[b]); }
  double value(long slot) const { return values_[std::size_t(slot)]; }

 private:
  // The first column of the dense tail: the split that minimises the estimated work, the
  // recurrences' sum_j |col_j|^2 over the sparse columns plus the dense inversion's (2/3) m^3
  // over the tail. The weight 1/64 per dense flop is measured (InstEval): the recurrences'
  // indirect scalar loops touch more than |col_j|^2 entries, the matrix products are vectorised;
  // 1/8 left 550 long sparse columns to the recurrences and cost 20 % more.
  int dense_tail_start() const {
    constexpr double kDenseFlopShare = (2.0 / 3.0) / 64.0;
    const int q = int(outer_.size()) - 1;
    double sparse_work = 0;
    for (int c = 0; c < q; ++c) sparse_work += double(outer_[c + 1] - outer_[c]) * double(outer_[c + 1] - outer_[c]);
    int tail = q;
    double best = sparse_work;
    for (int c = q - 1; c >= 0; --c) {
      sparse_work -= double(outer_[c + 1] - outer_[c]) * double(outer_[c + 1] - outer_[c]);
      const double order = double(q - c), work = sparse_work + kDenseFlopShare * order * order * order;
      if (work < best) {
        best = work;
        tail = c;
      }
    }
    return tail;
  }

  // tail_inverse_ = (L_tail L_tail')^-1 over columns [tail, q), and its entries on L's pattern.
  void invert_dense_tail(const double* l, int tail) {
    const int q = int(outer_.size()) - 1, m = q - tail;
    tail_inverse_.setZero(m, m);
    for (int c = tail; c < q; ++c)
      for (int e = outer_[c]; e < outer_[c + 1]; ++e) tail_inverse_(inner_[e] - tail, c - tail) = l[e];
    dense_triangular::invert_lower(tail_inverse_);
    dense_triangular::lower_gram(tail_inverse_);
    for (int c = tail; c < q; ++c)
      for (int e = outer_[c]; e < outer_[c + 1]; ++e) values_[std::size_t(e)] = tail_inverse_(inner_[e] - tail, c - tail);
  }

  long permuted_slot(int r, int c) const {
    if (r < c) std::swap(r, c);
    const int* first = inner_.data() + outer_[c];
    const int* last = inner_.data() + outer_[c + 1];
    const int* it = std::lower_bound(first, last, r);
    return (it != last && *it == r) ? long(it - inner_.data()) : -1;
  }

  std::vector<int> outer_, inner_, position_;
  std::vector<double> values_;
  Eigen::MatrixXd tail_inverse_;  // lower triangle: A^-1 over the dense tail (permuted order)
};

}  // namespace weft
