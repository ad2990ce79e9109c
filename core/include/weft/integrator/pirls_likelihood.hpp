#pragma once
// A MarginalLikelihood on penalised IRLS: the Laplace approximation with its analytic gradient
// and lme4's first stage (beta in the inner problem). The laplace plugin is this class; agq
// derives from it and replaces the deviance (and its gradient) by quadrature.
#include <weft/integrator/integrator.hpp>
#include <weft/integrator/penalized_irls.hpp>

namespace weft {

class PirlsLikelihood : public MarginalLikelihood {
 public:
  PirlsLikelihood(const ModelMatrices& model, const Family& family, const Link& link, HessianKind hessian)
      : model_(model), pirls_(model, family, link, hessian) {}

  double deviance(const ModelParameters& at) override {
    Vector eta_zi;
    return laplace(at, eta_zi).deviance;
  }

  bool has_gradient() const override { return true; }
  bool deviance_gradient(const ModelParameters& at, double& deviance, ModelParameters& gradient) override {
    Vector eta_zi;
    deviance = laplace(at, eta_zi).deviance;
    return std::isfinite(deviance) && pirls_.gradient(at.theta, at.family, eta_zi, gradient);
  }

  std::optional<double> deviance_with_beta_in_inner_problem(ModelParameters& at) override {
    pirls_.set_theta(at.theta);
    return pirls_.solve_with_beta(at.beta, at.family, zero_model_predictor(at)).deviance;
  }
  bool deviance_gradient_with_beta_in_inner_problem(ModelParameters& at, double& deviance,
                                                   ModelParameters& gradient) override {
    pirls_.set_theta(at.theta);
    const Vector eta_zi = zero_model_predictor(at);
    deviance = pirls_.solve_with_beta(at.beta, at.family, eta_zi).deviance;
    return std::isfinite(deviance) && pirls_.gradient(at.theta, at.family, eta_zi, gradient, true);
  }

  const Vector& modes() const override { return pirls_.u(); }
  void forget_modes() override { pirls_.reset_modes(); }
  HessianKind hessian() const override { return pirls_.hessian(); }

 protected:
  // The Laplace solve at `at` (modes kept for warm starts); `eta_zi` receives X_zi beta_zi.
  InnerSolution laplace(const ModelParameters& at, Vector& eta_zi) {
    pirls_.set_theta(at.theta);
    eta_zi = zero_model_predictor(at);
    return pirls_.solve(at.beta, at.family, eta_zi);
  }

  Vector zero_model_predictor(const ModelParameters& at) const {
    if (model_.X_zi.cols() == 0) return Vector();
    return model_.X_zi * at.beta_zi;
  }

  const ModelMatrices& model_;
  mutable PenalizedIrls pirls_;
};

}  // namespace weft
