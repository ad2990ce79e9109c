// The Laplace integrator (nAGQ = 1): penalised IRLS for the conditional modes, then
//   -2 log L ~= -2 sum log p(y | u~) + u~'u~ + log|Lambda'Z'WZ Lambda + I|.
// `hessian: expected` (default) weights the inner problem and the log-determinant with the
// Fisher information, as lme4 does; `hessian: observed` uses -d2 log p / d eta2, as
// glmmTMB/TMB do. For canonical links they coincide.
#include <weft/integrator.hpp>
#include <weft/penalized_irls.hpp>
#include <weft/plugin.hpp>

namespace {

using namespace weft;

class LaplaceLikelihood final : public MarginalLikelihood {
 public:
  LaplaceLikelihood(const ModelMatrices& model, const Family& family, const Link& link, HessianKind hessian)
      : model_(model), pirls_(model, family, link, hessian) {}

  double deviance(const ModelParameters& at) override {
    pirls_.set_theta(at.theta);
    return pirls_.solve(at.beta, at.family, zero_model_predictor(at)).deviance;
  }

  bool has_gradient() const override { return true; }
  bool deviance_gradient(const ModelParameters& at, double& deviance, ModelParameters& gradient) override {
    pirls_.set_theta(at.theta);
    const Vector eta_zi = zero_model_predictor(at);
    const InnerSolution s = pirls_.solve(at.beta, at.family, eta_zi);
    deviance = s.deviance;
    if (!std::isfinite(deviance)) return false;
    return pirls_.gradient(at.theta, at.family, eta_zi, gradient);
  }

  bool deviance_gradient_with_beta_in_inner_problem(ModelParameters& at, double& deviance,
                                                   ModelParameters& gradient) override {
    pirls_.set_theta(at.theta);
    const Vector eta_zi = zero_model_predictor(at);
    deviance = pirls_.solve_with_beta(at.beta, at.family, eta_zi).deviance;
    if (!std::isfinite(deviance)) return false;
    return pirls_.gradient(at.theta, at.family, eta_zi, gradient, true);
  }

  std::optional<double> deviance_with_beta_in_inner_problem(ModelParameters& at) override {
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

  const ModelMatrices& model_;
  mutable PenalizedIrls pirls_;
};

class Laplace final : public Integrator {
 public:
  std::string name() const override { return "laplace"; }
  std::vector<std::string> option_names() const override { return {"hessian"}; }
  void configure(const Options& options) override {
    hessian_ = options.choice("hessian", "expected", {"expected", "observed"}) == "expected"
                   ? HessianKind::Expected
                   : HessianKind::Observed;
  }
  std::unique_ptr<MarginalLikelihood> bind(const ModelMatrices& model, const Family& family,
                                           const Link& link) const override {
    return std::make_unique<LaplaceLikelihood>(model, family, link, hessian_);
  }

 private:
  HessianKind hessian_ = HessianKind::Expected;
};

}  // namespace

WEFT_INTEGRATOR_PLUGIN(Laplace, "laplace", "1.0.0")
