// Adaptive Gauss-Hermite quadrature (lme4's nAGQ > 1; Pinheiro & Bates 1995) for one
// grouping factor with a scalar random intercept. The integral factorises by group j:
// around the Laplace mode u~_j with sigma_j = 1 / sqrt(A_jj) (A = Lambda'Z'WZ Lambda + I at
// the mode, W as the `hessian` option says),
//   int p(y_j | u) phi(u) du ~= sigma_j sum_k w_k p(y_j | u~_j + sigma_j z_k)
//                                       phi(u~_j + sigma_j z_k) / phi(z_k),
// with standard-normal Gauss-Hermite nodes z_k and weights w_k. One point is the Laplace
// approximation. Every normalising constant is kept, so the value compares with Laplace's.
#include <weft/integrator/gauss_hermite.hpp>
#include <weft/integrator/integrator.hpp>
#include <weft/integrator/linear_mixed.hpp>
#include <weft/integrator/pirls_likelihood.hpp>
#include <weft/plugin.hpp>

#include <cmath>
#include <limits>

namespace {

using namespace weft;

constexpr int kMaxPoints = 100;

class AgqLikelihood final : public PirlsLikelihood {
 public:
  AgqLikelihood(const ModelMatrices& model, const Family& family, const Link& link, HessianKind hessian, int points)
      : PirlsLikelihood(model, family, link, hessian), family_(family), link_(link),
        rule_(gauss_hermite_normal(points)) {
    // Row -> group index: Z has one non-zero (the intercept's 1) per row.
    group_of_row_.assign(model.n(), -1);
    const RowSparseMatrix Z = model.Z;
    for (Index i = 0; i < Z.rows(); ++i)
      for (RowSparseMatrix::InnerIterator it(Z, i); it; ++it) group_of_row_[i] = it.col();
  }

  double deviance(const ModelParameters& at) override {
    Vector eta_zi;
    const InnerSolution s = laplace(at, eta_zi);
    if (!std::isfinite(s.deviance) || rule_.nodes.size() == 1) return s.deviance;
    return quadrature(at, eta_zi);
  }

  // Analytic gradients in beta and theta; families with parameters or a zero model use finite
  // differences (their AGQ gradient would need the parameters' derivatives at every node). The
  // first stage (beta in the inner problem) is lme4's nAGQ = 0 objective, the Laplace one,
  // inherited with its gradient.
  bool deviance_gradient(const ModelParameters& at, double& deviance, ModelParameters& gradient) override {
    if (!at.family.empty() || model_.X_zi.cols() > 0) return false;
    if (rule_.nodes.size() == 1) return PirlsLikelihood::deviance_gradient(at, deviance, gradient);
    Vector eta_zi;
    deviance = laplace(at, eta_zi).deviance;
    if (!std::isfinite(deviance)) return false;
    deviance = quadrature(at, eta_zi, &gradient);
    return std::isfinite(deviance) && gradient.beta.size() == model_.p();
  }

