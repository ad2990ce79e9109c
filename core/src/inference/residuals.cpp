#include "inference/residuals.hpp"

#include <weft/errors.hpp>

#include <algorithm>
#include <cmath>

namespace weft::inference {

namespace {

struct LinearPredictorValues {
  Vector eta, zero_probability;
};

LinearPredictorValues conditional_predictors(const fit::PreparedModel& pm, const SimulationPoint& at) {
  const ModelMatrices& m = pm.built.matrices;
  LinearPredictorValues v;
  v.eta = m.X * at.estimates.beta + m.offset;
  if (m.q() > 0) v.eta += m.Z * at.b;
  v.zero_probability = Vector::Zero(m.n());
  if (pm.family->uses_zero_model()) {
    const Vector eta_zi = m.X_zi * at.estimates.beta_zi;
    for (Index i = 0; i < m.n(); ++i) v.zero_probability(i) = 1.0 / (1.0 + std::exp(-eta_zi(i)));
  }
  return v;
}

// log p(y_i | eta_i) per row, weights included.
Vector log_densities(const fit::PreparedModel& pm, const Vector& eta, const Vector& eta_zi, const SimulationPoint& at) {
  const ModelMatrices& m = pm.built.matrices;
  Vector out(m.n());
  FamilyDerivatives d;
  d.log_density = {out.data(), std::size_t(out.size())};
  pm.family->evaluate(Observations{{m.y.data(), std::size_t(m.n())}, {m.weights.data(), std::size_t(m.n())}},
                      LinearPredictors{{eta.data(), std::size_t(eta.size())}, {eta_zi.data(), std::size_t(eta_zi.size())}},
                      *pm.link, at.estimates.family, d);
  return out;
}

void refuse_levels(const fit::PreparedModel& pm, const char* type) {
  if (!pm.built.response_levels.names.empty())
    throw InputError(std::string("--type ") + type + ": the response of family '" + pm.family->name() +
                     "' is a level, not a number; use --type quantile");
}

// E[y | b^] per row at the predictors `v`.
Vector means_at(const fit::PreparedModel& pm, const LinearPredictorValues& v, const SimulationPoint& at) {
  Vector mean(v.eta.size());
  for (Index i = 0; i < mean.size(); ++i)
    mean(i) = pm.family->mean(pm.link->linkinv(v.eta(i)), v.zero_probability(i), at.estimates.family);
  return mean;
}

}  // namespace

ResidualType residual_type(const std::string& text, const std::string& key) {
  if (text == "response") return ResidualType::Response;
  if (text == "pearson") return ResidualType::Pearson;
  if (text == "deviance") return ResidualType::Deviance;
  if (text == "quantile") return ResidualType::Quantile;
  throw InputError(key + ": expected response, pearson, deviance or quantile, got '" + text + "'");
}

Vector fitted_means(const fit::PreparedModel& pm, const SimulationPoint& at) {
  return means_at(pm, conditional_predictors(pm, at), at);
}

Vector residuals(const fit::PreparedModel& pm, const SimulationPoint& at, ResidualType type, std::size_t nsim,
                 std::uint64_t seed) {
  const ModelMatrices& m = pm.built.matrices;
  const Index n = m.n();
  Vector out(n);
  switch (type) {
    case ResidualType::Response:
      refuse_levels(pm, "response");
      return m.y - fitted_means(pm, at);
    case ResidualType::Pearson: {
      refuse_levels(pm, "pearson");
      const LinearPredictorValues v = conditional_predictors(pm, at);
      const Vector mean = means_at(pm, v, at);
      for (Index i = 0; i < n; ++i) {
        const double var = pm.family->variance(pm.link->linkinv(v.eta(i)), v.zero_probability(i), at.estimates.family);
        if (!std::isfinite(var))
          throw InputError("--type pearson: family '" + pm.family->name() + "' does not give its variance");
        out(i) = (m.y(i) - mean(i)) / std::sqrt(var / m.weights(i));
      }
      return out;
    }
    case ResidualType::Deviance: {
      refuse_levels(pm, "deviance");
      if (pm.family->uses_zero_model())
        throw InputError("--type deviance: not defined for family '" + pm.family->name() +
                         "' (a zero model); use --type pearson or quantile");
      const LinearPredictorValues v = conditional_predictors(pm, at);
      // The saturated model: mu = y (held inside the family's support for y at its ends).
      const Support s = pm.family->support();
      Vector eta_saturated(n);
      for (Index i = 0; i < n; ++i) {
        double y = m.y(i);
        if (s == Support::Binomial || s == Support::UnitInterval || s == Support::ClosedUnitInterval)
          y = std::clamp(y, 1e-12, 1 - 1e-12);
        else if (s != Support::Real && y <= 0)
          y = 1e-12;
        eta_saturated(i) = pm.link->linkfun(y);
      }
      const Vector none;
      const Vector lp = log_densities(pm, v.eta, none, at), ls = log_densities(pm, eta_saturated, none, at);
      const Vector mean = means_at(pm, v, at);
      const auto k = pm.family->normal_sd_parameter();
      const double sigma = k ? at.estimates.family[*k] : 1.0;
      for (Index i = 0; i < n; ++i)
        out(i) = (m.y(i) >= mean(i) ? 1.0 : -1.0) * sigma * std::sqrt(std::max(0.0, 2.0 * (ls(i) - lp(i))));
      return out;
    }
    case ResidualType::Quantile: {
      if (nsim < 1) throw InputError("--nsim: quantile residuals need at least 1 simulation");
      const Matrix sims = simulate_responses(pm, at, nsim, seed, false);
      DrawStream random(seed, nsim);  // after the data sets' streams
      for (Index i = 0; i < n; ++i) {
        std::size_t below = 0, equal = 0;
        for (Index d = 0; d < sims.cols(); ++d) {
          below += sims(i, d) < m.y(i);
          equal += sims(i, d) == m.y(i);
        }
        out(i) = (double(below) + draw::uniform(random) * double(equal + 1)) / double(nsim + 1);
      }
      return out;
    }
  }
  return out;
}

}  // namespace weft::inference
