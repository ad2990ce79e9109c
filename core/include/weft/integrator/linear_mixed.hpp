#pragma once
// The exact likelihood of a linear mixed model, profiled as lme4's lmer does (Bates, Maechler,
// Bolker & Walker 2015, "Fitting linear mixed-effects models using lme4", JSS 67(1), sec. 3):
//
//   y = X beta + Z b + offset + e,  b = Lambda(theta) u,  u ~ N(0, sigma^2 I),  e ~ N(0, sigma^2 W^-1),
//
// W the precision weights. For given theta, penalised least squares with the sparse Cholesky
//   P (Lambda' Z'WZ Lambda + I) P' = L L'   (P: largest_term_first_order)
// and the fixed-effects factor RX (RX'RX = X'WX - RZX'RZX, RZX = L^-1 P Lambda' Z'WX) gives
// beta^ and u^, and the penalised weighted residual sum of squares r^2 (lme4's pwrss). Then
//   ML:   d(theta)   = log|L|^2 + n [1 + log(2 pi r^2 / n)] - sum log w,          sigma^2 = r^2 / n
//   REML: d_R(theta) = log|L|^2 + log|RX|^2 + (n - p) [1 + log(2 pi r^2 / (n - p))] - sum log w,
//                                                                               sigma^2 = r^2 / (n - p)
// (docs/numerics.md, "Linear mixed models"; with sigma held fixed, r^2 / sigma^2 + n' log(2 pi sigma^2)
// replaces the profiled term, n' = n or n - p). beta and sigma are profiled out: the optimizer
// sees theta alone, and vcov(beta^) = sigma^2 (RX'RX)^-1.
//
// Every whole-n product (Z'WZ, Z'WX, X'WX, Z'Wy, ...) is formed once at bind time; an
// evaluation works on q x q and q x p quantities only, so its cost does not grow with n.
#include <weft/family.hpp>
#include <weft/integrator/integrator.hpp>
#include <weft/integrator/conditional_covariance.hpp>
#include <weft/integrator/selected_inverse.hpp>
#include <weft/integrator/sparse_gram.hpp>

#include <Eigen/Cholesky>
#include <Eigen/SparseCholesky>

#include <cmath>
#include <limits>
#include <vector>

namespace weft {

// True when (family, link) is a linear mixed model: a conditionally normal family
// (Family::normal_sd_parameter) with the identity link. Laplace is exact there.
inline bool is_linear_mixed_model(const Family& family, const Link& link) {
  return family.normal_sd_parameter().has_value() && link.is_identity();
}

// B = Lambda' A Lambda + I for a fixed symmetric q x q matrix A (here Z'WZ) and Lambda(theta)
// with RelativeCovarianceFactor's pattern. B's pattern is worked out once; an update scatters
// Lambda(a, r) A(a, b) Lambda(b, c) into precomputed slots (no sparse product, no allocation).
class RelativeGram {
 public:
  // `A_lower`: the lower triangle of A (diagonal included).
  RelativeGram(const SparseMatrix& A_lower, const std::vector<RandomEffectTerm>& terms) : lambda_(terms) {
    const SparseMatrix A = A_lower.selfadjointView<Eigen::Lower>();
    a_values_.assign(A.valuePtr(), A.valuePtr() + A.nonZeros());
    const SparseMatrix& L = lambda_.lambda();
    const Index q = L.cols();
    // Row a of Lambda: its (column r, value slot) pairs.
    std::vector<std::vector<std::pair<Index, Index>>> lambda_rows(q);
    for (Index c = 0; c < q; ++c)
      for (Index k = L.outerIndexPtr()[c]; k < L.outerIndexPtr()[c + 1]; ++k)
        lambda_rows[L.innerIndexPtr()[k]].emplace_back(c, k);
    struct Pending {
      Index a_slot, lambda_a, lambda_b, row, col;
    };
    std::vector<Pending> pending;
    std::vector<Eigen::Triplet<double>> pattern;
    for (Index j = 0; j < q; ++j) pattern.emplace_back(j, j, 1.0);
    for (Index b = 0; b < A.outerSize(); ++b)
      for (Index s = A.outerIndexPtr()[b]; s < A.outerIndexPtr()[b + 1]; ++s) {
        const Index a = A.innerIndexPtr()[s];
        for (const auto& [r, la] : lambda_rows[a])
          for (const auto& [c, lb] : lambda_rows[b])
            if (r >= c) {
              pending.push_back({s, la, lb, r, c});
              pattern.emplace_back(r, c, 1.0);
            }
      }
    B_.resize(q, q);
    B_.setFromTriplets(pattern.begin(), pattern.end());
    B_.makeCompressed();
    contributions_.reserve(pending.size());
    for (const auto& p : pending)
      contributions_.push_back({p.a_slot, p.lambda_a, p.lambda_b, slot(p.row, p.col), p.row == p.col ? 1.0 : 2.0});
    diagonal_.resize(q);
    for (Index j = 0; j < q; ++j) diagonal_[j] = slot(j, j);
  }

