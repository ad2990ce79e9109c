#include "fit/glm_start.hpp"

#include <weft/integrator/parallel_family.hpp>
#include <weft/integrator/sparse_gram.hpp>

#include <algorithm>
#include <cmath>

namespace weft::fit {

namespace {

struct GlmState {
  Vector log_density, d1, weights;
  double deviance = 0;
};

// -2 log L and IRLS quantities at eta, into `s` (its vectors are reused: no n-sized allocation
// per step once they have their size).
void evaluate(const ModelMatrices& model, const Family& family, const Link& link, std::span<const double> params,
              const Vector& eta, const Vector& eta_zi, GlmState& s) {
  const std::size_t n = std::size_t(model.n());
  s.log_density.resize(model.n());
  s.d1.resize(model.n());
  s.weights.resize(model.n());
  const Observations obs{{model.y.data(), n}, {model.weights.data(), n}};
  const LinearPredictors lp{{eta.data(), n}, {eta_zi.data(), std::size_t(eta_zi.size())}};
  FamilyDerivatives out;
  out.log_density = {s.log_density.data(), n};
  out.d1 = {s.d1.data(), n};
  out.omit_constants = true;  // only differences of the deviance matter here
  if (family.has_expected_information()) {
    out.fisher = {s.weights.data(), n};
    evaluate_in_parallel(family, obs, lp, link, params, out);
  } else {
    out.d2 = {s.weights.data(), n};
    evaluate_in_parallel(family, obs, lp, link, params, out);
    s.weights = (-s.weights).cwiseMax(1e-10);  // a Newton step needs positive curvature
  }
  s.deviance = -2.0 * sum_over_shards(model.shards, s.log_density.sum());
  if (!std::isfinite(s.deviance)) s.deviance = INFINITY;
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
  // Every process makes the same choice (a flag summed over the shards, row_shards.hpp).
  if (sum_over_shards(model.shards, eta.allFinite() ? 0.0 : 1.0) > 0) eta = model.offset;
  Vector beta = Vector::Zero(p);
  GlmState state, next;  // the current point and a candidate; swapped, never reallocated
  evaluate(model, family, link, params, eta, eta_zi, state);
  Vector z, next_eta;
  Matrix WX;
  bool from_mustart = true;  // the first step starts from R's mustart, not from a beta
  for (int iter = 0; iter < 100; ++iter) {
    // Working response and weighted least squares (Fisher scoring).
    z = (eta - model.offset) + state.d1.cwiseQuotient(state.weights.cwiseMax(1e-300));
    WX = state.weights.asDiagonal() * model.X;
    // Each process holds its rows (row_shards.hpp).
    const Matrix XtWX = summed_over_shards(model.shards, model.X.transpose() * WX);
    const Vector XtWz = summed_over_shards(model.shards, WX.transpose() * z);
    const Vector proposal = XtWX.ldlt().solve(XtWz);
    if (!proposal.allFinite()) break;
    // Halve the step while the deviance gets worse (R's glm.fit does the same).
    Vector candidate = proposal;
    bool accepted = false;
    for (int halving = 0; halving < 30; ++halving) {
      next_eta.noalias() = model.X * candidate;
      next_eta += model.offset;
      evaluate(model, family, link, params, next_eta, eta_zi, next);
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
    eta.swap(next_eta);
    std::swap(state, next);
    if (!first && change < 1e-10 * (std::abs(state.deviance) + 0.1)) break;  // glm.control epsilon
  }
  return beta.allFinite() ? beta : Vector::Zero(p);
}

Vector theta_start(const ModelMatrices& model, const Family& family, const Link& link, std::span<const double> params,
                   const Vector& beta, double scale) {
  Vector theta = model.theta_start();
  const Index n = model.n();
  const Vector eta = model.X * beta + model.offset;
  const Vector eta_zi = family.uses_zero_model() ? Vector::Constant(n, -30.0) : Vector();
  GlmState s;
  evaluate(model, family, link, params, eta, eta_zi, s);
  // Working residuals on the link scale, r = d1 / W, with precision W. Z is column-major: a
  // level's rows are its column's entries (no row-major copy of Z, n entries of new memory).
  for (const auto& term : model.terms) {
    if (term.k() != 1) continue;
    const Index levels = term.n_levels();
    Vector weight_sum = Vector::Zero(levels), weighted_residual = Vector::Zero(levels);
    for (Index j = 0; j < levels; ++j)
      for (SparseMatrix::InnerIterator it(model.Z, term.first_column + j); it; ++it) {
        const Index i = it.row();
        if (!(s.weights(i) > 0)) continue;
        weight_sum(j) += s.weights(i) * it.value() * it.value();
        weighted_residual(j) += s.d1(i) * it.value();
      }
    sum_over_shards(model.shards, weight_sum);
    sum_over_shards(model.shards, weighted_residual);
    // Between-level variance of the level means beyond their sampling variance (method of moments).
    double sum = 0, sum_sq = 0, sampling = 0;
    Index used = 0;
    for (Index j = 0; j < levels; ++j) {
      if (!(weight_sum(j) > 0)) continue;
      const double mean = weighted_residual(j) / weight_sum(j);
      sum += mean;
      sum_sq += mean * mean;
      sampling += 1.0 / weight_sum(j);
      ++used;
    }
    if (used < 3) continue;
    const double variance = (sum_sq - sum * sum / double(used)) / double(used - 1) - sampling / double(used);
    if (!std::isfinite(variance)) continue;
    theta(term.first_theta) = std::clamp(std::sqrt(std::max(variance, 0.0)) / scale, 0.1, 3.0);
  }
  return theta;
}

}  // namespace weft::fit
