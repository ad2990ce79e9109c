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

// An integrator bound to one model; holds the conditional modes between calls so each
// evaluation starts from the last one (warm start).
class MarginalLikelihood {
 public:
  virtual ~MarginalLikelihood() = default;

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
  // factors); the message says why.
  virtual std::unique_ptr<MarginalLikelihood> bind(const ModelMatrices& model, const Family& family,
                                                   const Link& link) const = 0;
};

}  // namespace weft
