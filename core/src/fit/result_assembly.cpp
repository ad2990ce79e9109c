// assemble_result: the FitResult at the optimum (pipeline.hpp).
#include "config/model_spec_json.hpp"
#include "fit/pipeline.hpp"
#include "util/text.hpp"

#include <cmath>
#include <limits>

namespace weft::fit {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// `scale`: lmer's sigma where theta is relative to it, else 1.
RandomEffectSummary summarise_term(const RandomEffectTerm& term, const Vector& theta, double scale) {
  const Matrix T = scale * term.factor(theta);
  const Matrix cov = T * T.transpose();
  RandomEffectSummary s{term.group, term.columns, {}, Matrix(term.k(), term.k())};
  for (Index c = 0; c < term.k(); ++c) s.sd.push_back(std::sqrt(cov(c, c)));
  for (Index r = 0; r < term.k(); ++r)
    for (Index c = 0; c < term.k(); ++c)
      s.corr(r, c) = r == c ? 1.0 : (s.sd[r] > 0 && s.sd[c] > 0 ? cov(r, c) / (s.sd[r] * s.sd[c]) : kNaN);
  return s;
}

ConditionalModes term_modes(const RandomEffectTerm& term, const Vector& b) {
  ConditionalModes modes{term.group, term.columns, term.levels, Matrix(term.n_levels(), term.k())};
  for (Index j = 0; j < term.n_levels(); ++j)
    for (Index c = 0; c < term.k(); ++c) modes.values(j, c) = b(term.first_column + j * term.k() + c);
  return modes;
}

// Everything `weft predict` needs, in the result document's "model" block.
nlohmann::json model_block(const PreparedModel& pm, const ModelParameters& at, const FitResult& result) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [name, value] : result.family_parameters) params[name] = value;
  nlohmann::json ranef = nlohmann::json::array();
  for (const auto& modes : result.ranef) {
    nlohmann::json values = nlohmann::json::array();
    for (Index j = 0; j < modes.values.rows(); ++j) {
      nlohmann::json row = nlohmann::json::array();
      for (Index c = 0; c < modes.values.cols(); ++c) row.push_back(modes.values(j, c));
      values.push_back(row);
    }
    ranef.push_back({{"group", modes.group}, {"terms", modes.terms}, {"levels", modes.levels}, {"values", values}});
  }
  nlohmann::json family_options = nlohmann::json::object();
  for (const auto& [key, value] : pm.family_options.options) family_options[key] = value;
  for (const auto& [key, items] : pm.family_options.lists) family_options[key] = items;
  const ResponseLevels& levels = pm.built.response_levels;
  return {{"formula", pm.formula},
          {"zi_formula", pm.zi_formula},
          {"family", result.family},
          {"link", result.link},
          {"family_options", family_options},
          {"response_levels", {{"names", levels.names}, {"weights", levels.weights}}},
          {"family_parameters", params},
          {"beta", std::vector<double>(at.beta.data(), at.beta.data() + at.beta.size())},
          {"beta_zi", std::vector<double>(at.beta_zi.data(), at.beta_zi.data() + at.beta_zi.size())},
          {"ranef", ranef},
          {"plugin_path", pm.plugin_path},
          {"design", pm.built.description},
          // For simulate and compare: lme4's theta, the scale it is relative to (an LMM's
          // sigma, else 1), and the recipe that rebuilds the design from the data file.
          {"theta", std::vector<double>(at.theta.data(), at.theta.data() + at.theta.size())},
          {"theta_scale", result.linear_mixed_model ? result.residual_sd : 1.0},
          {"reml", result.criterion == "REML"},
          {"spec", config::spec_to_json(pm.spec)}};
}

