// start_values: the pipeline's first step (pipeline.hpp).
#include <weft/errors.hpp>

#include "fit/glm_start.hpp"
#include "fit/pipeline.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cmath>

namespace weft::fit {

namespace {

// `values` into `target` when given, after checking the count.
void take(const std::optional<std::vector<double>>& values, Vector& target, const std::string& where,
          const std::string& what) {
  if (!values) return;
  if (Index(values->size()) != target.size())
    throw InputError(where + ": expected " + std::to_string(target.size()) + " value" + (target.size() == 1 ? "" : "s") +
                     " (" + what + "), got " + std::to_string(values->size()));
  target = Eigen::Map<const Vector>(values->data(), Index(values->size()));
}

}  // namespace

ModelParameters start_values(const EstimationProblem& problem, const Family& family, const Link& link,
                             const config::StartSpec& user, const std::string& config_name) {
  const ParameterLayout& layout = problem.layout;
  const ModelMatrices& model = problem.model;
  ModelParameters start = layout.start(model);
  const auto& parameters = layout.family_parameters();
  for (const auto& [name, value] : user.family) {
    const auto it = std::find_if(parameters.begin(), parameters.end(), [&](const auto& p) { return p.name == name; });
    const std::string where = config_name + ": start.family." + name;
    if (it == parameters.end()) throw InputError(where + ": family '" + family.name() + "' has no parameter '" + name + "'");
    const std::size_t k = std::size_t(it - parameters.begin());
    if (layout.family_parameter_fixed(k)) throw InputError(where + ": the parameter is fixed in `family:`, so it has no start");
    if (layout.family_parameter_profiled(k))
      throw InputError(where + ": the parameter is profiled out of the likelihood (as lmer's sigma), so it has no start");
    const bool valid = it->scale == ParameterScale::Log ? value > 0
                       : it->scale == ParameterScale::Logit ? (value > 0 && value < 1)
                                                            : true;
    if (!valid) throw InputError(where + ": expected a value inside the parameter's range, got " + std::to_string(value));
    start.family[k] = value;
  }
  // Ordered parameters must stay above the one before them (the user's values or the starts).
  for (std::size_t k = 1; k < parameters.size(); ++k)
    if (parameters[k].scale == ParameterScale::Increasing && !(start.family[k] > start.family[k - 1]))
      throw InputError(config_name + ": start.family: '" + parameters[k].name + "' (" + format_number(start.family[k], 6) +
                       ") must be above '" + parameters[k - 1].name + "' (" + format_number(start.family[k - 1], 6) +
                       "): each is ordered after the one before it; give start values for both");
  start.beta = glm_start(model, family, link, start.family);
  take(user.fixef, start.beta, config_name + ": start.fixef", "one per fixed effect");
  if (user.theta) {
    take(user.theta, start.theta, config_name + ": start.theta", "lme4's theta: the lower triangle of each term's factor");
  } else if (const auto k = layout.profiled().scale) {
    // theta relative to a profiled scale (lmer's sigma): the moments with sigma at the GLM's
    // residual SD, relative to it.
    const Vector residual = model.y - model.offset - model.X * start.beta;
    const double dof = double(std::max<Index>(1, model.n_all_shards() - model.p()));
    const double sd = std::sqrt(sum_over_shards(model.shards, residual.dot(model.weights.cwiseProduct(residual))) / dof);
    if (std::isfinite(sd) && sd > 0 && !layout.family_parameter_fixed(*k)) start.family[*k] = sd;
    start.theta = theta_start(model, family, link, start.family, start.beta, start.family[*k]);
  } else {
    start.theta = theta_start(model, family, link, start.family, start.beta);
  }
  take(user.zi_fixef, start.beta_zi, config_name + ": start.zi_fixef", "one per zero-model fixed effect");
  return start;
}

ModelParameters finite_start(const EstimationProblem& problem, ModelParameters start) {
  constexpr int kHalvings = 10;
  for (int k = 0; k < kHalvings && !std::isfinite(problem.likelihood.deviance(start)); ++k) start.theta *= 0.5;
  return start;
}

}  // namespace weft::fit
