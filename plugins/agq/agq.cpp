// Adaptive Gauss-Hermite quadrature (lme4's nAGQ > 1; Pinheiro & Bates 1995) for one
// grouping factor with a scalar random intercept. The integral factorises by group j:
// around the Laplace mode u~_j with sigma_j = 1 / sqrt(A_jj) (A = Lambda'Z'WZ Lambda + I at
// the mode, W as the `hessian` option says),
//   int p(y_j | u) phi(u) du ~= sigma_j sum_k w_k p(y_j | u~_j + sigma_j z_k)
//                                       phi(u~_j + sigma_j z_k) / phi(z_k),
// with standard-normal Gauss-Hermite nodes z_k and weights w_k. One point is the Laplace
// approximation. Every normalising constant is kept, so the value compares with Laplace's.
#include <weft/gauss_hermite.hpp>
#include <weft/integrator.hpp>
#include <weft/penalized_irls.hpp>
#include <weft/plugin.hpp>

#include <cmath>
#include <limits>

namespace {

using namespace weft;

constexpr int kMaxPoints = 100;

class AgqLikelihood final : public MarginalLikelihood {
 public:
  AgqLikelihood(const ModelMatrices& model, const Family& family, const Link& link, HessianKind hessian, int points)
      : model_(model), family_(family), link_(link), pirls_(model, family, link, hessian),
        rule_(gauss_hermite_normal(points)) {
    // Row -> group index: Z has one non-zero (the intercept's 1) per row.
    group_of_row_.assign(model.n(), -1);
    const RowSparseMatrix Z = model.Z;
    for (Index i = 0; i < Z.rows(); ++i)
      for (RowSparseMatrix::InnerIterator it(Z, i); it; ++it) group_of_row_[i] = it.col();
  }

  double deviance(const ModelParameters& at) override {
    pirls_.set_theta(at.theta);
    const Vector eta_zi = zero_model_predictor(at);
    const InnerSolution laplace = pirls_.solve(at.beta, at.family, eta_zi);
    if (!std::isfinite(laplace.deviance)) return laplace.deviance;
    if (rule_.nodes.size() == 1) return laplace.deviance;
    return quadrature(at, eta_zi);
  }

  std::optional<double> deviance_with_beta_in_inner_problem(ModelParameters& at) override {
    // lme4 starts nAGQ > 1 fits with the same nAGQ = 0 stage as Laplace.
    pirls_.set_theta(at.theta);
    return pirls_.solve_with_beta(at.beta, at.family, zero_model_predictor(at)).deviance;
  }

  const Vector& modes() const override { return pirls_.u(); }
  Vector conditional_variances() const override { return pirls_.conditional_variances(); }
  std::string hessian() const override {
    return pirls_.hessian() == HessianKind::Expected ? "expected" : "observed";
  }

 private:
  Vector zero_model_predictor(const ModelParameters& at) const {
    if (model_.X_zi.cols() == 0) return Vector();
    return model_.X_zi * at.beta_zi;
  }

  // -2 log L by quadrature around the modes the last Laplace solve found.
  double quadrature(const ModelParameters& at, const Vector& eta_zi) {
    const Index n = model_.n(), q = model_.q();
    const double lambda = at.theta(0);
    const Vector& u = pirls_.u();
    const Vector A_diagonal = pirls_.A().diagonal();
    Vector sigma(q);
    for (Index j = 0; j < q; ++j) sigma(j) = 1.0 / std::sqrt(A_diagonal(j));
    const Vector eta_fixed = model_.X * at.beta + model_.offset;
    const std::size_t points = rule_.nodes.size();
    // log of each node's term per group: log w_k + l_j(u_k) - u_k^2/2 + z_k^2/2.
    Matrix log_terms(q, Index(points));
    Vector eta(n), log_density(n);
    const Observations obs{{model_.y.data(), std::size_t(n)}, {model_.weights.data(), std::size_t(n)}};
    for (std::size_t k = 0; k < points; ++k) {
      const double z = rule_.nodes[k];
      for (Index i = 0; i < n; ++i) {
        const Index j = group_of_row_[i];
        eta(i) = eta_fixed(i) + lambda * (u(j) + sigma(j) * z);
      }
      FamilyDerivatives out;
      out.log_density = {log_density.data(), std::size_t(n)};
      evaluate_in_parallel(family_, obs, {{eta.data(), std::size_t(n)}, {eta_zi.data(), std::size_t(eta_zi.size())}},
                           link_, at.family, out);
      Vector per_group = Vector::Zero(q);
      for (Index i = 0; i < n; ++i) per_group(group_of_row_[i]) += log_density(i);
      for (Index j = 0; j < q; ++j) {
        const double node = u(j) + sigma(j) * z;
        log_terms(j, Index(k)) = std::log(rule_.weights[k]) + per_group(j) - 0.5 * node * node + 0.5 * z * z;
      }
    }
    double total = 0;
    for (Index j = 0; j < q; ++j) {
      const double top = log_terms.row(j).maxCoeff();
      const double sum = (log_terms.row(j).array() - top).exp().sum();
      total += std::log(sigma(j)) + top + std::log(sum);
    }
    const double deviance = -2.0 * total;
    return std::isfinite(deviance) ? deviance : std::numeric_limits<double>::infinity();
  }

  const ModelMatrices& model_;
  const Family& family_;
  const Link& link_;
  mutable PenalizedIrls pirls_;
  QuadratureRule rule_;
  std::vector<Index> group_of_row_;
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
  std::unique_ptr<MarginalLikelihood> bind(const ModelMatrices& model, const Family& family,
                                           const Link& link) const override {
    if (auto why = unsupported_reason(model); !why.empty()) throw InputError(why);
    return std::make_unique<AgqLikelihood>(model, family, link, hessian_, points_);
  }

 private:
  int points_ = 1;
  HessianKind hessian_ = HessianKind::Expected;
};

}  // namespace

WEFT_INTEGRATOR_PLUGIN(AdaptiveGaussHermite, "agq", "1.0.0")
