#pragma once
// The Integrator interface: turns (beta, theta, family parameters) into the approximate
// marginal deviance -2 log L by integrating out the random effects (Laplace, AGQ, ...).
// Part of the integrator-author layer (weft/integrator/, WEFT_INTEGRATOR_ABI_VERSION).
#include <weft/family.hpp>
#include <weft/integrator/model.hpp>
#include <weft/options.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace weft {

// The curvature an integrator's inner problem uses (and the flavour of its Laplace
// approximation): Fisher information, as lme4, or the exact -d2 log p / d eta2, as TMB.
// Also what the kernel's convergence checks follow: an observed-Hessian fit must end at a
// positive-definite Hessian, as glmmTMB's sdreport requires.
enum class HessianKind { Expected, Observed };

inline const char* to_string(HessianKind kind) { return kind == HessianKind::Expected ? "expected" : "observed"; }

// One point in parameter space, every block on its natural scale.
struct ModelParameters {
  Vector beta;                 // fixed effects (p)
  Vector theta;                // relative covariance factors (ModelMatrices::n_theta())
  std::vector<double> family;  // family parameters, Family::parameters() order
  Vector beta_zi;              // zero-model fixed effects (0 unless the family has one)
};

// What the kernel asks of a likelihood when it binds one (Integrator::bind).
struct BindOptions {
  // REML: the fixed effects are integrated out with a flat prior (lmer's REML criterion for a
  // linear mixed model, glmmTMB's REML = TRUE otherwise). An integrator that cannot do this
  // throws InputError saying so; one that does returns a likelihood whose reml() is true.
  bool reml = false;
  // Per Family::parameters(): true where the parameter is held fixed (given in the YAML), so a
  // likelihood must not profile it out.
  std::vector<bool> fixed_family_parameters;
};

// The blocks a likelihood determines itself at every evaluation instead of taking them from
// the optimizer (lme4's profiled deviance: the optimizer sees theta alone). The kernel leaves
// them out of the optimizer's vector, reads them back with profiled_values() and counts them
// as estimated parameters (lmer's df = p + #theta + 1).
struct ProfiledBlocks {
  // beta: profiled (the conditional estimate at theta) or integrated out (REML, where the
  // reported beta is the mode of the joint (u, beta) problem).
  bool beta = false;
  // A family parameter (index into Family::parameters()) that the likelihood profiles out and
  // to which theta is relative: Var(b) = scale^2 Lambda Lambda' (lmer's sigma). nullopt: theta
  // is absolute (Var(b) = Lambda Lambda'), as for every GLMM.
  std::optional<std::size_t> scale;
  bool any() const { return beta || scale.has_value(); }
};

// An integrator bound to one model; holds the conditional modes between calls so each
// evaluation starts from the last one (warm start).
class MarginalLikelihood {
 public:
  virtual ~MarginalLikelihood() = default;

  // The blocks this likelihood determines itself (see ProfiledBlocks). Their values in the
  // ModelParameters passed to deviance() are ignored.
  virtual ProfiledBlocks profiled() const { return {}; }
  // Writes the profiled blocks' values at the last evaluation into `at` (beta, the scale
  // parameter); nothing when none are profiled.
  virtual void profiled_values(ModelParameters& at) const { (void)at; }
  // The covariance of beta at the last evaluation when the likelihood knows it (lmer's
  // sigma^2 (RX'RX)^-1, or the beta block of the joint (u, beta) Hessian's inverse for a
  // REML Laplace fit); an empty matrix lets the kernel take it from the Hessian of the deviance.
  virtual Matrix beta_covariance() const { return Matrix(); }
  // True when deviance() is the REML criterion (BindOptions::reml honoured).
  virtual bool reml() const { return false; }

  // -2 log L(beta, theta, family) with all normalising constants; +infinity where the inner
  // problem has no finite solution.
  virtual double deviance(const ModelParameters& at) = 0;

  // lme4's first stage (nAGQ = 0): beta joins u in the inner problem. `at.beta` is the start
  // and receives the joint mode. Returns nullopt when the integrator cannot do this.
  virtual std::optional<double> deviance_with_beta_in_inner_problem(ModelParameters& at) {
    (void)at;
    return std::nullopt;
  }

  // True when deviance_gradient() is implemented.
  virtual bool has_gradient() const { return false; }
  // -2 log L and its gradient in every parameter block, each on its natural scale (family
  // parameters as values, not logs). Returns false where no gradient can be had (the kernel
  // then uses finite differences of deviance()).
  virtual bool deviance_gradient(const ModelParameters& at, double& deviance, ModelParameters& gradient) {
    (void)at;
    (void)deviance;
    (void)gradient;
    return false;
  }

  // The same for the first-stage objective (beta in the inner problem): `at.beta` is the start
  // and receives the joint mode; the gradient's beta block is not used.
  virtual bool deviance_gradient_with_beta_in_inner_problem(ModelParameters& at, double& deviance,
                                                           ModelParameters& gradient) {
    (void)at;
    (void)deviance;
    (void)gradient;
    return false;
  }

  // Spherical conditional modes u at the last evaluation (b = Lambda(theta) u).
  virtual const Vector& modes() const = 0;
  // The conditional covariance of b = Lambda u at the last evaluation (lme4's condVar): per
  // term (ModelMatrices::terms order), per level, the k x k block of s^2 Lambda H^-1 Lambda'
  // (conditional_covariance.hpp). Empty when the likelihood cannot give it.
  virtual std::vector<std::vector<Matrix>> conditional_covariances() const { return {}; }
  // Forget the warm start: the next evaluation solves its inner problem from u = 0. The kernel
  // compares the two at the optimum: where they differ, the inner problem has several modes
  // and the approximation is not unique there.
  virtual void forget_modes() {}
  // The Hessian flavour actually used (a family without expected information falls back to
  // observed).
  virtual HessianKind hessian() const = 0;
};

class Integrator {
 public:
  virtual ~Integrator() = default;
  virtual std::string name() const = 0;
  // The option keys this integrator accepts (besides `name`).
  virtual std::vector<std::string> option_names() const = 0;
  // Reads and validates options; throws InputError naming the key.
  virtual void configure(const Options& options) = 0;
  // Quadrature points per random effect (1 for Laplace).
  virtual int points() const { return 1; }
  // Throws InputError when this integrator cannot handle the model (e.g. AGQ with crossed
  // factors) or the options (REML); the message says why.
  virtual std::unique_ptr<MarginalLikelihood> bind(const ModelMatrices& model, const Family& family,
                                                   const Link& link, const BindOptions& options) const = 0;
};

}  // namespace weft
