#include "fit/deviance_function.hpp"

#include "progress/progress.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <limits>

namespace weft::fit {

DevianceFunction::DevianceFunction(MarginalLikelihood& likelihood, const ParameterLayout& layout, bool beta_profiled,
                                   const ModelParameters* start)
    : likelihood_(likelihood), layout_(layout), beta_profiled_(beta_profiled) {
  for (Index i = 0; i < layout.size(); ++i)
    if (!beta_profiled || i < layout.beta_begin() || i >= layout.beta_begin() + layout.p()) coordinates_.push_back(i);
  full_ = start ? layout.pack(*start) : Vector::Zero(layout.size());
  if (start) beta_ = start->beta;
}

Vector DevianceFunction::from_layout(const Vector& full) const {
  Vector x(coordinates_.size());
  for (std::size_t i = 0; i < coordinates_.size(); ++i) x(Index(i)) = full(coordinates_[i]);
  return x;
}

ModelParameters DevianceFunction::parameters(const Vector& x) const {
  Vector full = full_;
  for (std::size_t i = 0; i < coordinates_.size(); ++i) full(coordinates_[i]) = x(Index(i));
  ModelParameters at = layout_.unpack(full);
  if (beta_profiled_) at.beta = beta_;
  return at;
}

ModelParameters DevianceFunction::estimates(const Vector& x) {
  (*this)(x);
  ModelParameters at = parameters(x);
  likelihood_.profiled_values(at);
  return at;
}

double DevianceFunction::operator()(const Vector& x) {
  ModelParameters at = parameters(x);
  if (!beta_profiled_) return likelihood_.deviance(at);
  const auto d = likelihood_.deviance_with_beta_in_inner_problem(at);
  if (!d || !std::isfinite(*d)) return std::numeric_limits<double>::infinity();
  if (at.beta.allFinite()) beta_ = at.beta;  // warm start for the next call
  return *d;
}

bool DevianceFunction::analytic_gradient(const Vector& x, double& value, Vector& gradient) {
  if (!likelihood_.has_gradient()) return false;
  ModelParameters at = parameters(x);
  ModelParameters g;
  const bool ok = beta_profiled_ ? likelihood_.deviance_gradient_with_beta_in_inner_problem(at, value, g)
                                 : likelihood_.deviance_gradient(at, value, g);
  if (!ok) return false;
  if (beta_profiled_ && at.beta.allFinite()) beta_ = at.beta;
  Vector full(layout_.size());
  full.segment(layout_.theta_begin(), layout_.n_theta()) = g.theta;
  full.segment(layout_.beta_begin(), layout_.p()) =
      beta_profiled_ || g.beta.size() != layout_.p() ? Vector::Zero(layout_.p()) : g.beta;
  if (layout_.n_family_estimated() > 0)  // chain rule to the optimisation scale
    full.segment(layout_.family_begin(), layout_.n_family_estimated()) =
        layout_.family_jacobian(at).transpose() * Eigen::Map<const Vector>(g.family.data(), Index(g.family.size()));
  full.segment(layout_.zi_begin(), layout_.p_zi()) = g.beta_zi;
  gradient = from_layout(full);
  return std::isfinite(value) && gradient.allFinite();
}

double DevianceFunction::value_and_gradient(const Vector& x, Vector& gradient) {
  double value = 0;
  const bool ok = analytic_gradient(x, value, gradient);
  if (ok) return value;
  value = (*this)(x);
  gradient = central_gradient(as_function(), x, difference_steps(x, kGradientStep));
  return value;
}

SecondOrderDerivatives DevianceFunction::derivatives(const Vector& x, double f0, const Vector& h) {
  double value = 0;
  Vector g0;
  if (!analytic_gradient(x, value, g0)) return central_derivatives(as_function(), x, f0, h);
  const Index n = x.size();
  SecondOrderDerivatives d{g0, Matrix(n, n)};
  // Forward differences of the gradient: n gradients, O(h) error (1e-4 relative with the
  // kernel's steps), ample for standard errors and the convergence checks.
  Vector xi = x, up;
  for (Index i = 0; i < n; ++i) {
    xi(i) = x(i) + h(i);
    const bool ok = analytic_gradient(xi, value, up);
    xi(i) = x(i);
    if (!ok) return central_derivatives(as_function(), x, f0, h);
    d.hessian.col(i) = (up - g0) / h(i);
  }
  d.hessian = (0.5 * (d.hessian + d.hessian.transpose())).eval();
  return d;
}

void ScaledObjective::report(const Vector& x, double value, const Vector* gradient) const {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "deviance %.6f", value);
  progress::advance_current(buffer);
  if (!progress::tracing()) return;
  // One line per evaluation, as lme4's verbose: iteration, stage, deviance, |gradient|, parameters.
  constexpr Index kShown = 12;
  std::string line;
  std::snprintf(buffer, sizeof buffer, "iteration %4ld  %-7s deviance %.8g", progress::current()->next_count(),
                stage_, value);
  line += buffer;
  if (gradient) {
    std::snprintf(buffer, sizeof buffer, "  |gradient| %.3e", gradient->norm());
    line += buffer;
  } else {
    line += "  |gradient| -        ";
  }
  line += "  parameters";
  for (Index i = 0; i < x.size() && i < kShown; ++i) {
    std::snprintf(buffer, sizeof buffer, " %.6g", x(i));
    line += buffer;
  }
  if (x.size() > kShown) line += " ... (" + std::to_string(x.size()) + ")";
  progress::trace(line);
}

}  // namespace weft::fit