 private:
  // -2 log L by quadrature around the modes the last Laplace solve found; with `gradient`,
  // also its derivatives in beta and theta (see deviance_gradient for the formulas).
  double quadrature(const ModelParameters& at, const Vector& eta_zi, ModelParameters* gradient = nullptr) {
    const Index n = model_.n(), q = model_.q();
    const double lambda = at.theta(0);
    const Vector& u = pirls_.u();
    const Vector A_diagonal = pirls_.A().diagonal();
    Vector sigma(q);
    for (Index j = 0; j < q; ++j) sigma(j) = 1.0 / std::sqrt(A_diagonal(j));
    Vector& eta_fixed = work_.eta_fixed;
    eta_fixed.noalias() = model_.X * at.beta;
    eta_fixed += model_.offset;
    const std::size_t points = rule_.nodes.size();
    const std::size_t nn = std::size_t(n);
    const Observations obs{{model_.y.data(), nn}, {model_.weights.data(), nn}};
    const std::span<const double> zi{eta_zi.data(), std::size_t(eta_zi.size())};
    auto node_eta = [&](double z, Vector& eta) {
      for (Index i = 0; i < n; ++i) {
        const Index j = group_of_row_[i];
        eta(i) = eta_fixed(i) + lambda * (u(j) + sigma(j) * z);
      }
    };
    // log of each node's term per group: log w_k + l_j(u_k) - u_k^2/2 + z_k^2/2 (the data-only
    // constants of log p are the same at every node: added once at the end).
    Matrix log_terms = Matrix::Zero(q, Index(points));  // first l_j(u_k): each group's sum of log p
    Vector &eta = work_.eta, &log_density = work_.log_density;
    eta.resize(n);
    log_density.resize(n);
    for (std::size_t k = 0; k < points; ++k) {
      node_eta(rule_.nodes[k], eta);
      FamilyDerivatives out;
      out.log_density = {log_density.data(), nn};
      out.omit_constants = pirls_.omits_constants();
      evaluate_in_parallel(family_, obs, {{eta.data(), nn}, zi}, link_, at.family, out);
      for (Index i = 0; i < n; ++i) log_terms(group_of_row_[i], Index(k)) += log_density(i);
    }
    sum_over_shards(model_.shards, log_terms);  // a group's rows may sit on several processes
    for (std::size_t k = 0; k < points; ++k) {
      const double z = rule_.nodes[k];
      for (Index j = 0; j < q; ++j) {
        const double node = u(j) + sigma(j) * z;
        log_terms(j, Index(k)) = std::log(rule_.weights[k]) + log_terms(j, Index(k)) - 0.5 * node * node + 0.5 * z * z;
      }
    }
    double total = pirls_.omits_constants() ? pirls_.log_constant() : 0.0;
    Matrix P(q, Index(points));  // each node's share of its group's integral
    for (Index j = 0; j < q; ++j) {
      const double top = log_terms.row(j).maxCoeff();
      P.row(j) = (log_terms.row(j).array() - top).exp();
      const double sum = P.row(j).sum();
      P.row(j) /= sum;
      total += std::log(sigma(j)) + top + std::log(sum);
    }
    const double deviance = -2.0 * total;
    if (!std::isfinite(deviance)) return std::numeric_limits<double>::infinity();
    if (gradient && !quadrature_gradient(at, eta_zi, eta_fixed, sigma, P, *gradient)) gradient->beta.resize(0);
    return deviance;
  }

