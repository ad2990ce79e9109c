// first_stage and joint_stage: the pipeline's optimisation steps (pipeline.hpp).
#include "fit/pipeline.hpp"

#include <cmath>

namespace weft::fit {

namespace {
constexpr double kCurvatureStep = 1e-4;  // relative step of the second differences for preconditioning
}  // namespace

OptimizerResult minimize_preconditioned(DifferentiableFunction& f, const Optimizer& optimizer, const Vector& start,
                                        const Vector& lower, const Vector& upper) {
  const Vector scale = curvature_scales(f.as_function(), start, f(start), difference_steps(start, kCurvatureStep));
  return minimize_scaled(f, optimizer, start, lower, upper, scale);
}

OptimizerResult minimize_scaled(DifferentiableFunction& f, const Optimizer& optimizer, const Vector& start,
                                const Vector& lower, const Vector& upper, const Vector& scale) {
  ScaledObjective objective(f, scale);
  OptimizerResult r;
  try {
    r = optimizer.minimize(objective, objective.to_scaled(start), objective.to_scaled(lower), objective.to_scaled(upper));
  } catch (const EvaluationAborted&) {
    objective.rethrow_failure();  // an optimizer that let the abort through
    throw;
  }
  objective.rethrow_failure();  // a plugin error during an evaluation ends the fit
  if (r.x.size() == start.size()) r.x = objective.from_scaled(r.x);
  return r;
}

ModelParameters first_stage(const EstimationProblem& problem, const Optimizer& optimizer, const ModelParameters& start,
                            WorkCount& work) {
  const ParameterLayout& layout = problem.layout;
  ModelParameters probe = start;
  if (!problem.likelihood.deviance_with_beta_in_inner_problem(probe) || !probe.beta.allFinite()) return start;
  if (layout.size() == layout.p()) return start;  // nothing but beta to optimise
  DevianceFunction deviance(problem.likelihood, layout, true, &probe);
  const OptimizerResult r = minimize_preconditioned(deviance, optimizer, deviance.from_layout(layout.pack(probe)),
                                                    deviance.from_layout(problem.lower), deviance.from_layout(problem.upper));
  work.add(r);
  if (!r.x.allFinite() || !std::isfinite(r.value) || !std::isfinite(deviance(r.x))) return start;
  ModelParameters improved = deviance.parameters(r.x);
  improved.theta = canonical_theta(problem.model.terms, improved.theta);
  return improved;
}

Optimum joint_stage(const EstimationProblem& problem, DevianceFunction& deviance, const Optimizer& optimizer,
                    const Vector& start, WorkCount& work, const std::string& route) {
  const OptimizerResult r = minimize_preconditioned(deviance, optimizer, start, problem.lower, problem.upper);
  work.add(r);
  Optimum optimum;
  optimum.x = r.x;
  optimum.x.segment(problem.layout.theta_begin(), problem.layout.n_theta()) =
      canonical_theta(problem.model.terms, r.x.segment(problem.layout.theta_begin(), problem.layout.n_theta()));
  optimum.deviance = r.value;
  optimum.status = r.status;
  optimum.message = r.message;
  optimum.route = route;
  return optimum;
}

}  // namespace weft::fit