  // B at theta (lower triangle; the pattern never changes).
  const SparseMatrix& update(const Vector& theta) {
    lambda_.update(theta);
    const double* lv = lambda_.lambda().valuePtr();
    double* bv = B_.valuePtr();
    std::fill(bv, bv + B_.nonZeros(), 0.0);
    for (const Contribution& c : contributions_) bv[c.b_slot] += lv[c.lambda_a] * a_values_[c.a_slot] * lv[c.lambda_b];
    for (Index s : diagonal_) bv[s] += 1.0;
    return B_;
  }
  const SparseMatrix& B() const { return B_; }
  const SparseMatrix& lambda() const { return lambda_.lambda(); }
  const std::vector<Index>& theta_of_value() const { return lambda_.theta_of_value(); }

  // Adds tr(S dB/dtheta_j) to g(j) for every j, S symmetric with its values at B's slots
  // (the selected inverse of B gives d log|B| / dtheta): dB = dLambda' A Lambda + Lambda' A dLambda.
  void add_trace_gradient(const std::vector<double>& s_at_slot, Vector& g) const {
    const double* lv = lambda_.lambda().valuePtr();
    const auto& theta_of = lambda_.theta_of_value();
    for (const Contribution& c : contributions_) {
      const double w = c.multiplicity * s_at_slot[std::size_t(c.b_slot)] * a_values_[c.a_slot];
      g(theta_of[c.lambda_a]) += w * lv[c.lambda_b];
      g(theta_of[c.lambda_b]) += w * lv[c.lambda_a];
    }
  }

 private:
  struct Contribution {
    Index a_slot, lambda_a, lambda_b, b_slot;
    double multiplicity;  // 2 below the diagonal (B(r, c) and B(c, r)), 1 on it
  };
  Index slot(Index row, Index col) const {
    const int* first = B_.innerIndexPtr() + B_.outerIndexPtr()[col];
    const int* last = B_.innerIndexPtr() + B_.outerIndexPtr()[col + 1];
    return Index(std::lower_bound(first, last, int(row)) - B_.innerIndexPtr());
  }

