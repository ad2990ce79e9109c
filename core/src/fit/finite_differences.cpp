#include "fit/finite_differences.hpp"

#include <cmath>
#include <utility>

namespace weft::fit {

Vector difference_steps(const Vector& x, double step) {
  return (x.cwiseAbs().cwiseMax(1.0) * step).eval();
}

namespace {
// f at x + h_i e_i and x - h_i e_i.
std::pair<double, double> along_axis(const ScalarFunction& f, const Vector& x, const Vector& h, Index i) {
  Vector xi = x;
  xi(i) = x(i) + h(i);
  const double up = f(xi);
  xi(i) = x(i) - h(i);
  return {up, f(xi)};
}
}  // namespace

Vector central_gradient(const ScalarFunction& f, const Vector& x, const Vector& h) {
  Vector g(x.size());
  for (Index i = 0; i < x.size(); ++i) {
    const auto [up, down] = along_axis(f, x, h, i);
    g(i) = (up - down) / (2.0 * h(i));
  }
  return g;
}

SecondOrderDerivatives central_derivatives(const ScalarFunction& f, const Vector& x, double f0, const Vector& h) {
  const Index n = x.size();
  SecondOrderDerivatives d{Vector(n), Matrix(n, n)};
  Vector xi = x;
  for (Index i = 0; i < n; ++i) {
    const auto [up, down] = along_axis(f, x, h, i);
    d.gradient(i) = (up - down) / (2.0 * h(i));
    d.hessian(i, i) = (up - 2.0 * f0 + down) / (h(i) * h(i));
  }
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < i; ++j) {
      auto at = [&](double si, double sj) {
        xi(i) = x(i) + si * h(i);
        xi(j) = x(j) + sj * h(j);
        const double v = f(xi);
        xi(i) = x(i);
        xi(j) = x(j);
        return v;
      };
      const double v = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4.0 * h(i) * h(j));
      d.hessian(i, j) = d.hessian(j, i) = v;
    }
  return d;
}

Vector curvature_scales(const ScalarFunction& f, const Vector& x, double f0, const Vector& h) {
  Vector scale = Vector::Ones(x.size());
  for (Index i = 0; i < x.size(); ++i) {
    const auto [up, down] = along_axis(f, x, h, i);
    const double curvature = (up - 2.0 * f0 + down) / (h(i) * h(i));
    // |f''|: where f is locally concave (theta far from its optimum) the size of the curvature
    // still sets a sensible first step.
    if (std::isfinite(curvature) && std::abs(curvature) > 1e-8) scale(i) = std::sqrt(std::abs(curvature));
  }
  return scale;
}

}  // namespace weft::fit