  // d(-2 log L)/d(beta, lambda) for the quadrature above. With g_j(u) = l_j(u) - u^2/2 at the
  // mode u~_j (g_j' = 0), K_j = 1 + lambda^2 sum W_obs, sigma_j = (1 + lambda^2 S_j)^-1/2 with
  // S_j = sum W (the Hessian flavour), u_jk = u~_j + sigma_j z_k, eta_ijk = eta0_i + lambda u_jk:
  //   du~_j/dbeta = -lambda sum_i W_obs_i x_i / K_j,  du~_j/dlambda = (sum_i d1_i - lambda u~_j sum W_obs) / K_j
  //   dsigma_j = -sigma_j^3 / 2 d(lambda^2 S_j),  dS_j = sum_i W'_i d eta_i (at the mode)
  //   dlog I_j = dsigma_j / sigma_j + sum_k P_jk [sum_i d1_ijk d eta_ijk - u_jk du_jk]
  bool quadrature_gradient(const ModelParameters& at, const Vector& eta_zi, const Vector& eta_fixed,
                           const Vector& sigma, const Matrix& P, ModelParameters& g) {
    const Index n = model_.n(), q = model_.q(), p = model_.p();
    const std::size_t nn = std::size_t(n);
    const double lambda = at.theta(0);
    const Vector& u = pirls_.u();
    const Observations obs{{model_.y.data(), nn}, {model_.weights.data(), nn}};
    const std::span<const double> zi{eta_zi.data(), std::size_t(eta_zi.size())};
    // At the mode: d1, W (the Hessian flavour's), W_obs = -d2 and W' = dW/deta.
    Vector &mode_eta = work_.mode_eta, &d1 = work_.d1, &w = work_.w, &w_obs = work_.w_obs, &w_prime = work_.w_prime;
    for (Vector* v : {&mode_eta, &d1, &w, &w_obs}) v->resize(n);
    for (Index i = 0; i < n; ++i) mode_eta(i) = eta_fixed(i) + lambda * u(group_of_row_[i]);
    pirls_.derivatives_at(mode_eta, at.family, eta_zi, nullptr, &d1, &w, &w_obs);
    pirls_.weight_slopes(mode_eta, at.family, eta_zi, w_prime);
    // Per group: K_j, S_j, sum W_obs x, sum W' x, sum W', sum d1.
    Vector K = Vector::Ones(q), S = Vector::Zero(q), sum_wp = Vector::Zero(q), sum_d1 = Vector::Zero(q),
           sum_wobs = Vector::Zero(q);
    Matrix wobs_x = Matrix::Zero(q, p), wp_x = Matrix::Zero(q, p);
    for (Index i = 0; i < n; ++i) {
      const Index j = group_of_row_[i];
      sum_wobs(j) += w_obs(i);
      S(j) += w(i);
      sum_wp(j) += w_prime(i);
      sum_d1(j) += d1(i);
      wobs_x.row(j) += w_obs(i) * model_.X.row(i);
      wp_x.row(j) += w_prime(i) * model_.X.row(i);
    }
    for (Vector* per_group : {&sum_wobs, &S, &sum_wp, &sum_d1}) sum_over_shards(model_.shards, *per_group);
    sum_over_shards(model_.shards, wobs_x);
    sum_over_shards(model_.shards, wp_x);
    K += lambda * lambda * sum_wobs;
    if (!(K.array() > 0).all()) return false;
    // Mode and sigma derivatives, per group.
    Matrix du_dbeta(q, p), dsigma_dbeta(q, p);
    Vector du_dlambda(q), dsigma_dlambda(q);
    for (Index j = 0; j < q; ++j) {
      du_dbeta.row(j) = -lambda * wobs_x.row(j) / K(j);
      du_dlambda(j) = (sum_d1(j) - lambda * u(j) * sum_wobs(j)) / K(j);
      const double s3 = -0.5 * sigma(j) * sigma(j) * sigma(j);
      // dS/dbeta = sum W' (x + lambda du/dbeta); dS/dlambda = sum W' (u + lambda du/dlambda)
      dsigma_dbeta.row(j) = s3 * lambda * lambda * (wp_x.row(j) + lambda * sum_wp(j) * du_dbeta.row(j));
      dsigma_dlambda(j) = s3 * (2.0 * lambda * S(j) + lambda * lambda * sum_wp(j) * (u(j) + lambda * du_dlambda(j)));
    }
    // Node sums: R_i = sum_k P_jk d1_ijk; per group a_j = sum_k P_jk G_jk, b_j = sum_k P_jk G_jk z_k,
    // c_j = sum_k P_jk u_jk D1_jk, with D1_jk = sum_i d1_ijk and G_jk = lambda D1_jk - u_jk.
    Vector &R = work_.R, &eta = work_.eta, &node_d1 = work_.node_d1;
    R.setZero(n);
    eta.resize(n);
    node_d1.resize(n);
    Matrix D1 = Matrix::Zero(q, P.cols());  // D1_jk, summed over the shards after the loop
    for (std::size_t k = 0; k < rule_.nodes.size(); ++k) {
      const double z = rule_.nodes[k];
      for (Index i = 0; i < n; ++i) {
        const Index j = group_of_row_[i];
        eta(i) = eta_fixed(i) + lambda * (u(j) + sigma(j) * z);
      }
      FamilyDerivatives out;
      out.d1 = {node_d1.data(), nn};
      evaluate_in_parallel(family_, obs, {{eta.data(), nn}, zi}, link_, at.family, out);
      for (Index i = 0; i < n; ++i) {
        const Index j = group_of_row_[i];
        R(i) += P(j, Index(k)) * node_d1(i);
        D1(j, Index(k)) += node_d1(i);
      }
    }
    sum_over_shards(model_.shards, D1);
    Vector a = Vector::Zero(q), b = Vector::Zero(q), c = Vector::Zero(q);
    for (std::size_t k = 0; k < rule_.nodes.size(); ++k) {
      const double z = rule_.nodes[k];
      for (Index j = 0; j < q; ++j) {
        const double ujk = u(j) + sigma(j) * z, pk = P(j, Index(k));
        const double G = lambda * D1(j, Index(k)) - ujk;
        a(j) += pk * G;
        b(j) += pk * G * z;
        c(j) += pk * ujk * D1(j, Index(k));
      }
    }
    // dlog I_j/dbeta summed over groups (the sum_i d1 x part is X'R over all rows).
    Vector d_beta = model_.X.transpose() * R;
    sum_over_shards(model_.shards, d_beta);
    double d_lambda = 0;
    for (Index j = 0; j < q; ++j) {
      d_beta += (dsigma_dbeta.row(j) / sigma(j) + a(j) * du_dbeta.row(j) + b(j) * dsigma_dbeta.row(j)).transpose();
      d_lambda += dsigma_dlambda(j) / sigma(j) + c(j) + a(j) * du_dlambda(j) + b(j) * dsigma_dlambda(j);
    }
    g.beta = -2.0 * d_beta;
    g.theta = Vector::Constant(1, -2.0 * d_lambda);
    g.family.assign(at.family.size(), 0.0);
    g.beta_zi = Vector::Zero(model_.X_zi.cols());
    return g.beta.allFinite() && g.theta.allFinite();
  }

