#pragma once
// Penalised iteratively reweighted least squares: the inner problem of the Laplace
// approximation (Bates et al. 2015, "Fitting linear mixed-effects models using lme4", sec. 5;
// lme4's src/predModule.cpp and respModule.cpp).
//
// For fixed (beta, theta, family parameters) find the mode u~ of
//   f(u) = -2 sum_i log p(y_i | eta_i) + u'u,   eta = X beta + offset + M u,  M = Z Lambda(theta),
// by Newton steps with A = M' W M + I, W = Fisher information (lme4, "expected") or the exact
// -d2 log p / d eta2 (TMB, "observed"), halving the step until f decreases. Then
//   -2 log L ~= f(u~) + log|A(u~)|.
// The sparse Cholesky's symbolic analysis is done once (the pattern never changes).
#include <weft/family.hpp>
#include <weft/model.hpp>
#include <weft/sparse_gram.hpp>

#include <Eigen/SparseCholesky>

#include <cmath>
#include <limits>
#include <span>

namespace weft {

enum class HessianKind { Expected, Observed };

// The outcome of one inner solve; deviance = conditional_deviance + penalty + log_det.
struct InnerSolution {
  double deviance = std::numeric_limits<double>::infinity();
  double conditional_deviance = 0;  // -2 sum log p(y | eta(u~))
  double penalty = 0;               // u~'u~
  double log_det = 0;               // log |M' W M + I|
  int iterations = 0;
  bool converged = false;
};

class PenalizedIrls {
 public:
  PenalizedIrls(const ModelMatrices& model, const Family& family, const Link& link, HessianKind hessian)
      : model_(model), family_(family), link_(link), lambda_(model.terms), Z_(model.Z) {
    hessian_ = (hessian == HessianKind::Expected && family.has_expected_information()) ? HessianKind::Expected
                                                                                       : HessianKind::Observed;
    const Index n = model.n();
    eta_.resize(n);
    log_density_.resize(n);
    d1_.resize(n);
    weights_.resize(n);
    u_ = Vector::Zero(model.q());
    set_theta(model.theta_start());
  }

  HessianKind hessian() const { return hessian_; }
  const Vector& u() const { return u_; }
  void reset_modes() { u_.setZero(); }
  const RowSparseMatrix& M() const { return M_; }
  const SparseMatrix& A() const { return A_; }

  // M = Z Lambda(theta). The product keeps structural zeros, so its pattern is fixed.
  void set_theta(const Vector& theta) {
    lambda_.update(theta);
    M_ = Z_ * lambda_.lambda();
    if (!gram_.matches(M_)) {
      gram_.analyze(M_);
      A_ = gram_.pattern();
      cholesky_.analyzePattern(A_);
    }
  }

  // The mode of u for fixed beta, then the Laplace deviance.
  InnerSolution solve(const Vector& beta, std::span<const double> params, const Vector& eta_zi) {
    eta_fixed_ = model_.X * beta + model_.offset;
    return newton(params, eta_zi, nullptr);
  }

  // lme4's nAGQ = 0 stage: beta joins u in the inner problem; `beta` receives the joint mode.
  InnerSolution solve_with_beta(Vector& beta, std::span<const double> params, const Vector& eta_zi) {
    return newton(params, eta_zi, &beta);
  }

  // diag(Lambda A^-1 Lambda'): conditional variances of b at the last solve (q solves with
  // the factor; only for q up to `max_q`, NaN beyond).
  Vector conditional_variances(Index max_q = 20000) {
    const Index q = model_.q();
    Vector out = Vector::Constant(q, std::numeric_limits<double>::quiet_NaN());
    if (q > max_q || cholesky_.info() != Eigen::Success) return out;
    const SparseMatrix Lt = SparseMatrix(lambda_.lambda().transpose());
    for (Index j = 0; j < q; ++j) {
      Vector e = Vector(Lt.col(j));  // column j of Lambda' = row j of Lambda
      const Vector s = cholesky_.solve(e);
      out(j) = e.dot(s);
    }
    return out;
  }

 private:
  // Evaluates log p, d1 and W at eta = eta_fixed + M u; returns f = -2 sum log p + u'u.
  double evaluate(const Vector& u, std::span<const double> params, const Vector& eta_zi) {
    eta_.noalias() = eta_fixed_ + M_ * u;
    const Observations obs{{model_.y.data(), size_t(model_.n())}, {model_.weights.data(), size_t(model_.n())}};
    const LinearPredictors lp{{eta_.data(), size_t(eta_.size())}, {eta_zi.data(), size_t(eta_zi.size())}};
    FamilyDerivatives out;
    out.log_density = {log_density_.data(), size_t(log_density_.size())};
    out.d1 = {d1_.data(), size_t(d1_.size())};
    if (hessian_ == HessianKind::Expected)
      out.fisher = {weights_.data(), size_t(weights_.size())};
    else
      out.d2 = {weights_.data(), size_t(weights_.size())};
    family_.evaluate(obs, lp, link_, params, out);
    if (hessian_ == HessianKind::Observed) weights_ = -weights_;
    const double value = -2.0 * log_density_.sum() + u.squaredNorm();
    return std::isfinite(value) ? value : std::numeric_limits<double>::infinity();
  }

  // A = M'WM + I at the current weights, factorised; false if not positive definite.
  bool factorize() {
    gram_.assemble(M_, weights_.data(), A_);
    cholesky_.factorize(A_);
    return cholesky_.info() == Eigen::Success;
  }

