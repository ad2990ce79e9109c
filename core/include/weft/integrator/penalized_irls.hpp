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
#include <weft/integrator/conditional_covariance.hpp>
#include <weft/integrator/model.hpp>
#include <weft/integrator/parallel_family.hpp>
#include <weft/integrator/selected_inverse.hpp>
#include <weft/integrator/sparse_gram.hpp>
#include <weft/integrator/spherical_design.hpp>

#include <Eigen/SparseCholesky>

#include <weft/integrator/integrator.hpp>

#include <cmath>
#include <limits>
#include <span>

namespace weft {

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
      : model_(model), family_(family), link_(link), lambda_(model.terms), design_(model) {
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

  // The log-density terms that depend on the data alone, summed once (see omit_constants).
  // Measured as the difference of one evaluation with and without them, at eta = offset and
  // the given family parameters; zero for families that do not separate them.
  void measure_constants(std::span<const double> params, const Vector& eta_zi) {
    const std::size_t n = std::size_t(model_.n());
    const Observations obs{{model_.y.data(), n}, {model_.weights.data(), n}};
    const LinearPredictors lp{{model_.offset.data(), n}, {eta_zi.data(), std::size_t(eta_zi.size())}};
    Vector with(model_.n()), without(model_.n());
    FamilyDerivatives out;
    out.log_density = {with.data(), n};
    evaluate_in_parallel(family_, obs, lp, link_, params, out);
    out.log_density = {without.data(), n};
    out.omit_constants = true;
    evaluate_in_parallel(family_, obs, lp, link_, params, out);
    const double difference = sum_over_shards(model_.shards, (with - without).sum());
    log_constant_ = std::isfinite(difference) ? difference : 0.0;
    omit_constants_ = std::isfinite(difference);
    constants_measured_ = true;
  }

  HessianKind hessian() const { return hessian_; }
  // The data-only log-density terms the evaluations leave out (see measure_constants), and
  // whether they are left out; valid after the first solve.
  double log_constant() const { return log_constant_; }
  bool omits_constants() const { return omit_constants_; }
  const Vector& u() const { return u_; }
  void reset_modes() { u_.setZero(); }
  const RowSparseMatrix& M() const { return design_.M(); }
  const SparseMatrix& A() const { return A_; }

  // M = Z Lambda(theta), values only (the pattern is fixed, so is the Cholesky analysis).
  //
  // The warm start carries over in b = Lambda u, not in u: the linear predictor then stays
  // where the last solve left it. (u itself scales like 1 / theta: a mode found at a small
  // theta, reused at a large one, puts eta far out and overflows the weights.)
  void set_theta(const Vector& theta) {
    if (theta_.size() == theta.size() && theta != theta_) carry_modes_to(theta);
    theta_ = theta;
    design_.update(theta);
    if (!gram_.matches(M_)) {
      gram_.analyze(M_, model_.shards);
      A_ = gram_.pattern();
      cholesky_.analyzePattern(A_);
      inverse_slots_.clear();  // a new pattern moves the selected inverse's slots
    }
  }

  // The mode of u for fixed beta, then the Laplace deviance.
  InnerSolution solve(const Vector& beta, std::span<const double> params, const Vector& eta_zi) {
    set_eta_fixed(beta);
    return newton(params, eta_zi, nullptr);
  }

  // lme4's nAGQ = 0 stage: beta joins u in the inner problem; `beta` receives the joint mode.
  InnerSolution solve_with_beta(Vector& beta, std::span<const double> params, const Vector& eta_zi) {
    return newton(params, eta_zi, &beta);
  }

  // Gradient of the Laplace deviance D = f(u~) + log|H| at the last solve() (u~ at its mode),
  // in beta, theta, the family parameters (natural scale) and beta_zi:
  //   dD/dpsi = df/dpsi + dlog|H|/dpsi |_u + (dlog|H|/du)' du~/dpsi,
  //   dlog|H|/du = M'c with c_i = W'_i h_i, h = diag(M H^-1 M') (selected inverse of H),
  //   du~/dpsi = -K^-1 d(f_u / 2)/dpsi with K = M' W_obs M + I (= H for the observed Hessian).
  // W' (and derivatives in family parameters and eta_zi) by central differences of the
  // family's outputs per row. Returns false if K is not positive definite.
  //
  // With `beta_in_inner_problem` (the stage-1 objective, after solve_with_beta()) beta is part
  // of the mode: the implicit step solves the joint (u, beta) system, M v becomes
  // M v_u + X v_beta, and no beta gradient is returned.
  bool gradient(const Vector& theta, std::span<const double> params, const Vector& eta_zi, ModelParameters& g,
                bool beta_in_inner_problem = false) {
    const Index n = model_.n();
    const RowSparseMatrix& M = M_;
    // Per-row quantities at the mode: W (the Hessian flavour's), W_obs, W' = dW/deta.
    const Vector &W = weights_, &d1 = d1_, &eta = eta_;  // the solve's, not changed below
    Vector& W_obs = work_.w_obs;
    W_obs = W;
    if (hessian_ == HessianKind::Expected) derivatives_at(eta, params, eta_zi, nullptr, nullptr, nullptr, &W_obs);
    Vector& W_prime = work_.w_prime;
    weight_slopes(eta, params, eta_zi, W_prime);
    // h_i = M_i S M_i' and t = S M_i' on row i's columns (S = H^-1 on H's pattern).
    inverse_.compute(cholesky_);
    Vector& h = work_.h;
    h.resize(n);
    std::vector<double>& t = work_.t;
    t.resize(std::size_t(M.nonZeros()));
    const int* outer = M.outerIndexPtr();
    const int* cols = M.innerIndexPtr();
    const double* mv = M.valuePtr();
    // Where each (a, b) pair of a row's columns sits in the selected inverse: fixed with the
    // pattern, so looked up once (rows have few columns; pairs are stored row by row).
    if (inverse_slots_.empty()) {
      std::size_t pairs = 0;
      for (Index i = 0; i < n; ++i) pairs += std::size_t(outer[i + 1] - outer[i]) * std::size_t(outer[i + 1] - outer[i]);
      inverse_slots_.reserve(pairs);
      for (Index i = 0; i < n; ++i)
        for (int a = outer[i]; a < outer[i + 1]; ++a)
          for (int b = outer[i]; b < outer[i + 1]; ++b) inverse_slots_.push_back(inverse_.slot(cols[a], cols[b]));
    }
    const long* slot = inverse_slots_.data();
    for (Index i = 0; i < n; ++i) {
      double hi = 0;
      for (int a = outer[i]; a < outer[i + 1]; ++a) {
        double ta = 0;
        for (int b = outer[i]; b < outer[i + 1]; ++b, ++slot) ta += (*slot < 0 ? 0.0 : inverse_.value(*slot)) * mv[b];
        t[a] = ta;
        hi += mv[a] * ta;
      }
      h(i) = hi;
    }
    Vector& c = work_.c;
    c = W_prime.cwiseProduct(h);
    // v = K^-1 M'c: the implicit-function direction (joint with beta when it is profiled).
    const Vector g_u = shard_sum(transpose_times(M, c));
    const SimplicialFactor* K = &cholesky_;
    if (hessian_ == HessianKind::Expected) {
      gram_.assemble(M, W_obs.data(), K_);
      if (!K_analyzed_) {
        observed_cholesky_.analyzePattern(K_);
        K_analyzed_ = true;
      }
      observed_cholesky_.factorize(K_);
      if (observed_cholesky_.info() != Eigen::Success) return false;
      K = &observed_cholesky_;
    }
    Vector v, v_beta;
    if (beta_in_inner_problem)
      solve_joint(*K, W_obs, g_u, shard_sum(model_.X.transpose() * c), v, v_beta);
    else
      v = K->solve(g_u);
    Vector& Mv = work_.mv;
    Mv.noalias() = M * v;
    if (beta_in_inner_problem) {
      work_.xv.noalias() = model_.X * v_beta;
      Mv += work_.xv;
    }
    // Per-row coefficient of d eta: -2 d1 + c - W_obs (M v).
    Vector& r = work_.r;
    r = -2.0 * d1 + c - W_obs.cwiseProduct(Mv);
    g.beta = shard_sum(model_.X.transpose() * r);
    // theta_j <-> T(a, b) of a term: d eta_i / d theta_j = z_ia u_(base+b), plus the trace
    // 2 W_i z_ia (S M_i')_(base+b) and the implicit part d1_i z_ia v_(base+b).
    g.theta = Vector::Zero(theta.size());
    const auto& zvalues = design_.zvalues();
    for (Index i = 0; i < n; ++i)
      for (Index blk = design_.row_begin(i); blk < design_.row_end(i); ++blk) {
        const auto& block = design_.block(blk);
        const RandomEffectTerm& term = design_.terms()[block.term];
        for (Index b = 0; b < term.k(); ++b) {
          const Index col = block.base + b;
          const double trace = t[block.first_m + b];
          for (Index a = b; a < term.k(); ++a) {
            const double z = zvalues[block.first_z + a];
            if (z == 0) continue;
            g.theta(term.first_theta + term.theta_index(a, b)) +=
                z * (r(i) * u_(col) + 2.0 * W(i) * trace + d1(i) * v(col));
          }
        }
      }
    sum_over_shards(model_.shards, g.theta);
    // Family parameters and eta_zi move log p, d1 and W without moving eta.
    // (Central differences in place: l1 <- (l1 - l0) / (2 step), and so on.)
    Vector &l1 = work_.l1, &l0 = work_.l0, &a1 = work_.a1, &a0 = work_.a0, &w1 = work_.w1, &w0 = work_.w0;
    const auto row_terms = [&](const Vector& dl, const Vector& dd1, const Vector& dW) -> const Vector& {
      work_.row_terms = -2.0 * dl + h.cwiseProduct(dW) + Mv.cwiseProduct(dd1);
      return work_.row_terms;
    };
    g.family.assign(params.size(), 0.0);
    for (std::size_t k = 0; k < params.size(); ++k) {
      std::vector<double> up(params.begin(), params.end()), down = up;
      const double step = 1e-6 * std::max(1.0, std::abs(params[k]));
      up[k] += step;
      down[k] -= step;
      for (Vector* v : {&l1, &l0, &a1, &a0, &w1, &w0}) v->resize(n);
      derivatives_at(eta, up, eta_zi, &l1, &a1, &w1, nullptr);
      derivatives_at(eta, down, eta_zi, &l0, &a0, &w0, nullptr);
      l1 = (l1 - l0) / (2 * step);
      a1 = (a1 - a0) / (2 * step);
      w1 = (w1 - w0) / (2 * step);
      g.family[k] = row_terms(l1, a1, w1).sum();
    }
    sum_over_shards(model_.shards, g.family);
    g.beta_zi = Vector::Zero(model_.X_zi.cols());
    if (model_.X_zi.cols() > 0) {
      const Vector step = (eta_zi.cwiseAbs().array().max(1.0) * 1e-5).matrix();
      for (Vector* v : {&l1, &l0, &a1, &a0, &w1, &w0}) v->resize(n);
      derivatives_at(eta, params, eta_zi + step, &l1, &a1, &w1, nullptr);
      derivatives_at(eta, params, eta_zi - step, &l0, &a0, &w0, nullptr);
      const Vector two_step = 2.0 * step;
      l1 = (l1 - l0).cwiseQuotient(two_step);
      a1 = (a1 - a0).cwiseQuotient(two_step);
      w1 = (w1 - w0).cwiseQuotient(two_step);
      g.beta_zi = shard_sum(model_.X_zi.transpose() * row_terms(l1, a1, w1));
    }
    return g.beta.allFinite() && g.theta.allFinite() && g.beta_zi.allFinite();
  }

  // lme4's condVar at the last solve: the level blocks of Lambda A^-1 Lambda', A = M'WM + I with
  // the flavour's weights at the mode (the factor the log-determinant used).
  std::vector<std::vector<Matrix>> conditional_covariances() const {
    if (cholesky_.info() != Eigen::Success || theta_.size() != model_.n_theta()) return {};
    return conditional_covariance_blocks(cholesky_, model_.terms, theta_, 1.0);
  }

  // The fixed-effects block of the joint (u, beta) Hessian with u eliminated,
  //   S = X'WX - X'WM (M'WM + I)^-1 M'WX,
  // at the last solve (exact weights, the factor of A at the mode): log|H_joint| = log|A| +
  // log|S| (REML's log-determinant), and S^-1 is beta's covariance conditional on theta.
  Matrix beta_schur_complement() const {
    Matrix B, AinvB;
    return schur_complement(cholesky_, weights_, B, AinvB);
  }

  // The family's outputs at arbitrary eta: log p, d1, W (this solver's flavour), W_obs (-d2).
  void derivatives_at(const Vector& eta, std::span<const double> params, const Vector& eta_zi, Vector* log_density,
                      Vector* d1, Vector* w, Vector* w_obs) const {
    const std::size_t n = std::size_t(model_.n());
    const Observations obs{{model_.y.data(), n}, {model_.weights.data(), n}};
    const LinearPredictors lp{{eta.data(), n}, {eta_zi.data(), std::size_t(eta_zi.size())}};
    FamilyDerivatives out;
    if (log_density) out.log_density = {log_density->data(), n};
    if (d1) out.d1 = {d1->data(), n};
    Vector& d2 = work_.d2;
    const bool want_observed = w_obs || (w && hessian_ == HessianKind::Observed);
    if (want_observed) {
      d2.resize(model_.n());
      out.d2 = {d2.data(), n};
    }
    if (w && hessian_ == HessianKind::Expected) out.fisher = {w->data(), n};
    evaluate_in_parallel(family_, obs, lp, link_, params, out);
    if (w && hessian_ == HessianKind::Observed) *w = -d2;
    if (w_obs) *w_obs = -d2;
  }

  // dW/deta per row (W of this solver's flavour) by central differences: the third-derivative
  // information the gradients of log|H| (Laplace) and of the AGQ scales need.
  // `slopes` receives them (the buffers of the differences are kept between calls).
  void weight_slopes(const Vector& eta, std::span<const double> params, const Vector& eta_zi, Vector& slopes) const {
    Vector &step = work_.step, &shifted = work_.shifted, &up = work_.up, &down = work_.down;
    step = (eta.cwiseAbs().array().max(1.0) * 1e-5).matrix();
    up.resize(model_.n());
    down.resize(model_.n());
    shifted = eta + step;
    derivatives_at(shifted, params, eta_zi, nullptr, nullptr, &up, nullptr);
    shifted = eta - step;
    derivatives_at(shifted, params, eta_zi, nullptr, nullptr, &down, nullptr);
    slopes = (up - down).cwiseQuotient(2.0 * step);
  }

 private:
  // A sum over this process's rows completed over every shard (row_shards.hpp).
  template <class Expression>
  typename Expression::PlainObject shard_sum(const Expression& rows) const {
    return summed_over_shards(model_.shards, rows);
  }

  // Evaluates log p, d1 and W at eta = eta_fixed + M u; returns f = -2 sum log p + u'u.
  double evaluate(const Vector& u, std::span<const double> params, const Vector& eta_zi) {
    eta_ = eta_fixed_;
    eta_.noalias() += M_ * u;
    const Observations obs{{model_.y.data(), size_t(model_.n())}, {model_.weights.data(), size_t(model_.n())}};
    const LinearPredictors lp{{eta_.data(), size_t(eta_.size())}, {eta_zi.data(), size_t(eta_zi.size())}};
    if (!constants_measured_) measure_constants(params, eta_zi);
    FamilyDerivatives out;
    out.omit_constants = omit_constants_;
    out.log_density = {log_density_.data(), size_t(log_density_.size())};
    out.d1 = {d1_.data(), size_t(d1_.size())};
    if (hessian_ == HessianKind::Expected) {
      out.fisher = {weights_.data(), size_t(weights_.size())};
      if (observed_steps_) {
        observed_weights_.resize(model_.n());
        out.d2 = {observed_weights_.data(), size_t(observed_weights_.size())};
      }
    } else {
      out.d2 = {weights_.data(), size_t(weights_.size())};
    }
    evaluate_in_parallel(family_, obs, lp, link_, params, out);
    if (hessian_ == HessianKind::Observed) weights_ = -weights_;
    if (hessian_ == HessianKind::Expected && observed_steps_) observed_weights_ = -observed_weights_;
    log_density_sum_ = sum_over_shards(model_.shards, log_density_.sum());
    const double value = -2.0 * (log_density_sum_ + log_constant_) + u.squaredNorm();
    return std::isfinite(value) ? value : std::numeric_limits<double>::infinity();
  }

  // eta_fixed = X beta + offset (the product written in place: no n-sized temporary).
  void set_eta_fixed(const Vector& beta) {
    eta_fixed_.noalias() = model_.X * beta;
    eta_fixed_ += model_.offset;
  }

  // u <- Lambda(theta)^-1 Lambda(theta_) u, block by block (T_new^-1 T_old per term); where
  // T_new is singular the affected components restart at 0.
  void carry_modes_to(const Vector& theta) {
    for (const auto& term : model_.terms) {
      const Index k = term.k();
      const Matrix T_old = term.factor(theta_), T_new = term.factor(theta);
      const bool invertible = (T_new.diagonal().array().abs() > 1e-10).all();
      const Matrix R = invertible ? Matrix(T_new.triangularView<Eigen::Lower>().solve(T_old)) : Matrix::Zero(k, k);
      for (Index j = 0; j < term.n_levels(); ++j) {
        auto block = u_.segment(term.first_column + j * k, k);
        block = (R * block).eval();
      }
    }
    if (!u_.allFinite()) u_.setZero();
  }

  // Solves the joint (u, beta) Newton system [A B; B' G] [x_u; x_b] = [r_u; r_b] with
  // A = M'WM + I (factorised in `factor`), B = M'WX, G = X'WX, by the Schur complement
  // G - B'A^-1 B (p x p, dense).
  template <class Factor>
  void solve_joint(const Factor& factor, const Vector& w, const Vector& r_u, const Vector& r_b, Vector& x_u,
                   Vector& x_b) const {
    Matrix B, AinvB;
    const Matrix S = schur_complement(factor, w, B, AinvB);
    const Vector Ainv_ru = factor.solve(r_u);
    x_b = S.ldlt().solve(r_b - B.transpose() * Ainv_ru);
    x_u = Ainv_ru - AinvB * x_b;
  }

  // S = G - B'A^-1 B of the joint system above; B and A^-1 B are returned too.
  template <class Factor>
  Matrix schur_complement(const Factor& factor, const Vector& w, Matrix& B, Matrix& AinvB) const {
    Matrix& WX = work_.wx;
    WX = w.asDiagonal() * model_.X;
    B = shard_sum(M_.transpose() * WX);
    AinvB = factor.solve(B);
    return shard_sum(model_.X.transpose() * WX) - B.transpose() * AinvB;
  }

  // A = M'WM + I at the current weights, factorised; false if not positive definite. This is
  // the exact Hessian (of the integrator's flavour) that the log-determinant needs.
  bool factorize() {
    step_weights_ = &weights_;
    factor_is_flavour_ = true;
    return factorize_with(weights_);
  }

  // The factor for a Newton step. The mode of f does not depend on the weights, only the speed
  // of reaching it does:
  // - Fisher scoring (expected weights, lme4's PIRLS) can crawl where the observed curvature is
  //   far larger (a gamma or NB2 log link with y / mu huge, random-effect SDs of 4 on the log
  //   scale): once a step has needed halving, the steps use the exact Newton matrix with the
  //   observed weights wherever it is positive definite (observed_steps_); the log-determinant
  //   still uses the flavour's weights (factorize()).
  // - Observed weights -d2 log p / d eta2 can be negative far from the mode (families that are
  //   not log-concave in eta, e.g. NB1 with large counts, or a logit-normal mixture), and A
  //   then need not be positive definite. There the weights clamped at 0 give a positive-
  //   definite A and a descent direction (a modified Newton step, Nocedal & Wright sec. 3.4).
  bool factorize_for_step() {
    if (hessian_ == HessianKind::Expected && observed_steps_ && factorize_with(observed_weights_)) {
      step_weights_ = &observed_weights_;
      factor_is_flavour_ = false;
      return true;
    }
    if (factorize()) return true;
    if (hessian_ != HessianKind::Observed) return false;
    clamped_weights_ = weights_.cwiseMax(0.0);
    factor_is_flavour_ = false;
    step_weights_ = &clamped_weights_;
    return factorize_with(clamped_weights_);
  }

  bool factorize_with(const Vector& w) {
    gram_.assemble(M_, w.data(), A_);
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
    observed_steps_ = false;  // Fisher scoring first, as lme4 (see factorize_for_step)
    if (beta) set_eta_fixed(*beta);
    double f = evaluate(u_, params, eta_zi);
    if (!std::isfinite(f) && u_.squaredNorm() > 0) {  // a warm start gone bad: start at 0
      u_.setZero();
      f = evaluate(u_, params, eta_zi);
    }
    if (!std::isfinite(f)) return result;
    Vector r_u(model_.q()), r_b, du, db;
    bool factor_is_current = false;  // is the Cholesky factor the exact one at the current u?
    for (int iter = 0; iter < kMaxIterations; ++iter) {
      result.iterations = iter + 1;
      if (!factorize_for_step()) {
        // A warm start can be too far out for the weights (overflow); start again at u = 0.
        if (iter > 0 || u_.squaredNorm() == 0) return result;
        u_.setZero();
        f = evaluate(u_, params, eta_zi);
        if (!std::isfinite(f) || !factorize_for_step()) return result;
      }
      factor_is_current = factor_is_flavour_;
      r_u = shard_sum(transpose_times(M_, d1_)) - u_;
      double decrement;
      if (!beta) {
        du = cholesky_.solve(r_u);
        decrement = du.dot(r_u);
      } else {
        r_b = shard_sum(model_.X.transpose() * d1_);
        solve_joint(cholesky_, *step_weights_, r_u, r_b, du, db);
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
          set_eta_fixed(*beta);
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
          set_eta_fixed(*beta);
        }
        f_new = evaluate(u_, params, eta_zi);
        if (f_new <= f + 1e-12 * std::abs(f)) {
          // Progress is a decrease above f's rounding, however short the step (far from the
          // mode a Newton step on a nearly singular A can overshoot by orders of magnitude);
          // a "decrease" within rounding after many halvings is a stall.
          improved = step > kStallStep || f_new < f - kSignificantDecrease * std::max(1.0, std::abs(f));
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
          set_eta_fixed(*beta);
        }
        f = evaluate(u_, params, eta_zi);
        if (!factorize()) return result;
        factor_is_current = true;
        break;
      }
      f = f_new;
      factor_is_current = false;
      if (step < 1.0 && hessian_ == HessianKind::Expected && !observed_steps_) {
        observed_steps_ = true;  // a scoring step overshot: exact Newton steps from here
        f = evaluate(u_, params, eta_zi);
      }
    }
    if (!factor_is_current && !factorize()) return result;
    result.conditional_deviance = -2.0 * (log_density_sum_ + log_constant_);
    result.penalty = u_.squaredNorm();
    result.log_det = log_det();
    result.deviance = result.conditional_deviance + result.penalty + result.log_det;
    // The Laplace value holds only at the mode: an inner problem that did not converge has no
    // deviance (a wall for the optimizer), never a value from some other u.
    if (!result.converged || !std::isfinite(result.deviance)) result.deviance = std::numeric_limits<double>::infinity();
    return result;
  }