  const Family& family_;
  const Link& link_;
  QuadratureRule rule_;
  std::vector<Index> group_of_row_;
  // n-sized buffers of quadrature() and quadrature_gradient(), made once per fit (see
  // PenalizedIrls's work space).
  struct {
    Vector eta_fixed, eta, log_density, mode_eta, d1, w, w_obs, w_prime, R, node_d1;
  } work_;
};

// Why AGQ cannot integrate this model, or "" when it can (lme4's rule for nAGQ > 1).
std::string unsupported_reason(const ModelMatrices& model) {
  if (model.terms.size() != 1)
    return "adaptive Gauss-Hermite quadrature needs exactly one grouping factor with a random intercept alone "
           "(as lme4's nAGQ > 1), but the formula has " + std::to_string(model.terms.size()) +
           " random-effects terms; use integrator: laplace";
  const RandomEffectTerm& t = model.terms[0];
  if (t.k() != 1 || t.columns[0] != "(Intercept)")
    return "adaptive Gauss-Hermite quadrature needs a random intercept alone, but the term for '" + t.group +
           "' has columns " + [&] {
             std::string s;
             for (const auto& c : t.columns) s += (s.empty() ? "" : ", ") + c;
             return s;
           }() + "; use integrator: laplace";
  return "";
}

class AdaptiveGaussHermite final : public Integrator {
 public:
  std::string name() const override { return "agq"; }
  std::vector<std::string> option_names() const override { return {"points", "hessian"}; }
  void configure(const Options& options) override {
    points_ = int(options.integer("points", points_, 1, kMaxPoints, "an integer from 1 to 100"));
    hessian_ = options.choice("hessian", "expected", {"expected", "observed"}) == "expected" ? HessianKind::Expected
                                                                                               : HessianKind::Observed;
  }
  int points() const override { return points_; }
  std::unique_ptr<MarginalLikelihood> bind(const ModelMatrices& model, const Family& family, const Link& link,
                                           const BindOptions& options) const override {
    if (auto why = unsupported_reason(model); !why.empty()) throw InputError(why);
    // A linear mixed model's integrand is Gaussian: every rule is exact, so is lmer's profiled form.
    if (is_linear_mixed_model(family, link)) return std::make_unique<LinearMixedLikelihood>(model, family, options);
    if (options.reml)
      throw InputError("REML (reml: true) integrates the fixed effects with the random effects by Laplace; use "
                       "integrator: laplace, or reml: false");
    return std::make_unique<AgqLikelihood>(model, family, link, hessian_, points_);
  }

 private:
  int points_ = 1;
  HessianKind hessian_ = HessianKind::Expected;
};

}  // namespace

WEFT_INTEGRATOR_PLUGIN(AdaptiveGaussHermite, "agq", "1.0.0")
