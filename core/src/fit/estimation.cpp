#include "fit/estimation.hpp"

#include <weft/errors.hpp>

#include "fit/pipeline.hpp"
#include "fit/prepared_model.hpp"
#include "registry/guarded_plugins.hpp"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>

namespace weft::fit {

namespace {

// With WEFT_TIMING set, the seconds each step of a fit took go to stderr (for performance work):
// wall time and the process's CPU time (all threads), which a shared machine inflates less.
class StepTimer {
 public:
  StepTimer()
      : enabled_(std::getenv("WEFT_TIMING") != nullptr), last_(std::chrono::steady_clock::now()), last_cpu_(std::clock()) {}
  void lap(const char* step) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const std::clock_t cpu = std::clock();
    std::fprintf(stderr, "timing: %-40s %8.3f s (CPU %.3f s)\n", step, std::chrono::duration<double>(now - last_).count(),
                 double(cpu - last_cpu_) / CLOCKS_PER_SEC);
    last_ = now;
    last_cpu_ = cpu;
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_;
  std::clock_t last_cpu_;
};

// lme4's first stage runs on small and medium data, and wherever family parameters or a zero
// model start from uninformed values (theta = 1, beta_zi = 0). On large data without them the
// GLM and moment starts are close enough that it costs more than it saves (1M rows: 2.1 s,
// against 1.7 s for all of stage 2).
constexpr Index kFirstStageRowLimit = 100000;
bool first_stage_pays(const EstimationProblem& problem) {
  const ParameterLayout& layout = problem.layout;
  return layout.n_family_estimated() > 0 || layout.p_zi() > 0 || problem.model.n_all_shards() < kFirstStageRowLimit;
}

// The starts an escape restarts from: lme4's own (theta 1 on the diagonals), with beta from
// the GLM and family parameters at their plugin starts.
std::vector<Vector> other_starts(const EstimationProblem& problem, const ModelParameters& start) {
  ModelParameters lme4_start = start;
  lme4_start.theta = problem.model.theta_start();
  ModelParameters family_starts = problem.layout.start(problem.model);
  family_starts.beta = start.beta;
  return {problem.layout.pack(lme4_start), problem.layout.pack(family_starts)};
}

}  // namespace

BindOptions bind_options(const PreparedModel& pm, bool reml) {
  BindOptions options;
  options.reml = reml;
  for (const auto& fixed : pm.fixed_family_parameters) options.fixed_family_parameters.push_back(fixed.has_value());
  return options;
}

std::unique_ptr<MarginalLikelihood> bind_likelihood(const PreparedModel& pm, const ModelMatrices& model,
                                                    const BindOptions& options) {
  std::unique_ptr<MarginalLikelihood> likelihood;
  try {
    likelihood = pm.integrator->bind(model, *pm.family, *pm.link, options);
  } catch (const registry::PluginError&) {
    throw;
  } catch (const InputError& e) {  // the integrator's verdict on this model (AGQ and crossed factors, REML)
    throw InputError(pm.config_name + ": integrator " + pm.integrator_name + ": " + e.what());
  }
  if (likelihood->reml() != options.reml)
    throw InputError(pm.config_name + ": reml: integrator '" + pm.integrator_name + "' does not fit by " +
                     (options.reml ? "REML; use reml: false" : "maximum likelihood; use reml: true"));
  return likelihood;
}

FitResult estimate(const PreparedModel& pm) { return estimate_model(pm).result; }

FittedModel estimate_model(const PreparedModel& pm, const EstimateOptions& how) {
  const auto started = std::chrono::steady_clock::now();
  StepTimer timer;
  const ModelMatrices& model = how.matrices ? *how.matrices : pm.built.matrices;
  const bool reml = how.reml.value_or(pm.reml);
  const std::unique_ptr<MarginalLikelihood> likelihood = bind_likelihood(pm, model, bind_options(pm, reml));
  ParameterLayout layout(model, pm.family->parameters(), pm.fixed_family_parameters, likelihood->profiled());
  const EstimationProblem problem(model, *likelihood, layout);
  WorkCount work;

  const ModelParameters start =
      how.start ? *how.start : finite_start(problem, start_values(problem, *pm.family, *pm.link, pm.start, pm.config_name));
  layout.set_profiled_start(start);  // the likelihood's first solve starts from the GLM's beta
  timer.lap("start values (GLM, moments)");
  const ModelParameters staged =
      !how.start && first_stage_pays(problem) ? first_stage(problem, *pm.first_stage_optimizer, start, work) : start;
  timer.lap("stage 1 (beta in the inner problem)");

  DevianceFunction deviance(*likelihood, layout);
  Optimum optimum = joint_stage(problem, deviance, *pm.optimizer, layout.pack(staged), work, pm.optimizer_name);
  timer.lap("stage 2 (all parameters)");
  OptimumCheck check = check_optimum(problem, deviance, optimum);
  timer.lap("check at the optimum (gradient, Hessian)");
  // A run the user's budget stopped is reported as it is (not converged), not continued.
  const EscapeRoutes routes{*pm.optimizer, pm.alternative_optimizer.get(), other_starts(problem, start)};
  if (optimum.status != TerminationStatus::BudgetExhausted) {
    if (!check.passes(problem.hessian)) {
      optimum = escape(problem, deviance, std::move(optimum), check, routes, work);
      timer.lap("escape (restarts)");
    } else if (check.singular) {
      // A boundary optimum can be a local one that a start inside the space does not reach
      // (a correlation driven to +-1 while a better fit has it inside): the other starts
      // decide, and the better point wins.
      optimum = confirm_from_other_starts(problem, deviance, std::move(optimum), check, routes, work);
      timer.lap("boundary fit: other starts");
    }
  }
  polish_optimum(problem, deviance, optimum, check, work);
  timer.lap("Newton polish at the optimum");
  FittedModel fitted;
  fitted.estimates = deviance.estimates(optimum.x);  // and the modes at the optimum
  fitted.modes = likelihood->modes();
  const StandardErrors se =
      standard_errors(layout, check.derivatives.hessian, problem.hessian, fitted.estimates, likelihood->beta_covariance());
  fitted.result = assemble_result(pm, problem, optimum, check, se, work, fitted.estimates, fitted.modes);
  const auto condvar = likelihood->conditional_covariances();  // at the estimates (evaluated last)
  for (std::size_t t = 0; t < condvar.size() && t < fitted.result.ranef.size(); ++t)
    fitted.result.ranef[t].condvar = condvar[t];
  fitted.result.time_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fitted.x = optimum.x;
  fitted.hessian = check.derivatives.hessian;
  fitted.reml = reml;
  return fitted;
}

}  // namespace weft::fit