  RelativeCovarianceFactor lambda_;
  std::vector<double> a_values_;
  std::vector<Contribution> contributions_;
  std::vector<Index> diagonal_;
  SparseMatrix B_;
};

// The elimination order for B = Lambda'Z'WZ Lambda + I: the term with the most columns first,
// then the other columns in AMD order of the pattern left once it is eliminated (B_RR + B_RF B_FR).
// A single term's block of B is block diagonal (one level per row), so eliminating it makes no
// fill inside it; with crossed factors the rest becomes one dense trailing block (InstEval: the
// 1,128 lecturers after the 2,972 students), which the dense tail of SelectedInverse handles
// with matrix products. This is MixedModels.jl's blocked order (Bates et al.), with AMD for the
// rest; plain AMD on B interleaves some lecturers among the students, and their long sparse
// columns make factor and selected inverse slow. Returns P's indices: (P x)[p[i]] = x[i].
inline Eigen::VectorXi largest_term_first_order(const SparseMatrix& B_lower, const std::vector<RandomEffectTerm>& terms) {
  const Index q = B_lower.cols();
  Index first_begin = 0, first_end = 0;
  for (const RandomEffectTerm& term : terms)
    if (term.n_columns() > first_end - first_begin) {
      first_begin = term.first_column;
      first_end = term.first_column + term.n_columns();
    }
  const auto in_first = [&](Index j) { return j >= first_begin && j < first_end; };
  std::vector<Index> rest_index(std::size_t(q), -1), rest_columns;
  for (Index j = 0; j < q; ++j)
    if (!in_first(j)) {
      rest_index[std::size_t(j)] = Index(rest_columns.size());
      rest_columns.push_back(j);
    }
  const Index r = Index(rest_columns.size());
  std::vector<Eigen::Triplet<double>> rest_entries, coupling_entries;
  const SparseMatrix B = B_lower.selfadjointView<Eigen::Lower>();
  for (Index c = 0; c < q; ++c)
    for (SparseMatrix::InnerIterator it(B, c); it; ++it) {
      const Index a = it.row();
      if (in_first(c) || in_first(a)) {
        if (in_first(c) && !in_first(a)) coupling_entries.emplace_back(rest_index[std::size_t(a)], c - first_begin, 1.0);
      } else {
        rest_entries.emplace_back(rest_index[std::size_t(a)], rest_index[std::size_t(c)], 1.0);
      }
    }
  SparseMatrix coupling(r, first_end - first_begin), pattern(r, r);
  coupling.setFromTriplets(coupling_entries.begin(), coupling_entries.end());
  pattern.setFromTriplets(rest_entries.begin(), rest_entries.end());
  pattern += SparseMatrix(coupling * coupling.transpose());
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> rest_order;  // its indices: old columns in elimination order
  if (r > 0) Eigen::AMDOrdering<int>()(pattern, rest_order);
  Eigen::VectorXi p(q);
  int next = 0;
  for (Index j = first_begin; j < first_end; ++j) p(j) = next++;
  for (Index k = 0; k < r; ++k) p(rest_columns[std::size_t(rest_order.indices()(k))]) = next++;
  return p;
}

// The profiled linear mixed model as a MarginalLikelihood: deviance(theta) is lmer's ML
// deviance or REML criterion; beta and sigma (unless sigma is fixed) are profiled
// (profiled_values), and beta's covariance is lmer's vcov.
class LinearMixedLikelihood : public MarginalLikelihood {
 public:
  LinearMixedLikelihood(const ModelMatrices& model, const Family& family, const BindOptions& options)
      : model_(model), sigma_index_(*family.normal_sd_parameter()), reml_(options.reml),
        sigma_fixed_(sigma_index_ < options.fixed_family_parameters.size() &&
                     options.fixed_family_parameters[sigma_index_]),
        gram_(cross_products(), model.terms) {
    u_ = Vector::Zero(model.q());
    beta_ = beta0_;
    order_.indices() = largest_term_first_order(gram_.B(), model.terms);
    permuted_B_.resize(model.q(), model.q());
    permuted_B_.selfadjointView<Eigen::Lower>() = gram_.B().selfadjointView<Eigen::Lower>().twistedBy(order_);
    cholesky_.analyzePattern(permuted_B_);
  }

  ProfiledBlocks profiled() const override { return {true, sigma_index_}; }
  bool reml() const override { return reml_; }
  HessianKind hessian() const override { return HessianKind::Expected; }  // exact: both are the same
  const Vector& modes() const override { return u_; }

  double deviance(const ModelParameters& at) override {
    if (!solve(at.theta)) return std::numeric_limits<double>::infinity();
    const double n = double(n_), p = double(model_.p());
    const double dof = reml_ ? n - p : n;
    if (!(dof > 0)) return std::numeric_limits<double>::infinity();
    double criterion = log_det_L_ - log_weights_ + (reml_ ? log_det_RX_ : 0.0);
    if (sigma_fixed_) {
      const double s2 = at.family[sigma_index_] * at.family[sigma_index_];
      sigma2_ = s2;
      criterion += pwrss_ / s2 + dof * std::log(2.0 * M_PI * s2);
    } else {
      sigma2_ = pwrss_ / dof;
      criterion += dof * (1.0 + std::log(2.0 * M_PI * sigma2_));
    }
    return std::isfinite(criterion) ? criterion : std::numeric_limits<double>::infinity();
  }