  double log_det() const {
    const auto& L = cholesky_.matrixL().nestedExpression();
    double s = 0;
    for (Index j = 0; j < L.outerSize(); ++j) s += std::log(L.valuePtr()[L.outerIndexPtr()[j]]);
    return 2.0 * s;
  }

  // Newton iterations in u (and beta when `beta` is given) with step halving.
  InnerSolution newton(std::span<const double> params, const Vector& eta_zi, Vector* beta) {
    InnerSolution result;
    if (beta) eta_fixed_ = model_.X * *beta + model_.offset;
    double f = evaluate(u_, params, eta_zi);
    if (!std::isfinite(f) && u_.squaredNorm() > 0) {  // a warm start gone bad: start at 0
      u_.setZero();
      f = evaluate(u_, params, eta_zi);
    }
    if (!std::isfinite(f)) return result;
    Vector r_u(model_.q()), r_b, du, db;
    bool factor_is_current = false;  // is the Cholesky factor the one at the current u?
    for (int iter = 0; iter < kMaxIterations; ++iter) {
      result.iterations = iter + 1;
      if (!factorize()) return result;
      factor_is_current = true;
      r_u.noalias() = M_.transpose() * d1_ - u_;
      double decrement;
      if (!beta) {
        du = cholesky_.solve(r_u);
        decrement = du.dot(r_u);
      } else {
        // Schur complement of the joint system [A B; B' G] with B = M'WX, G = X'WX.
        const Matrix WX = weights_.asDiagonal() * model_.X;
        const Matrix B = M_.transpose() * WX;
        const Matrix G = model_.X.transpose() * WX;
        r_b = model_.X.transpose() * d1_;
        const Matrix AinvB = cholesky_.solve(B);
        const Vector Ainv_ru = cholesky_.solve(r_u);
        const Matrix S = G - B.transpose() * AinvB;
        db = S.ldlt().solve(r_b - B.transpose() * Ainv_ru);
        du = Ainv_ru - AinvB * db;
        decrement = du.dot(r_u) + db.dot(r_b);
      }
      if (!std::isfinite(decrement)) return result;
      // Converged when the Newton step is negligible. The step is still taken: the Laplace
      // log-determinant depends on u to first order (unlike f, which is stationary), so the
      // mode must be accurate to rounding for smooth finite-difference derivatives.
      const double size = 1.0 + u_.cwiseAbs().maxCoeff() + (beta ? beta->cwiseAbs().maxCoeff() : 0.0);
      const double largest_step = std::max(du.cwiseAbs().maxCoeff(), beta ? db.cwiseAbs().maxCoeff() : 0.0);
      if (largest_step <= kStepTolerance * size || decrement <= 0) {
        u_ += du;
        if (beta) {
          *beta += db;
          eta_fixed_ = model_.X * *beta + model_.offset;
        }
        f = evaluate(u_, params, eta_zi);
        result.converged = std::isfinite(f);
        if (!factorize()) return result;
        factor_is_current = true;
        break;
      }
      // Step halving: the full Newton step can overshoot far from the mode.
      const Vector u_old = u_;
      const Vector beta_old = beta ? *beta : Vector();
      double step = 1.0, f_new = f;
      bool improved = false;
      for (int halving = 0; halving < kMaxHalvings; ++halving, step *= 0.5) {
        u_ = u_old + step * du;
        if (beta) {
          *beta = beta_old + step * db;
          eta_fixed_ = model_.X * *beta + model_.offset;
        }
        f_new = evaluate(u_, params, eta_zi);
        if (f_new <= f + 1e-12 * std::abs(f)) {
          improved = step > kStallStep;  // accepted only after many halvings: stalled
          break;
        }
      }
      if (!improved) {
        // No descent the line search can see. Near the mode that is rounding in f (e.g. NB2
        // with a huge theta): trust the full Newton step. Far from it, stop where we were.
        result.converged = decrement < kStallDecrement * std::max(1.0, std::abs(f));
        u_ = result.converged ? Vector(u_old + du) : u_old;
        if (beta) {
          *beta = result.converged ? Vector(beta_old + db) : beta_old;
          eta_fixed_ = model_.X * *beta + model_.offset;
        }
        f = evaluate(u_, params, eta_zi);
        if (!factorize()) return result;
        factor_is_current = true;
        break;
      }
      f = f_new;
      factor_is_current = false;
    }
    if (!factor_is_current && !factorize()) return result;
    result.conditional_deviance = -2.0 * log_density_.sum();
    result.penalty = u_.squaredNorm();
    result.log_det = log_det();
    result.deviance = result.conditional_deviance + result.penalty + result.log_det;
    if (!std::isfinite(result.deviance)) result.deviance = std::numeric_limits<double>::infinity();
    return result;
  }

  static constexpr int kMaxIterations = 200;
  static constexpr int kMaxHalvings = 40;
  static constexpr double kStepTolerance = 1e-10;       // largest Newton step relative to |u|, |beta|
  static constexpr double kStallDecrement = 1e-8;       // Newton decrement (relative to |f|) at which a
                                                        // stalled line search means rounding, not trouble
  static constexpr double kStallStep = 1e-4;            // a step halved below this makes no progress

  const ModelMatrices& model_;
  const Family& family_;
  const Link& link_;
  HessianKind hessian_;
  RelativeCovarianceFactor lambda_;
  RowSparseMatrix Z_, M_;
  SparseGram gram_;
  SparseMatrix A_;
  Eigen::SimplicialLLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>> cholesky_;
  Vector u_, eta_fixed_, eta_, log_density_, d1_, weights_;
};

}  // namespace weft
