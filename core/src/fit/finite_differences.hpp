#pragma once
// Derivatives of the marginal deviance by central differences, where the integrator gives no
// analytic ones. Steps are relative to each parameter's size: h_i = step * max(1, |x_i|).
// Evaluating at theta < 0 is harmless (the covariance Lambda Lambda' is unchanged by the
// sign), so the differences need no one-sided variants at the bounds.
#include <weft/integrator/model.hpp>
#include <weft/optimizer.hpp>

#include <functional>

namespace weft::fit {

using ScalarFunction = std::function<double(const Vector&)>;

Vector difference_steps(const Vector& x, double step);

// Gradient by central differences (2 n evaluations).
Vector central_gradient(const ScalarFunction& f, const Vector& x, const Vector& h);

struct SecondOrderDerivatives {
  Vector gradient;
  Matrix hessian;
};

// Gradient and Hessian by central differences around x where f(x) = f0 (2 n^2 evaluations).
SecondOrderDerivatives central_derivatives(const ScalarFunction& f, const Vector& x, double f0, const Vector& h);

// An Objective from a function of x, with gradients by central differences.
class FiniteDifferenceObjective final : public Objective {
 public:
  FiniteDifferenceObjective(ScalarFunction f, double step) : f_(std::move(f)), step_(step) {}
  double value(const Vector& x) override { return f_(x); }
  double value_and_gradient(const Vector& x, Vector& gradient) override {
    const double f0 = f_(x);
    gradient = central_gradient(f_, x, difference_steps(x, step_));
    return f0;
  }

 private:
  ScalarFunction f_;
  double step_;
};

// Diagonal preconditioning: an optimiser sees z = s .* x with s_i = sqrt(d2f/dx_i2) at the
// start, so every direction has unit curvature there. Without it a coefficient of a covariate
// on a large scale (grouseticks' cHEIGHT, SE 0.003) and a variance parameter differ in
// curvature by 10^5 and quasi-Newton line searches stall. (ScaledObjective applies it.)
// s_i = sqrt(|d2f/dx_i2|) by second differences at x (1 where that is zero or not finite).
Vector curvature_scales(const ScalarFunction& f, const Vector& x, double f0, const Vector& h);

}  // namespace weft::fit