  // The analytic gradient in theta (no evaluation of the n rows):
  //   d log|B| = tr(B^-1 dB)                       (selected inverse of B on L's pattern)
  //   d r^2    = -2 v' dLambda u^,  v = Z'W (y - X beta^ - Z Lambda u^)   (envelope theorem)
  //   d log|RX'RX| = 2 sum (A Lambda H - Z'WX) M H' over dLambda's entries, H = B^-1 Lambda' Z'WX,
  //                  M = (RX'RX)^-1 (REML only)
  // with dB = dLambda' A Lambda + Lambda' A dLambda, A = Z'WZ; then d = log|B| [+ log|RX|^2]
  // + n' log r^2 (sigma profiled) or + r^2 / sigma^2 (sigma fixed).
  bool has_gradient() const override { return true; }
  bool deviance_gradient(const ModelParameters& at, double& deviance, ModelParameters& gradient) override {
    deviance = LinearMixedLikelihood::deviance(at);
    if (!std::isfinite(deviance)) return false;
    const Index p = model_.p();
    Vector g = Vector::Zero(model_.n_theta());
    inverse_.compute(cholesky_.matrixL().nestedExpression(), order_.indices());
    const SparseMatrix& B = gram_.B();
    if (inverse_slots_.empty())
      for (Index c = 0; c < B.outerSize(); ++c)
        for (Index k = B.outerIndexPtr()[c]; k < B.outerIndexPtr()[c + 1]; ++k)
          inverse_slots_.push_back(inverse_.slot(B.innerIndexPtr()[k], int(c)));
    s_values_.resize(inverse_slots_.size());
    for (std::size_t k = 0; k < inverse_slots_.size(); ++k)
      s_values_[k] = inverse_slots_[k] < 0 ? 0.0 : inverse_.value(inverse_slots_[k]);
    gram_.add_trace_gradient(s_values_, g);

    const SparseMatrix& lambda = gram_.lambda();
    Vector v = ZtWr_ - A_ * Vector(lambda * u_);
    if (p > 0) v -= ZtWX_ * delta_;
    Matrix K, MH;  // A Lambda H and H M (q x p), for REML
    const bool with_rx = reml_ && p > 0;
    if (with_rx) {
      Matrix H = RZX_;
      cholesky_.matrixU().solveInPlace(H);
      H = order_.inverse() * H;
      K = A_ * Matrix(lambda * H);
      Matrix M = Matrix::Identity(p, p);
      rx_.triangularView<Eigen::Lower>().solveInPlace(M);
      M = (M.transpose() * M).eval();
      MH = H * M;
    }
    Vector r2 = Vector::Zero(g.size()), rx = Vector::Zero(g.size());
    const auto& theta_of = gram_.theta_of_value();
    for (Index k = 0; k < lambda.outerSize(); ++k)
      for (Index s = lambda.outerIndexPtr()[k]; s < lambda.outerIndexPtr()[k + 1]; ++s) {
        const Index a = lambda.innerIndexPtr()[s], j = theta_of[std::size_t(s)];
        r2(j) -= 2.0 * v(a) * u_(k);
        if (with_rx) rx(j) += 2.0 * (K.row(a) - ZtWX_.row(a)).dot(MH.row(k));
      }
    const double dof = double(n_) - (reml_ ? double(p) : 0.0);
    g += r2 * (sigma_fixed_ ? 1.0 / sigma2_ : dof / pwrss_) + rx;
    gradient.theta = g;
    gradient.beta = Vector::Zero(p);
    gradient.family.assign(at.family.size(), 0.0);
    // sigma held by the caller (not profiled): d/dsigma of r^2 / sigma^2 + n' log(2 pi sigma^2),
    // for callers that move it themselves (profiles on the sigma scale).
    if (sigma_fixed_ && sigma_index_ < gradient.family.size()) {
      const double sigma = std::sqrt(sigma2_);
      gradient.family[sigma_index_] = -2.0 * pwrss_ / (sigma2_ * sigma) + 2.0 * dof / sigma;
    }
    gradient.beta_zi = Vector::Zero(model_.X_zi.cols());
    return g.allFinite();
  }

