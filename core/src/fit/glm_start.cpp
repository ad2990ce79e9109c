#include "fit/glm_start.hpp"

#include <weft/parallel_family.hpp>

#include <cmath>

namespace weft::fit {

namespace {

struct GlmState {
  Vector log_density, d1, weights;
  double deviance = 0;
};

// -2 log L and IRLS quantities at eta.
GlmState evaluate(const ModelMatrices& model, const Family& family, const Link& link,
                  std::span<const double> params, const Vector& eta, const Vector& eta_zi) {
  const std::size_t n = std::size_t(model.n());
  GlmState s;
  s.log_density.resize(model.n());
  s.d1.resize(model.n());
  s.weights.resize(model.n());
  const Observations obs{{model.y.data(), n}, {model.weights.data(), n}};
  const LinearPredictors lp{{eta.data(), n}, {eta_zi.data(), std::size_t(eta_zi.size())}};
  FamilyDerivatives out;
  out.log_density = {s.log_density.data(), n};
  out.d1 = {s.d1.data(), n};
  if (family.has_expected_information()) {
    out.fisher = {s.weights.data(), n};
    evaluate_in_parallel(family, obs, lp, link, params, out);
  } else {
    out.d2 = {s.weights.data(), n};
    evaluate_in_parallel(family, obs, lp, link, params, out);
    s.weights = (-s.weights).cwiseMax(1e-10);  // a Newton step needs positive curvature
  }
  s.deviance = -2.0 * s.log_density.sum();
  if (!std::isfinite(s.deviance)) s.deviance = INFINITY;
  return s;
}

}  // namespace

Vector glm_start(const ModelMatrices& model, const Family& family, const Link& link,
                 std::span<const double> params) {
  const Index n = model.n(), p = model.p();
  const std::size_t nn = std::size_t(n);
  // A zero model is switched off: probability of an extra zero = plogis(-30) ~ 1e-13.
  const Vector eta_zi = family.uses_zero_model() ? Vector::Constant(n, -30.0) : Vector();
  Vector mu(n), eta(n);
  family.initial_mean({{model.y.data(), nn}, {model.weights.data(), nn}}, {mu.data(), nn});
  for (Index i = 0; i < n; ++i) eta(i) = link.linkfun(mu(i));
  if (!eta.allFinite()) eta = model.offset;
  Vector beta = Vector::Zero(p);
  GlmState state = evaluate(model, family, link, params, eta, eta_zi);
  bool from_mustart = true;  // the first step starts from R's mustart, not from a beta
  for (int iter = 0; iter < 100; ++iter) {
    // Working response and weighted least squares (Fisher scoring).
    const Vector z = (eta - model.offset) + state.d1.cwiseQuotient(state.weights.cwiseMax(1e-300));
    const Matrix WX = state.weights.asDiagonal() * model.X;
    const Matrix XtWX = model.X.transpose() * WX;
    const Vector XtWz = WX.transpose() * z;
    const Vector proposal = XtWX.ldlt().solve(XtWz);
    if (!proposal.allFinite()) break;
    // Halve the step while the deviance gets worse (R's glm.fit does the same).
    Vector candidate = proposal;
    GlmState next;
    Vector next_eta;
    bool accepted = false;
    for (int halving = 0; halving < 30; ++halving) {
      next_eta = model.X * candidate + model.offset;
      next = evaluate(model, family, link, params, next_eta, eta_zi);
      if (std::isfinite(next.deviance) && (from_mustart || next.deviance <= state.deviance + 1e-10 * std::abs(state.deviance))) {
        accepted = true;
        break;
      }
      candidate = 0.5 * (candidate + beta);
    }
    if (!accepted) break;
    const double change = std::abs(next.deviance - state.deviance);
    const bool first = from_mustart;
    from_mustart = false;
    beta = candidate;
    eta = next_eta;
    state = std::move(next);
    if (!first && change < 1e-10 * (std::abs(state.deviance) + 0.1)) break;  // glm.control epsilon
  }
  return beta.allFinite() ? beta : Vector::Zero(p);
}

}  // namespace weft::fit
