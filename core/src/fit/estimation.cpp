#include "fit/estimation.hpp"

#include <weft/errors.hpp>

#include "fit/covariance.hpp"
#include "fit/deviance_function.hpp"
#include "fit/finite_differences.hpp"
#include "fit/glm_start.hpp"
#include "fit/parameter_layout.hpp"
#include "registry/guarded_family.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

namespace weft::fit {

namespace {

constexpr double kGradientStep = 1e-5;   // relative step of the optimiser's gradients
constexpr double kHessianStep = 1e-4;    // relative step of the Hessian for SEs and checks
constexpr double kSingularTolerance = 1e-4;  // lme4's isSingular(tol = 1e-4) on theta
constexpr double kGradientTolerance = 2e-3;  // lme4's check.conv.grad tolerance
constexpr Index kFirstStageRowLimit = 100000;  // rows up to which stage 1 always runs

const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<Index> range(Index begin, Index count) {
  std::vector<Index> out;
  for (Index i = 0; i < count; ++i) out.push_back(begin + i);
  return out;
}

std::vector<Index> complement(const std::vector<Index>& of, const std::vector<Index>& within) {
  std::vector<Index> out;
  for (Index i : within)
    if (std::find(of.begin(), of.end(), i) == of.end()) out.push_back(i);
  return out;
}

std::string format_number(double v, int precision = 4) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

// With WEFT_TIMING set, the seconds each phase of a fit took go to stderr (for performance work).
class PhaseTimer {
 public:
  PhaseTimer() : enabled_(std::getenv("WEFT_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void lap(const char* phase) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "timing: %-40s %8.3f s\n", phase, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_;
};

RandomEffectSummary summarise_term(const RandomEffectTerm& term, const Vector& theta) {
  const Matrix T = term.factor(theta);
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

// Stage 1 (lme4's nAGQ = 0): every parameter but beta, with beta in the inner problem.
// Updates `start`; does nothing when the integrator cannot profile beta.
void optimise_with_beta_inside(MarginalLikelihood& likelihood, const Optimizer& optimizer, const ParameterLayout& layout,
                               const ModelMatrices& model, ModelParameters& start, FitResult& result) {
  ModelParameters probe = start;
  if (!likelihood.deviance_with_beta_in_inner_problem(probe) || !probe.beta.allFinite()) return;
  if (layout.size() == layout.p()) return;  // nothing but beta to optimise
  DevianceFunction deviance(likelihood, layout, kGradientStep, true, &probe);
  const Vector x0 = deviance.from_layout(layout.pack(probe));
  ScaledObjective objective(deviance, curvature_scales(deviance.as_function(), x0, deviance(x0),
                                                       difference_steps(x0, kHessianStep)));
  const OptimizerResult r = optimizer.minimize(objective, objective.to_scaled(x0),
                                               objective.to_scaled(deviance.from_layout(layout.lower(model))),
                                               objective.to_scaled(deviance.from_layout(layout.upper())));
  result.iterations += r.iterations;
  result.function_evaluations += r.evaluations;
  if (!r.x.allFinite() || !std::isfinite(r.value)) return;
  const Vector x = objective.from_scaled(r.x);
  if (std::isfinite(deviance(x))) {
    start = deviance.parameters(x);
    start.theta = canonical_theta(model.terms, start.theta);
  }
}

// A start off the boundary when some diagonal theta sits at 0 and moving it to 0.1 (with the
// rest held) lowers the deviance; nullopt otherwise.
std::optional<Vector> escape_from_zero_variance(DevianceFunction& deviance, const ParameterLayout& layout,
                                                const ModelMatrices& model, const Vector& x, double value) {
  const auto diagonal = model.theta_diagonal_mask();
  Vector trial = x;
  bool moved = false;
  for (Index i = 0; i < layout.n_theta(); ++i)
    if (diagonal(i) && std::abs(x(layout.theta_begin() + i)) < 1e-6) {
      trial(layout.theta_begin() + i) = 0.1;
      moved = true;
    }
  if (!moved) return std::nullopt;
  const double f = deviance(trial);
  if (!(f < value - 1e-6)) {
    deviance(x);  // back to the optimum's modes
    return std::nullopt;
  }
  return trial;
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
  return {{"formula", pm.formula},
          {"zi_formula", pm.zi_formula},
          {"family", result.family},
          {"link", result.link},
          {"family_parameters", params},
          {"beta", std::vector<double>(at.beta.data(), at.beta.data() + at.beta.size())},
          {"beta_zi", std::vector<double>(at.beta_zi.data(), at.beta_zi.data() + at.beta_zi.size())},
          {"ranef", ranef},
          {"plugin_path", pm.plugin_path},
          {"design", pm.built.description}};
}

}  // namespace

FitResult estimate(const PreparedModel& pm) {
  const auto started = std::chrono::steady_clock::now();
  const ModelMatrices& model = pm.built.matrices;
  const Family& family = *pm.family;
  FitResult result;
  result.family = family.name();
  result.link = pm.link->name();
  result.integrator = pm.integrator_name;
  result.points = pm.integrator->points();
  result.optimizer = pm.optimizer_name;
  result.nobs = model.n();
  result.formula = pm.formula;
  result.zi_formula = pm.zi_formula;
  result.response = pm.built.response;
  result.data_name = pm.data_name;
  result.warnings = pm.built.warnings;

  std::unique_ptr<MarginalLikelihood> likelihood;
  try {
    likelihood = pm.integrator->bind(model, family, *pm.link);
  } catch (const InputError& e) {
    throw InputError(pm.config_name + ": integrator " + pm.integrator_name + ": " + e.what());
  }
  result.hessian = likelihood->hessian();
  const ParameterLayout layout(model, family.parameters(), pm.fixed_family_parameters);

  // Start: beta from the GLM, scalar theta by moments (others as lme4), family parameters at
  // their start values.
  PhaseTimer timer;
  ModelParameters start = layout.start(model);
  start.beta = glm_start(model, family, *pm.link, start.family);
  start.theta = theta_start(model, family, *pm.link, start.family, start.beta);
  timer.lap("start values (GLM, moments)");
  // lme4's first stage on small and medium data, and wherever family parameters or a zero
  // model start from uninformed values (theta = 1, beta_zi = 0). On large data without them
  // the GLM and moment starts are close enough that it costs more than it saves (1M rows:
  // 2.1 s, against 1.7 s for all of stage 2).
  const bool uninformed_start = layout.n_family_estimated() > 0 || layout.p_zi() > 0;
  if (uninformed_start || model.n() < kFirstStageRowLimit)
    optimise_with_beta_inside(*likelihood, *pm.first_stage_optimizer, layout, model, start, result);
  timer.lap("stage 1 (beta in the inner problem)");
  registry::rethrow_plugin_failure(family);  // a family exception an optimizer took for a failed step

  // Stage 2: every parameter jointly, preconditioned by the curvature at the start.
  DevianceFunction deviance(*likelihood, layout, kGradientStep);
  const Vector x0 = layout.pack(start);
  const Vector scale = curvature_scales(deviance.as_function(), x0, deviance(x0), difference_steps(x0, kHessianStep));
  timer.lap("preconditioning");
  ScaledObjective objective(deviance, scale);
  const Vector lower = layout.lower(model), upper = layout.upper();
  OptimizerResult opt = pm.optimizer->minimize(objective, objective.to_scaled(x0), objective.to_scaled(lower),
                                               objective.to_scaled(upper));
  registry::rethrow_plugin_failure(family);
  result.iterations += opt.iterations;
  result.function_evaluations += opt.evaluations;
  // theta = 0 is a stationary point (the deviance is even in each diagonal theta), so a
  // gradient-based optimiser that reaches it never leaves. If the deviance falls when a
  // zero diagonal moves away from 0, the optimum is elsewhere: start again from there.
  if (const auto escape = escape_from_zero_variance(deviance, layout, model, objective.from_scaled(opt.x), opt.value)) {
    const OptimizerResult again = pm.optimizer->minimize(objective, objective.to_scaled(*escape), objective.to_scaled(lower),
                                                         objective.to_scaled(upper));
    registry::rethrow_plugin_failure(family);
    result.iterations += again.iterations;
    result.function_evaluations += again.evaluations;
    if (again.value < opt.value) opt = again;
  }
  Vector x = objective.from_scaled(opt.x);
  x.segment(layout.theta_begin(), layout.n_theta()) =
      canonical_theta(model.terms, x.segment(layout.theta_begin(), layout.n_theta()));
  timer.lap("stage 2 (all parameters)");
  const ModelParameters at = layout.unpack(x);

  // Derivatives at the optimum, then back to it so the modes are the optimum's.
  const double f = deviance(x);
  const SecondOrderDerivatives d = deviance.derivatives(x, f, difference_steps(x, kHessianStep));
  deviance(x);
  timer.lap("Hessian at the optimum");

  // Standard errors: lme4 (expected) conditions on the family parameters, TMB on nothing.
  const bool lme4_convention = result.hessian == "expected";
  const std::vector<Index> all = range(0, layout.size());
  const std::vector<Index> beta_idx = range(layout.beta_begin(), layout.p());
  const std::vector<Index> family_idx = range(layout.family_begin(), layout.n_family_estimated());
  const std::vector<Index> zi_idx = range(layout.zi_begin(), layout.p_zi());
  std::vector<Index> beta_context = complement(beta_idx, all);
  if (lme4_convention) beta_context = complement(family_idx, beta_context);
  const Matrix cov_beta = covariance_block(d.hessian, beta_idx, beta_context);
  const Matrix cov_zi = covariance_block(d.hessian, zi_idx, complement(zi_idx, all));
  bool se_missing = (cov_beta.size() == 0 && layout.p() > 0) || (cov_zi.size() == 0 && layout.p_zi() > 0);

  for (Index j = 0; j < layout.p(); ++j) {
    result.fixef.emplace_back(model.fixef_names[j], at.beta(j));
    result.se.emplace_back(model.fixef_names[j], cov_beta.size() ? std::sqrt(cov_beta(j, j)) : kNaN);
  }
  for (Index j = 0; j < layout.p_zi(); ++j) {
    result.zi_fixef.emplace_back(model.zi_names[j], at.beta_zi(j));
    result.zi_se.emplace_back(model.zi_names[j], cov_zi.size() ? std::sqrt(cov_zi(j, j)) : kNaN);
  }
  const auto& parameters = layout.family_parameters();
  for (std::size_t k = 0; k < parameters.size(); ++k) result.family_parameters.emplace_back(parameters[k].name, at.family[k]);
  for (Index e = 0; e < layout.n_family_estimated(); ++e) {
    const std::size_t k = layout.estimated_family_parameter(e);
    const Index i = layout.family_begin() + e;
    const Matrix v = covariance_block(d.hessian, {i}, complement({i}, all));
    double se = kNaN;
    if (v.size()) {
      const double v_x = std::sqrt(v(0, 0));
      const double value = at.family[k];
      switch (parameters[k].scale) {  // delta method back to the natural scale
        case ParameterScale::Log: se = value * v_x; break;
        case ParameterScale::Logit: se = value * (1 - value) * v_x; break;
        case ParameterScale::Identity: se = v_x; break;
      }
    } else {
      se_missing = true;
    }
    result.family_parameters_se.emplace_back(parameters[k].name, se);
  }

  // Variance components and conditional modes b = Lambda u.
  result.theta = at.theta;
  RelativeCovarianceFactor lambda(model.terms);
  lambda.update(at.theta);
  const Vector b = lambda.lambda() * likelihood->modes();
  for (const auto& term : model.terms) {
    result.random.push_back(summarise_term(term, at.theta));
    result.ranef.push_back(term_modes(term, b));
    bool seen = false;
    for (const auto& g : result.ngroups) seen = seen || g.first == term.group;
    if (!seen) result.ngroups.emplace_back(term.group, term.n_levels());
  }

  // Likelihood and information criteria: every estimated parameter counts.
  result.deviance = f;
  result.loglik = -0.5 * f;
  result.n_parameters = layout.size();
  result.aic = f + 2.0 * double(result.n_parameters);
  result.bic = f + std::log(double(model.n())) * double(result.n_parameters);
  result.df_resid = model.n() - result.n_parameters;

  // Diagnostics as lme4 reports them.
  const auto diagonal = model.theta_diagonal_mask();
  bool singular = false;
  for (Index i = 0; i < layout.n_theta(); ++i) singular = singular || (diagonal(i) && std::abs(at.theta(i)) < kSingularTolerance);
  if (singular) result.warnings.push_back("boundary (singular) fit: see help('isSingular')");
  for (Index e = 0; e < layout.n_family_estimated(); ++e)
    if (std::abs(x(layout.family_begin() + e)) > ParameterLayout::kFamilyParameterBound - 1e-6)
      result.warnings.push_back("family parameter " + parameters[layout.estimated_family_parameter(e)].name +
                                " is at the limit of its range (" + format_number(at.family[layout.estimated_family_parameter(e)]) +
                                "): the data do not identify it" +
                                (result.family.find("nb2") != std::string::npos ? "; without overdispersion use a Poisson family" : ""));

  std::vector<Index> free;  // parameters not held at a bound
  for (Index i = 0; i < layout.size(); ++i)
    if (!(x(i) - lower(i) < 1e-8 && d.gradient(i) > 0) && !(upper(i) - x(i) < 1e-8 && d.gradient(i) < 0)) free.push_back(i);
  Matrix H_free(free.size(), free.size());
  Vector g_free(free.size());
  for (std::size_t i = 0; i < free.size(); ++i) {
    g_free(i) = d.gradient(free[i]);
    for (std::size_t j = 0; j < free.size(); ++j) H_free(i, j) = d.hessian(free[i], free[j]);
  }
  bool gradient_ok = true;
  Eigen::LLT<Matrix> llt(0.5 * (H_free + H_free.transpose()));
  if (llt.info() == Eigen::Success) {
    const Vector scaled = llt.matrixL().solve(g_free);
    double worst = 0;
    Index component = 0;
    for (Index i = 0; i < scaled.size(); ++i) {
      const double m = std::min(std::abs(scaled(i)), std::abs(g_free(i)));
      if (m > worst) {
        worst = m;
        component = i;
      }
    }
    if (worst > kGradientTolerance) {
      gradient_ok = false;
      result.warnings.push_back("Model failed to converge with max|grad| = " + format_number(worst) +
                                " (tol = 0.002, component " + std::to_string(component + 1) + ")");
    }
  } else if (!singular) {
    const int negative = negative_eigenvalues(H_free);
    result.warnings.push_back(negative > 0 ? "Model failed to converge: degenerate Hessian with " +
                                                 std::to_string(negative) + " negative eigenvalues"
                                           : "Model is nearly unidentifiable: the Hessian is numerically singular");
  }
  if (se_missing) result.warnings.push_back("standard errors unavailable: the Hessian is not positive definite");

  const bool budget_spent = opt.message.rfind("reached max_evaluations", 0) == 0;
  result.converged = std::isfinite(f) && !budget_spent && (opt.converged || gradient_ok) && gradient_ok;
  if (!opt.converged) result.warnings.push_back("optimizer (" + pm.optimizer_name + "): " + opt.message);

  result.model = model_block(pm, at, result);
  result.time_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace weft::fit