  void profiled_values(ModelParameters& at) const override {
    at.beta = beta_;
    if (at.family.size() <= sigma_index_) at.family.resize(sigma_index_ + 1);
    at.family[sigma_index_] = std::sqrt(sigma2_);
  }

  // sigma^2 (RX'RX)^-1 at the last evaluation (lmer's vcov).
  Matrix beta_covariance() const override {
    const Index p = model_.p();
    if (rx_.rows() != p) return Matrix();
    Matrix inverse = Matrix::Identity(p, p);
    rx_.triangularView<Eigen::Lower>().solveInPlace(inverse);          // L_X^-1
    return sigma2_ * (inverse.transpose() * inverse);                 // (L_X L_X')^-1
  }

  // lme4's condVar: sigma^2 times the level blocks of Lambda B^-1 Lambda' at the last evaluation.
  std::vector<std::vector<Matrix>> conditional_covariances() const override {
    if (cholesky_.info() != Eigen::Success || theta_.size() != model_.n_theta()) return {};
    SelectedInverse inverse;  // of B, through the factor of P B P' (largest_term_first_order)
    inverse.compute(cholesky_.matrixL().nestedExpression(), order_.indices());
    return conditional_covariance_blocks(inverse, model_.terms, theta_, sigma2_);
  }

  // The pieces of the last evaluation, lme4's names (tests and diagnostics).
  double pwrss() const { return pwrss_; }
  double log_det_L() const { return log_det_L_; }
  double log_det_RX() const { return log_det_RX_; }
  double sigma() const { return std::sqrt(sigma2_); }
  const Vector& beta() const { return beta_; }

 private:
  // The whole-n products, formed once; returns Z'WZ (lower triangle) for the Gram.
  SparseMatrix cross_products() {
    const Index n = model_.n(), p = model_.p(), q = model_.q();
    const Vector& w = model_.weights;
    n_ = 0;
    log_weights_ = 0;
    Eigen::Vector2d positive = Eigen::Vector2d::Zero();  // rows with w > 0, sum log w
    for (Index i = 0; i < n; ++i)
      if (w(i) > 0) {
        positive(0) += 1;
        positive(1) += std::log(w(i));
      }
    // Each process holds its rows (row_shards.hpp): every cross product is summed over them.
    const RowShards* shards = model_.shards;
    sum_over_shards(shards, positive);
    n_ = Index(positive(0));
    log_weights_ = positive(1);
    const RowSparseMatrix Z = model_.Z;
    // beta0: weighted least squares without random effects; the response is carried as the
    // residual r0 = y - offset - X beta0, so that y'Wy never meets a large mean (r^2 is a
    // difference of squares below).
    const Matrix WX = w.asDiagonal() * model_.X;
    XtWX_ = summed_over_shards(shards, model_.X.transpose() * WX);
    const Vector y = model_.y - model_.offset;
    beta0_ = p > 0 ? Vector(XtWX_.ldlt().solve(summed_over_shards(shards, WX.transpose() * y))) : Vector();
    r0_ = p > 0 ? Vector(y - model_.X * beta0_) : y;
    XtWr_ = summed_over_shards(shards, WX.transpose() * r0_);
    rWr_ = sum_over_shards(shards, r0_.dot(w.cwiseProduct(r0_)));
    ZtWX_ = Matrix::Zero(q, p);
    ZtWr_ = Vector::Zero(q);
    for (Index i = 0; i < n; ++i)
      for (RowSparseMatrix::InnerIterator it(Z, i); it; ++it) {
        const double zw = it.value() * w(i);
        ZtWr_(it.col()) += zw * r0_(i);
        if (p > 0) ZtWX_.row(it.col()) += zw * model_.X.row(i);
      }
    sum_over_shards(shards, ZtWX_);
    sum_over_shards(shards, ZtWr_);
    SparseGram gram(Z, shards);
    SparseMatrix A;
    gram.assemble(Z, w.data(), A);  // Z'WZ + I
    for (Index j = 0; j < q; ++j) A.coeffRef(j, j) -= 1.0;
    A_ = A.selfadjointView<Eigen::Lower>();
    return A;
  }

