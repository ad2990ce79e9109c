#include "inference/simulation.hpp"

#include <weft/errors.hpp>

#include "util/parallel.hpp"

#include <cmath>
#include <map>

namespace weft::inference {

namespace {

// SplitMix64 (Steele, Lea, Flood 2014): a bijective mixer, so nearby (seed, draw) pairs give
// unrelated generator seeds.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Vector numbers(const nlohmann::json& block, const char* key, const std::string& where) {
  if (!block.contains(key) || !block[key].is_array())
    throw InputError(where + ": not a weft result document with \"model\".\"" + key +
                     "\" (write it with this weft's `weft fit --format json`)");
  Vector v(Index(block[key].size()));
  for (std::size_t i = 0; i < block[key].size(); ++i) {
    if (!block[key][i].is_number()) throw InputError(where + ": \"model\".\"" + key + "\" must hold numbers");
    v(Index(i)) = block[key][i].get<double>();
  }
  return v;
}

}  // namespace

DrawStream::DrawStream(std::uint64_t seed, std::uint64_t draw) : engine_(splitmix64(splitmix64(seed) ^ draw)) {}

SimulationPoint simulation_point(const fit::FittedModel& fitted) {
  SimulationPoint at;
  at.estimates = fitted.estimates;
  const fit::FitResult& r = fitted.result;
  at.theta_scale = r.linear_mixed_model ? r.residual_sd : 1.0;
  Index q = 0;
  for (const auto& modes : r.ranef) q += modes.values.size();
  at.b.resize(q);
  Index k = 0;
  for (const auto& modes : r.ranef)  // level-major within a term, as Z's columns
    for (Index j = 0; j < modes.values.rows(); ++j)
      for (Index c = 0; c < modes.values.cols(); ++c) at.b(k++) = modes.values(j, c);
  return at;
}

SimulationPoint simulation_point(const nlohmann::json& model, const std::string& where, const fit::PreparedModel& pm) {
  const ModelMatrices& m = pm.built.matrices;
  SimulationPoint at;
  at.estimates.beta = numbers(model, "beta", where);
  at.estimates.beta_zi = numbers(model, "beta_zi", where);
  at.estimates.theta = numbers(model, "theta", where);
  if (at.estimates.beta.size() != m.p() || at.estimates.beta_zi.size() != m.X_zi.cols() ||
      at.estimates.theta.size() != m.n_theta())
    throw InputError(where + ": the result's parameters do not fit the model rebuilt from its data (" +
                     pm.data_name + "): has the data file changed since the fit?");
  if (!model.contains("theta_scale") || !model["theta_scale"].is_number())
    throw InputError(where + ": \"model\".\"theta_scale\" must be a number");
  at.theta_scale = model["theta_scale"].get<double>();
  if (!model.contains("family_parameters") || !model.contains("ranef"))
    throw InputError(where + ": not a weft result document with \"model\".\"family_parameters\" and \"ranef\" "
                             "(write it with this weft's `weft fit --format json`)");
  const nlohmann::json& params = model.at("family_parameters");
  for (const auto& p : pm.family->parameters()) {
    if (!params.is_object() || !params.contains(p.name) || !params[p.name].is_number())
      throw InputError(where + ": \"model\".\"family_parameters\" has no number \"" + p.name + "\"");
    at.estimates.family.push_back(params[p.name].get<double>());
  }
  // b from the conditional modes, term by term; their levels must be the rebuilt design's.
  const nlohmann::json& ranef = model.at("ranef");
  if (!ranef.is_array() || ranef.size() != m.terms.size())
    throw InputError(where + ": \"model\".\"ranef\" does not match the model's random-effects terms");
  at.b = Vector::Zero(m.q());
  for (std::size_t t = 0; t < m.terms.size(); ++t) {
    const RandomEffectTerm& term = m.terms[t];
    const nlohmann::json& block = ranef[t];
    if (!block.contains("levels") || block["levels"] != nlohmann::json(term.levels) || !block.contains("values") ||
        !block["values"].is_array() || Index(block["values"].size()) != term.n_levels())
      throw InputError(where + ": the levels of " + term.group + " in " + pm.data_name +
                       " are not the fitted ones: has the data file changed since the fit?");
    for (Index j = 0; j < term.n_levels(); ++j)
      for (Index c = 0; c < term.k(); ++c) {
        const nlohmann::json& v = block["values"][std::size_t(j)];
        if (!v.is_array() || Index(v.size()) != term.k() || !v[std::size_t(c)].is_number())
          throw InputError(where + ": \"model\".\"ranef\" values of " + term.group + " must be rows of numbers");
        at.b(term.first_column + j * term.k() + c) = v[std::size_t(c)].get<double>();
      }
  }
  return at;
}

ResponseSimulator::ResponseSimulator(const fit::PreparedModel& pm, const SimulationPoint& at, bool conditional)
    : pm_(pm), at_(at) {
  const ModelMatrices& m = pm.built.matrices;
  new_random_effects_ = !conditional && m.q() > 0;
  if (new_random_effects_) {
    RelativeCovarianceFactor lambda(m.terms);
    lambda.update(at.estimates.theta);
    lambda_ = lambda.lambda();
  }
  eta_ = m.X * at.estimates.beta + m.offset;
  if (conditional && m.q() > 0) eta_ += m.Z * at.b;
  if (pm.family->uses_zero_model()) eta_zi_ = m.X_zi * at.estimates.beta_zi;
}

Vector ResponseSimulator::draw(RandomStream& random) const {
  const ModelMatrices& m = pm_.built.matrices;
  Vector eta = eta_;
  if (new_random_effects_) {
    Vector z(m.q());
    for (Index j = 0; j < m.q(); ++j) z(j) = draw::normal(random);
    eta += m.Z * Vector(at_.theta_scale * (lambda_ * z));
  }
  Vector y(m.n());
  pm_.family->simulate({m.weights.data(), std::size_t(m.n())},
                       LinearPredictors{{eta.data(), std::size_t(eta.size())}, {eta_zi_.data(), std::size_t(eta_zi_.size())}},
                       *pm_.link, at_.estimates.family, random, {y.data(), std::size_t(y.size())});
  return y;
}

Matrix simulate_responses(const fit::PreparedModel& pm, const SimulationPoint& at, std::size_t nsim,
                          std::uint64_t seed, bool conditional) {
  if (!pm.family->can_simulate())
    throw InputError(pm.config_name + ": family '" + pm.family->name() + "' cannot simulate responses (its plugin has no simulate())");
  const ResponseSimulator simulator(pm, at, conditional);
  Matrix out(pm.built.matrices.n(), Index(nsim));
  parallel_for(nsim, [&](std::size_t d) {
    DrawStream random(seed, d);
    out.col(Index(d)) = simulator.draw(random);
  });
  return out;
}

std::string response_text(const fit::PreparedModel& pm, double y) {
  const auto& levels = pm.built.response_levels.names;
  if (!levels.empty()) {
    const auto k = std::size_t(std::llround(y));
    return k < levels.size() ? levels[k] : "NA";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", y);
  return buffer;
}

}  // namespace weft::inference
