#pragma once
// The deviance -2 log L as a function of the optimiser's vector x (ParameterLayout), with its
// gradient: analytic where the integrator gives one, central differences otherwise. Two
// forms: every parameter (stage 2), or every parameter but beta, with beta profiled into the
// inner problem (stage 1, lme4's nAGQ = 0).
#include <weft/integrator/integrator.hpp>

#include "fit/finite_differences.hpp"
#include "fit/parameter_layout.hpp"

#include <exception>
#include <vector>

namespace weft::fit {

// A function of a vector with its gradient, as optimizers see it through ScaledObjective: the
// deviance of the layout vector (DevianceFunction) or of a profile's nuisance parameters
// (inference/held_parameter.hpp).
class DifferentiableFunction {
 public:
  virtual ~DifferentiableFunction() = default;
  virtual double operator()(const Vector& x) = 0;
  virtual double value_and_gradient(const Vector& x, Vector& gradient) = 0;
  ScalarFunction as_function() {
    return [this](const Vector& x) { return (*this)(x); };
  }
  // What --verbose's trace lines call this function's minimisation.
  virtual const char* stage() const { return ""; }
};

class DevianceFunction final : public DifferentiableFunction {
 public:
  // `beta_profiled`: x omits the beta block; beta follows the inner problem's joint mode
  // (starting from `start.beta`, kept between calls as a warm start).
  DevianceFunction(MarginalLikelihood& likelihood, const ParameterLayout& layout, bool beta_profiled = false,
                   const ModelParameters* start = nullptr);

  // Relative step of the central differences where the integrator gives no gradient.
  static constexpr double kGradientStep = 1e-5;

  double operator()(const Vector& x) override;
  double value_and_gradient(const Vector& x, Vector& gradient) override;

  // Gradient and Hessian at x: the Hessian by forward differences of analytic gradients when
  // there are any (n gradients), else by central differences of values (2n^2 deviances).
  SecondOrderDerivatives derivatives(const Vector& x, double f0, const Vector& h);

  bool beta_profiled() const { return beta_profiled_; }
  const char* stage() const override { return beta_profiled_ ? "stage 1" : "stage 2"; }

  // The optimiser's vector and bounds for this form (the layout's, without beta if profiled).
  Vector from_layout(const Vector& full) const;
  // The parameters at x (with the current profiled beta).
  ModelParameters parameters(const Vector& x) const;
  // Every parameter's estimate at x: evaluates there (the likelihood's modes are then x's),
  // and reads back the blocks the likelihood determines itself (ProfiledBlocks).
  ModelParameters estimates(const Vector& x);

 private:
  bool analytic_gradient(const Vector& x, double& value, Vector& gradient);

  MarginalLikelihood& likelihood_;
  const ParameterLayout& layout_;
  bool beta_profiled_;
  std::vector<Index> coordinates_;  // layout indices this function's x covers
  Vector full_;                     // the layout vector the fixed parts are read from
  Vector beta_;                     // profiled beta (warm start)
};

// The Objective an optimizer plugin sees: the deviance over z = s .* x (diagonal
// preconditioning, see curvature_scales). An exception from an evaluation (a plugin error)
// is stored and the optimizer gets EvaluationAborted instead, now and on every later call;
// rethrow_failure() raises the stored error once the optimizer has returned.
// Every evaluation is reported to this thread's progress monitor (progress/progress.hpp): one
// trace line with --verbose (lme4's verbose: the deviance, the gradient's norm and the
// parameters), a step of the current task's bar. Optimizer plugins never print.
class ScaledObjective final : public Objective {
 public:
  ScaledObjective(DifferentiableFunction& f, Vector scale) : f_(f), scale_(std::move(scale)), stage_(f.stage()) {}
  Vector to_scaled(const Vector& x) const { return x.cwiseProduct(scale_); }
  Vector from_scaled(const Vector& z) const { return z.cwiseQuotient(scale_); }
  double value(const Vector& z) override {
    return guarded([&] {
      const Vector x = from_scaled(z);
      const double f = f_(x);
      report(x, f, nullptr);
      return f;
    });
  }
  double value_and_gradient(const Vector& z, Vector& gradient) override {
    return guarded([&] {
      const Vector x = from_scaled(z);
      const double f = f_.value_and_gradient(x, gradient);
      report(x, f, &gradient);
      gradient = gradient.cwiseQuotient(scale_);
      return f;
    });
  }
  void rethrow_failure() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  template <class F>
  double guarded(F&& evaluate) {
    if (failure_) throw EvaluationAborted{};
    try {
      return evaluate();
    } catch (...) {
      failure_ = std::current_exception();
      throw EvaluationAborted{};
    }
  }

  // To the progress monitor: a trace line (gradient in x's coordinates, or none) and a bar step.
  void report(const Vector& x, double value, const Vector* gradient) const;

  DifferentiableFunction& f_;
  Vector scale_;
  const char* stage_;
  std::exception_ptr failure_;
};

}  // namespace weft::fit
