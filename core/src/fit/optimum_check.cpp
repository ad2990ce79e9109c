// check_optimum: is the point an optimum? (pipeline.hpp)
#include "fit/pipeline.hpp"

#include <Eigen/Eigenvalues>

#include <cmath>

namespace weft::fit {

namespace {
constexpr double kHessianStep = 1e-4;        // relative step of the Hessian's differences
constexpr double kSingularTolerance = 1e-4;  // lme4's isSingular(tol = 1e-4) on theta
constexpr double kNegativeCurvature = 1e-6;  // eigenvalues below -1e-6 max|lambda| are negative
constexpr double kModeAgreement = 1e-7;      // warm and cold inner solves agree to this (relative)
}  // namespace

OptimumCheck check_optimum(const EstimationProblem& problem, DevianceFunction& deviance, const Optimum& optimum) {
  const ParameterLayout& layout = problem.layout;
  const Vector& x = optimum.x;
  OptimumCheck c;
  const double f = deviance(x);
  // The same point with the inner problem solved afresh: a different value means the inner
  // problem has several modes here and the warm start decided which one the optimizer saw.
  problem.likelihood.forget_modes();
  c.cold_start_deviance = deviance(x);
  // (A cold solve that does not converge, from u = 0 far from a mode with huge variances, says
  // nothing about other modes.)
  c.inner_mode_unique = !std::isfinite(c.cold_start_deviance) ||
                        !(std::abs(c.cold_start_deviance - f) > kModeAgreement * (1.0 + std::abs(f)));
  c.derivatives = deviance.derivatives(x, f, difference_steps(x, kHessianStep));
  deviance(x);  // back to the point's modes
  const Vector& g = c.derivatives.gradient;
  const Matrix& H = c.derivatives.hessian;
  if (!std::isfinite(f) || !g.allFinite() || !H.allFinite()) {
    c.gradient_measure = std::numeric_limits<double>::infinity();
    return c;
  }

  // A variance at zero is a boundary, as lme4's bound theta_diag >= 0: it is left out of the
  // checks unless the deviance curves down away from it (then 0 is not the optimum).
  const auto diagonal = problem.model.theta_diagonal_mask();
  std::vector<Index> zero_variances;
  for (Index i = 0; i < layout.n_theta(); ++i)
    if (diagonal(i) && std::abs(x(layout.theta_begin() + i)) < kSingularTolerance) {
      c.singular = true;
      zero_variances.push_back(layout.theta_begin() + i);
    }
  for (Index i = 0; i < layout.size(); ++i) {
    const bool at_lower = x(i) - problem.lower(i) < 1e-8 && g(i) > 0;
    const bool at_upper = problem.upper(i) - x(i) < 1e-8 && g(i) < 0;
    const bool zero_variance = std::find(zero_variances.begin(), zero_variances.end(), i) != zero_variances.end();
    if (!at_lower && !at_upper && !zero_variance) c.free.push_back(i);
  }
  const Index m = Index(c.free.size());
  const Matrix H_free = free_hessian(c);

  double most_negative = 0;
  double scale = 0;
  if (m > 0) {
    Eigen::SelfAdjointEigenSolver<Matrix> eig(H_free);
    const Vector& lambda = eig.eigenvalues();  // ascending
    scale = lambda.cwiseAbs().maxCoeff();
    for (Index k = 0; k < m; ++k) c.negative_eigenvalues += lambda(k) < -kNegativeCurvature * scale;
    if (lambda(0) < -kNegativeCurvature * scale) {
      most_negative = lambda(0);
      c.descent_direction = Vector::Zero(layout.size());
      for (Index a = 0; a < m; ++a) c.descent_direction(c.free[a]) = eig.eigenvectors()(a, 0);
    }
  }
  for (Index i : zero_variances) {
    const double curvature = H(i, i);
    if (curvature < -kNegativeCurvature * std::max(scale, std::abs(curvature))) {
      ++c.negative_eigenvalues;
      if (curvature < most_negative) {
        most_negative = curvature;
        c.descent_direction = Vector::Unit(layout.size(), i);
      }
    }
  }

  const Eigen::LLT<Matrix> llt(H_free);
  c.positive_definite = m == 0 || (llt.info() == Eigen::Success && c.negative_eigenvalues == 0);
  measure_gradient(c, llt);
  return c;
}

Matrix free_hessian(const OptimumCheck& check) {
  const Index m = Index(check.free.size());
  const Matrix& H = check.derivatives.hessian;
  Matrix H_free(m, m);
  for (Index a = 0; a < m; ++a)
    for (Index b = 0; b < m; ++b) H_free(a, b) = H(check.free[a], check.free[b]);
  return 0.5 * (H_free + H_free.transpose());
}

Vector free_gradient(const OptimumCheck& check) {
  Vector g_free(Index(check.free.size()));
  for (Index a = 0; a < g_free.size(); ++a) g_free(a) = check.derivatives.gradient(check.free[a]);
  return g_free;
}

void measure_gradient(OptimumCheck& check, const Eigen::LLT<Matrix>& free_hessian_factor) {
  // lme4's gradient check: max over parameters of min(|L^-1 g|, |g|) with H = L L'; where H
  // is not positive definite, |g| alone.
  const Vector g_free = free_gradient(check);
  const bool factored = free_hessian_factor.info() == Eigen::Success && free_hessian_factor.rows() == g_free.size();
  const Vector scaled = factored ? Vector(free_hessian_factor.matrixL().solve(g_free)) : g_free;
  check.gradient_measure = 0;
  check.gradient_component = -1;
  for (Index a = 0; a < g_free.size(); ++a) {
    const double measure = std::min(std::abs(scaled(a)), std::abs(g_free(a)));
    if (measure > check.gradient_measure) {
      check.gradient_measure = measure;
      check.gradient_component = a;
    }
  }
}

}  // namespace weft::fit
