#pragma once
// Gauss-Hermite nodes and weights for the standard normal density (probabilists' Hermite
// polynomials), any number of points, by Golub & Welsch (1969): the nodes are the
// eigenvalues of the symmetric tridiagonal Jacobi matrix with off-diagonal sqrt(k), the
// weights the squared first components of its unit eigenvectors. They sum to 1, so
//   E[g(Z)] ~= sum_k w_k g(z_k),  Z ~ N(0, 1).
// Tested against Boost.Math's gauss_hermite (physicists' form, rescaled).
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>

#include <vector>

namespace weft {

struct QuadratureRule {
  std::vector<double> nodes;
  std::vector<double> weights;
};

inline QuadratureRule gauss_hermite_normal(int points) {
  Eigen::MatrixXd jacobi = Eigen::MatrixXd::Zero(points, points);
  for (int k = 1; k < points; ++k) jacobi(k, k - 1) = jacobi(k - 1, k) = std::sqrt(double(k));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(jacobi);
  QuadratureRule rule;
  for (int k = 0; k < points; ++k) {
    const double v = eig.eigenvectors()(0, k);
    rule.nodes.push_back(std::abs(eig.eigenvalues()(k)) < 1e-14 ? 0.0 : eig.eigenvalues()(k));
    rule.weights.push_back(v * v);
  }
  return rule;
}

}  // namespace weft