  // Penalised least squares at theta; false where the factorisation fails.
  bool solve(const Vector& theta) {
    const SparseMatrix& B = gram_.update(theta);
    theta_ = theta;
    permuted_B_.selfadjointView<Eigen::Lower>() = B.selfadjointView<Eigen::Lower>().twistedBy(order_);
    cholesky_.factorize(permuted_B_);
    if (cholesky_.info() != Eigen::Success) return false;
    const SparseMatrix& lambda = gram_.lambda();
    const Index p = model_.p();
    // cu = L^-1 P Lambda' Z'W r0, RZX = L^-1 P Lambda' Z'WX.
    Vector cu = order_ * Vector(lambda.transpose() * ZtWr_);
    cholesky_.matrixL().solveInPlace(cu);
    RZX_ = order_ * Matrix(lambda.transpose() * ZtWX_);
    Matrix& RZX = RZX_;
    cholesky_.matrixL().solveInPlace(RZX);
    const Matrix RXtRX = XtWX_ - RZX.transpose() * RZX;
    Eigen::LLT<Matrix> llt(RXtRX);
    if (p > 0 && llt.info() != Eigen::Success) return false;
    rx_ = p > 0 ? Matrix(llt.matrixL()) : Matrix(0, 0);
    Vector cb = XtWr_ - RZX.transpose() * cu;
    if (p > 0) rx_.triangularView<Eigen::Lower>().solveInPlace(cb);
    Vector delta = cb;
    if (p > 0) rx_.triangularView<Eigen::Lower>().transpose().solveInPlace(delta);
    beta_ = beta0_ + delta;
    delta_ = delta;
    Vector v = cu - RZX * delta;
    cholesky_.matrixU().solveInPlace(v);
    u_ = order_.inverse() * v;
    pwrss_ = rWr_ - cu.squaredNorm() - cb.squaredNorm();
    if (!(pwrss_ > 1e-10 * rWr_)) pwrss_ = direct_pwrss(delta);  // cancellation: sum it up
    const auto& L = cholesky_.matrixL().nestedExpression();
    log_det_L_ = 0;
    for (Index j = 0; j < L.outerSize(); ++j) log_det_L_ += 2.0 * std::log(L.valuePtr()[L.outerIndexPtr()[j]]);
    log_det_RX_ = 0;
    for (Index j = 0; j < p; ++j) log_det_RX_ += 2.0 * std::log(rx_(j, j));
    return std::isfinite(pwrss_) && pwrss_ > 0 && std::isfinite(log_det_L_);
  }

  // r^2 = sum w (r0 - X delta - Z Lambda u)^2 + u'u, row by row.
  double direct_pwrss(const Vector& delta) const {
    const Vector b = gram_.lambda() * u_;
    Vector residual = r0_ - model_.Z * b;
    if (model_.p() > 0) residual -= model_.X * delta;
    return sum_over_shards(model_.shards, residual.dot(model_.weights.cwiseProduct(residual))) + u_.squaredNorm();
  }

  const ModelMatrices& model_;
  std::size_t sigma_index_;
  bool reml_, sigma_fixed_;
  Index n_ = 0;               // rows with a positive weight
  double log_weights_ = 0;    // sum log w over them (lme4's ldW)
  Matrix XtWX_, ZtWX_;
  SparseMatrix A_;  // Z'WZ, both triangles
  Vector beta0_, r0_, XtWr_, ZtWr_;
  double rWr_ = 0;
  RelativeGram gram_;
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> order_;  // largest_term_first_order
  SparseMatrix permuted_B_;                                               // P B P' (lower)
  Eigen::SimplicialLLT<SparseMatrix, Eigen::Lower, Eigen::NaturalOrdering<int>> cholesky_;  // of P B P'

  Matrix rx_;   // lower-triangular L_X = RX'
  Matrix RZX_;  // L^-1 P Lambda' Z'WX at the last evaluation
  Vector beta_, u_, delta_, theta_;
  SelectedInverse inverse_;         // B^-1 on L's pattern, for the gradient
  std::vector<long> inverse_slots_;  // per stored entry of B: its slot in inverse_
  std::vector<double> s_values_;
  double pwrss_ = 0, log_det_L_ = 0, log_det_RX_ = 0, sigma2_ = 1;
};

}  // namespace weft