// The family's derived quantities (ordinal: thresholds) and their delta-method standard errors,
// sqrt(diag(D V D')) with D = d derived / d parameters by central differences (exact for the
// linear maps of ordinal's threshold structures) and V the parameters' covariance.
void derived_parameters(const Family& family, const std::vector<double>& params, const Matrix& covariance,
                        FitResult& result) {
  const auto names = family.derived_names();
  if (names.empty()) return;
  const Index m = Index(names.size()), k = Index(params.size());
  Vector value(m), up(m), down(m);
  family.derive(params, {value.data(), std::size_t(m)});
  Matrix D(m, k);
  for (Index j = 0; j < k; ++j) {
    std::vector<double> p = params;
    const double h = 1e-6 * std::max(1.0, std::abs(params[std::size_t(j)]));
    p[std::size_t(j)] = params[std::size_t(j)] + h;
    family.derive(p, {up.data(), std::size_t(m)});
    p[std::size_t(j)] = params[std::size_t(j)] - h;
    family.derive(p, {down.data(), std::size_t(m)});
    D.col(j) = (up - down) / (2 * h);
  }
  // Fixed parameters have no variance (their rows of V are 0; NaN where V is unavailable).
  const Vector variance = covariance.size() == k * k ? Vector((D * covariance * D.transpose()).diagonal())
                                                      : Vector::Constant(m, kNaN);
  for (Index i = 0; i < m; ++i) {
    result.derived.emplace_back(names[std::size_t(i)], value(i));
    result.derived_se.emplace_back(names[std::size_t(i)], std::sqrt(variance(i)));
  }
}

// lme4's and glmmTMB's diagnostics of the point, in their words.
std::vector<std::string> diagnostics(const EstimationProblem& problem, const Optimum& optimum, const OptimumCheck& check,
                                     const StandardErrors& se, const ModelParameters& at) {
  std::vector<std::string> out;
  const ParameterLayout& layout = problem.layout;
  if (check.singular) out.push_back("boundary (singular) fit: see help('isSingular')");
  const auto& parameters = layout.family_parameters();
  for (Index e = 0; e < layout.n_family_estimated(); ++e) {
    if (!layout.family_parameter_bounded(e) ||
        std::abs(optimum.x(layout.family_begin() + e)) <= ParameterLayout::kFamilyParameterBound - 1e-6)
      continue;
    const auto& p = parameters[layout.estimated_family_parameter(e)];
    out.push_back("family parameter " + p.name + " is at the limit of its range (" +
                  format_number(at.family[layout.estimated_family_parameter(e)], 4) + "): the data do not identify it" +
                  (p.at_limit_advice.empty() ? "" : "; " + p.at_limit_advice));
  }
  if (!std::isfinite(check.gradient_measure))
    out.push_back("the deviance or its derivatives are not finite at the estimates");
  else if (!check.gradient_ok())
    out.push_back("Model failed to converge with max|grad| = " + format_number(check.gradient_measure, 4) +
                  " (tol = 0.002, component " + std::to_string(check.gradient_component + 1) + ")");
  if (!check.inner_mode_unique)
    out.push_back("the approximation is not unique at the estimates: its inner problem has several modes (deviance " +
                  format_number(optimum.deviance, 10) + " from the optimizer's warm start, " +
                  format_number(check.cold_start_deviance, 10) + " from u = 0)");
  if (check.negative_eigenvalues > 0)
    out.push_back("Model failed to converge: degenerate Hessian with " + std::to_string(check.negative_eigenvalues) +
                  " negative eigenvalues");
  else if (!check.positive_definite && !check.free.empty())
    out.push_back(problem.hessian == HessianKind::Observed
                      ? "Model convergence problem: non-positive-definite Hessian matrix (glmmTMB's pdHess check)"
                      : "Model is nearly unidentifiable: the Hessian is numerically singular");
  if (se.missing) out.push_back("standard errors unavailable: the Hessian is not positive definite");
  return out;
}

}  // namespace

