#pragma once
// Selected inversion: the entries of A^-1 on the pattern of A's Cholesky factor, by the
// Takahashi recurrences (Takahashi, Fagan & Chin 1973; Erisman & Tinney 1975). With
// P A P' = L L' and Z = (L L')^-1, for j = q-1 .. 0 and i > j in the pattern of column j:
//   Z_ij = -(1 / L_jj) sum_{k > j} Z_ik L_kj,   Z_jj = 1 / L_jj^2 - (1 / L_jj) sum_{k > j} Z_kj L_kj.
// Every Z_ik needed lies in the pattern (the rows of a column of L form a clique), so the cost
// is sum_j |col_j|^2. The Laplace gradient needs A^-1 only where A' = M'WM + I is non-zero.
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>

#include <algorithm>
#include <vector>

namespace weft {

class SelectedInverse {
 public:
  using Factor = Eigen::SimplicialLLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>>;

  void compute(const Factor& factor) {
    const auto& L = factor.matrixL().nestedExpression();  // column-major, lower, diagonal first
    const int q = int(L.cols());
    outer_.assign(L.outerIndexPtr(), L.outerIndexPtr() + q + 1);
    inner_.assign(L.innerIndexPtr(), L.innerIndexPtr() + L.nonZeros());
    values_.assign(L.nonZeros(), 0.0);
    const double* l = L.valuePtr();
    // Eigen: P A P' = L L' with P = permutationP(); (P x)[p[i]] = x[i] for p = P.indices().
    const auto& p = factor.permutationP().indices();
    position_.resize(q);
    for (int i = 0; i < q; ++i) position_[i] = p[i];
    // Column j's sums run over the clique R_j of its below-diagonal rows: y = Z(R_j, R_j) l(R_j, j),
    // gathered column by column of Z with a position map (no search per entry): the entries of
    // column k in R_j give Z_ik l_k to y_i and, by symmetry, Z_ik l_i to y_k.
    std::vector<int> position_in_column(std::size_t(q), -1);
    std::vector<double> y;
    for (int j = q - 1; j >= 0; --j) {
      const int begin = outer_[j], end = outer_[j + 1];
      const double ljj = l[begin];
      const int m = end - begin - 1;
      for (int t = 0; t < m; ++t) position_in_column[std::size_t(inner_[begin + 1 + t])] = t;
      y.assign(std::size_t(m), 0.0);
      for (int t = 0; t < m; ++t) {
        const int k = inner_[begin + 1 + t];
        const double lk = l[begin + 1 + t];
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
  long permuted_slot(int r, int c) const {
    if (r < c) std::swap(r, c);
    const int* first = inner_.data() + outer_[c];
    const int* last = inner_.data() + outer_[c + 1];
    const int* it = std::lower_bound(first, last, r);
    return (it != last && *it == r) ? long(it - inner_.data()) : -1;
  }

  std::vector<int> outer_, inner_, position_;
  std::vector<double> values_;
};

}  // namespace weft