  static constexpr int kMaxIterations = 200;
  static constexpr int kMaxHalvings = 40;
  static constexpr double kStepTolerance = 1e-10;       // largest Newton step relative to |u|, |beta|
  static constexpr double kStallDecrement = 1e-8;       // Newton decrement (relative to |f|) at which a
                                                        // stalled line search means rounding, not trouble
  static constexpr double kStallStep = 1e-4;            // a step halved below this makes no progress ...
  static constexpr double kSignificantDecrease = 1e-10; // ... unless f falls by more than this (relative)

  const ModelMatrices& model_;
  const Family& family_;
  const Link& link_;
  HessianKind hessian_;
  RelativeCovarianceFactor lambda_;
  SphericalDesign design_;
  const RowSparseMatrix& M_ = design_.M();
  SparseGram gram_;
  SparseMatrix A_;
  using SimplicialFactor = Eigen::SimplicialLLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>>;
  SimplicialFactor cholesky_;
  // For the gradient: H^-1 on H's pattern, and K = M'W_obs M + I when H uses Fisher weights.
  SelectedInverse inverse_;
  std::vector<long> inverse_slots_;  // per row, per pair of its columns: slot in inverse_
  SparseMatrix K_;
  SimplicialFactor observed_cholesky_;
  bool K_analyzed_ = false;
  Vector u_, eta_fixed_, eta_, log_density_, d1_, weights_;
  Vector clamped_weights_;                  // max(W, 0) for modified Newton steps
  Vector observed_weights_;                 // -d2 log p / d eta2 for exact Newton steps (expected flavour)
  bool observed_steps_ = false;             // this solve steps with observed_weights_ (see factorize_for_step)
  const Vector* step_weights_ = &weights_;  // the weights of the current factor
  bool factor_is_flavour_ = true;           // the factor is of A with the flavour's weights
  Vector theta_;  // the theta of M and of the current u
  // n-sized work space of gradient(), derivatives_at() and weight_slopes(), made at the first
  // call and reused: a fresh n-sized vector per evaluation costs page faults (at 1e7 rows every
  // one is a new mmap), not just a copy. Not shared between threads (one solver per fit).
  struct WorkSpace {
    Vector w_obs, w_prime, h, c, mv, xv, r, row_terms, l1, l0, a1, a0, w1, w0, d2, step, shifted, up, down;
    std::vector<double> t;
    Matrix wx;  // W X (n x p) of schur_complement()
  };
  mutable WorkSpace work_;
  bool constants_measured_ = false, omit_constants_ = false;
  double log_constant_ = 0;  // sum of the data-only log-density terms the evaluations leave out
  double log_density_sum_ = 0;  // sum of log p over every shard's rows at the last evaluate()
};

}  // namespace weft