FitResult assemble_result(const PreparedModel& pm, const EstimationProblem& problem, const Optimum& optimum,
                          const OptimumCheck& check, const StandardErrors& se, const WorkCount& work,
                          const ModelParameters& at, const Vector& modes) {
  const ParameterLayout& layout = problem.layout;
  const ModelMatrices& model = problem.model;
  FitResult result;
  result.family = pm.family->name();
  result.link = pm.link->name();
  result.integrator = pm.integrator_name;
  result.hessian = to_string(problem.hessian);
  result.points = pm.integrator->points();
  result.optimizer = pm.optimizer_name;
  result.optimizer_status = to_string(optimum.status);
  result.optimizer_route = optimum.route;
  result.iterations = work.iterations;
  result.function_evaluations = work.evaluations;
  result.nobs = model.n_all_shards();
  result.n_omitted = Index(pm.n_omitted);
  result.formula = pm.formula;
  result.zi_formula = pm.zi_formula;
  result.response = pm.built.response;
  result.data_name = pm.data_name;
  result.warnings = pm.built.warnings;

  result.criterion = problem.likelihood.reml() ? "REML" : "ML";
  const auto scale = layout.profiled().scale;
  result.linear_mixed_model = scale.has_value();
  if (const auto k = pm.family->normal_sd_parameter(); k && *k < at.family.size()) {
    result.residual_sd = at.family[*k];
    result.residual_sd_name = layout.family_parameters()[*k].name;
  }
  for (Index j = 0; j < model.p(); ++j) {
    result.fixef.emplace_back(model.fixef_names[j], at.beta(j));
    result.se.emplace_back(model.fixef_names[j], se.beta(j));
  }
  for (Index j = 0; j < layout.p_zi(); ++j) {
    result.zi_fixef.emplace_back(model.zi_names[j], at.beta_zi(j));
    result.zi_se.emplace_back(model.zi_names[j], se.beta_zi(j));
  }
  const auto& parameters = layout.family_parameters();
  for (std::size_t k = 0; k < parameters.size(); ++k) result.family_parameters.emplace_back(parameters[k].name, at.family[k]);
  for (Index e = 0; e < layout.n_family_estimated(); ++e)
    result.family_parameters_se.emplace_back(parameters[layout.estimated_family_parameter(e)].name, se.family(e));

  derived_parameters(*pm.family, at.family, se.family_covariance, result);
  result.response_levels = pm.built.response_levels.names;
  result.parameters_are_intercepts = pm.family->absorbs_intercept();
  for (const auto& [key, value] : pm.family_options.options) result.family_options.emplace_back(key, value);
  for (const auto& [key, items] : pm.family_options.lists) result.family_options.emplace_back(key, "[" + join(items) + "]");

  // Variance components and conditional modes b = Lambda u.
  result.theta = at.theta;
  RelativeCovarianceFactor lambda(model.terms);
  lambda.update(at.theta);
  const Vector b = lambda.lambda() * modes;
  for (const auto& term : model.terms) {
    result.random.push_back(summarise_term(term, at.theta, scale ? at.family[*scale] : 1.0));
    result.ranef.push_back(term_modes(term, b));
    bool seen = false;
    for (const auto& g : result.ngroups) seen = seen || g.first == term.group;
    if (!seen) result.ngroups.emplace_back(term.group, term.n_levels());
  }

  // Likelihood and information criteria: every estimated parameter counts, the profiled ones
  // too (lmer's df = p + #theta + 1, for REML fits as well).
  const double f = optimum.deviance;
  result.deviance = f;
  result.loglik = -0.5 * f;
  result.n_parameters = layout.size() + layout.n_profiled();
  result.aic = f + 2.0 * double(result.n_parameters);
  result.bic = f + std::log(double(model.n_all_shards())) * double(result.n_parameters);
  result.df_resid = model.n_all_shards() - result.n_parameters;

  for (auto& w : diagnostics(problem, optimum, check, se, at)) result.warnings.push_back(std::move(w));
  const bool ended_normally = optimum.status == TerminationStatus::Converged || optimum.status == TerminationStatus::Stalled;
  result.converged = std::isfinite(f) && ended_normally && check.passes(problem.hessian);
  if (!result.converged && optimum.status != TerminationStatus::Converged)
    result.warnings.push_back("optimizer (" + pm.optimizer_name + "): " + optimum.message);

  result.model = model_block(pm, at, result);
  return result;
}

}  // namespace weft::fit
