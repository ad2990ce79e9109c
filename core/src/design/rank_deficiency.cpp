#include "design/rank_deficiency.hpp"

#include "distributed/shard_agreement.hpp"

#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace weft::design {

namespace {

double norm2(const double* x, Index n) {
  // BLAS dnrm2 scales to avoid overflow; so do we.
  double scale = 0, ssq = 1;
  for (Index i = 0; i < n; ++i) {
    if (x[i] == 0) continue;
    const double a = std::fabs(x[i]);
    if (scale < a) {
      ssq = 1 + ssq * (scale / a) * (scale / a);
      scale = a;
    } else {
      ssq += (a / scale) * (a / scale);
    }
  }
  return scale * std::sqrt(ssq);
}

}  // namespace

std::vector<int> full_rank_columns(const Matrix& X, double tolerance) {
  const Index n = X.rows(), p = X.cols();
  const auto cols = static_cast<std::size_t>(p);
  std::vector<int> pivot(cols);
  std::iota(pivot.begin(), pivot.end(), 0);
  if (p == 0) return pivot;
  Matrix x = X;  // dqrdc2 works in place, column-major
  // qraux: norm of the part of each column not yet reduced; original: its norm at the start.
  std::vector<double> qraux(cols), original(cols);
  for (std::size_t j = 0; j < cols; ++j) {
    qraux[j] = norm2(&x(0, Index(j)), n);
    original[j] = qraux[j] == 0 ? 1.0 : qraux[j];
  }
  const Index steps = std::min(n, p);
  Index k = p + 1;  // 1-based as in the Fortran
  for (Index l = 0; l < steps; ++l) {
    const auto ls = static_cast<std::size_t>(l);
    // Cycle negligible columns to the right-hand edge.
    while (l + 1 < k && qraux[ls] < original[ls] * tolerance) {
      for (Index i = 0; i < n; ++i) {
        const double t = x(i, l);
        for (Index j = l + 1; j < p; ++j) x(i, j - 1) = x(i, j);
        x(i, p - 1) = t;
      }
      std::rotate(pivot.begin() + l, pivot.begin() + l + 1, pivot.end());
      std::rotate(qraux.begin() + l, qraux.begin() + l + 1, qraux.end());
      std::rotate(original.begin() + l, original.begin() + l + 1, original.end());
      --k;
    }
    if (l == n - 1) continue;
    // Householder transformation for column l.
    double nrmxl = norm2(&x(l, l), n - l);
    if (nrmxl == 0) continue;
    if (x(l, l) != 0) nrmxl = std::copysign(nrmxl, x(l, l));
    for (Index i = l; i < n; ++i) x(i, l) /= nrmxl;
    x(l, l) += 1.0;
    for (Index j = l + 1; j < p; ++j) {
      const auto js = static_cast<std::size_t>(j);
      double dot = 0;
      for (Index i = l; i < n; ++i) dot += x(i, l) * x(i, j);
      const double t = -dot / x(l, l);
      for (Index i = l; i < n; ++i) x(i, j) += t * x(i, l);
      if (qraux[js] == 0) continue;
      const double ratio = std::fabs(x(l, j)) / qraux[js];
      const double tt = std::max(1.0 - ratio * ratio, 0.0);
      // R's 9/99 change: recompute the norm when it has shrunk a lot.
      if (tt >= 1e-6) qraux[js] *= std::sqrt(tt);
      else qraux[js] = norm2(&x(l + 1, j), n - l - 1);
    }
    qraux[ls] = x(l, l);
    x(l, l) = -nrmxl;
  }
  const Index rank = std::min(k - 1, n);
  std::vector<int> kept(pivot.begin(), pivot.begin() + rank);
  std::sort(kept.begin(), kept.end());
  return kept;
}

std::vector<int> full_rank_columns(const Matrix& X, const RowShards* shards, double tolerance) {
  if (!shards) return full_rank_columns(X, tolerance);
  const Index p = X.cols();
  // This process's rows reduced to min(n, p) rows with the same Gram matrix, row by row.
  Matrix reduced = X;
  if (X.rows() > p) reduced = Eigen::HouseholderQR<Matrix>(X).matrixQR().topRows(p).triangularView<Eigen::Upper>();
  std::vector<double> rows(std::size_t(reduced.size()));
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(rows.data(), reduced.rows(), p) = reduced;
  const std::vector<double> all = distributed::numbers_of_every_shard(shards, rows);
  const Index stacked = p == 0 ? 0 : Index(all.size()) / p;
  const Matrix stack = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(all.data(), stacked, p);
  return full_rank_columns(stack, tolerance);
}

std::string rank_deficiency_message(std::size_t dropped, const std::string& matrix) {
  return matrix + " model matrix is rank deficient so dropping " + std::to_string(dropped) +
         (dropped == 1 ? " column / coefficient" : " columns / coefficients");
}

}  // namespace weft::design
