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
  std::vector<std::vector<Matrix>> conditional_covariances() const override {
    return pirls_.conditional_covariances();
  }
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

// glmmTMB's REML = TRUE for a GLMM: beta joins u in the Laplace integral with a flat prior,
//   -2 log L_R ~= f(u~, beta~) + log|H| - p log(2 pi),
// H = [M'WM + I, M'WX; X'WM, X'WX] at the joint mode (u~, beta~) of f = -2 log p(y | u, beta) + u'u,
// log|H| = log|A| + log|S| (penalized_irls.hpp, beta_schur_complement). The q log(2 pi) of
// u's normal density cancels against the Laplace factor; beta's flat prior leaves p log(2 pi).
// beta is determined here (profiled_values: the joint mode) with covariance S^-1, conditional
// on theta. The kernel differentiates this deviance by finite differences.
class RemlPirlsLikelihood : public PirlsLikelihood {
 public:
  using PirlsLikelihood::PirlsLikelihood;

  ProfiledBlocks profiled() const override { return {true, std::nullopt}; }
  bool reml() const override { return true; }

  // `at.beta` is only a start for the first solve (later ones start from the last mode).
  double deviance(const ModelParameters& at) override {
    if (beta_.size() != model_.p()) beta_ = at.beta.size() == model_.p() ? at.beta : Vector::Zero(model_.p());
    pirls_.set_theta(at.theta);
    Vector beta = beta_;
    const InnerSolution s = pirls_.solve_with_beta(beta, at.family, zero_model_predictor(at));
    if (!std::isfinite(s.deviance) || !beta.allFinite()) return std::numeric_limits<double>::infinity();
    schur_ = Eigen::LLT<Matrix>(pirls_.beta_schur_complement());
    if (model_.p() > 0 && schur_.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
    beta_ = beta;
    double log_det_S = 0;
    for (Index j = 0; j < model_.p(); ++j) log_det_S += 2.0 * std::log(schur_.matrixLLT()(j, j));
    const double value = s.deviance + log_det_S - double(model_.p()) * std::log(2.0 * M_PI);
    return std::isfinite(value) ? value : std::numeric_limits<double>::infinity();
  }
  bool has_gradient() const override { return false; }
  bool deviance_gradient(const ModelParameters&, double&, ModelParameters&) override { return false; }
  // beta is already in the inner problem: no separate first stage.
  std::optional<double> deviance_with_beta_in_inner_problem(ModelParameters&) override { return std::nullopt; }
  bool deviance_gradient_with_beta_in_inner_problem(ModelParameters&, double&, ModelParameters&) override {
    return false;
  }

  void profiled_values(ModelParameters& at) const override { at.beta = beta_; }
  Matrix beta_covariance() const override {
    if (schur_.rows() != model_.p() || schur_.info() != Eigen::Success) return Matrix();
    return schur_.solve(Matrix::Identity(model_.p(), model_.p()));
  }

 private:
  Vector beta_;               // the joint mode's beta at the last evaluation (warm start)
  Eigen::LLT<Matrix> schur_;  // of S at the last evaluation
};

}  // namespace weft
