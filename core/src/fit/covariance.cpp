#include "fit/covariance.hpp"

#include <Eigen/Eigenvalues>

namespace weft::fit {

namespace {
Matrix sub_matrix(const Matrix& h, const std::vector<Index>& rows, const std::vector<Index>& cols) {
  Matrix out(rows.size(), cols.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j) out(i, j) = h(rows[i], cols[j]);
  return out;
}
}  // namespace

Matrix covariance_block(const Matrix& hessian, const std::vector<Index>& wanted, const std::vector<Index>& others) {
  Matrix schur = sub_matrix(hessian, wanted, wanted);
  if (!others.empty()) {
    const Matrix H_oo = sub_matrix(hessian, others, others);
    const Matrix H_wo = sub_matrix(hessian, wanted, others);
    Eigen::SelfAdjointEigenSolver<Matrix> eig(H_oo);
    const Vector values = eig.eigenvalues();
    const double largest = values.cwiseAbs().maxCoeff();
    Vector inverse_values = Vector::Zero(values.size());
    for (Index i = 0; i < values.size(); ++i)
      if (values(i) > 1e-8 * largest) inverse_values(i) = 1.0 / values(i);
    const Matrix pinv = eig.eigenvectors() * inverse_values.asDiagonal() * eig.eigenvectors().transpose();
    schur -= H_wo * pinv * H_wo.transpose();
  }
  Eigen::LLT<Matrix> llt(0.5 * (schur + schur.transpose()));
  if (llt.info() != Eigen::Success) return Matrix();
  return 2.0 * llt.solve(Matrix::Identity(schur.rows(), schur.cols()));
}

}  // namespace weft::fit
