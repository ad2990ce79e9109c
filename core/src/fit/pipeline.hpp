#pragma once
// The estimation pipeline, one named step each (as lme4's modular.R: glFormula ->
// mkGlmerDevfun -> optimizeGlmer -> updateGlmerDevfun -> mkMerMod):
//
//   start_values        beta from a GLM, scalar theta by moments, family parameters at their
//                       starts; the user's `start:` where given
//   first_stage         lme4's nAGQ = 0: theta and family parameters, beta inside PIRLS
//   joint_stage         every parameter jointly (only u inside), preconditioned
//   check_optimum       gradient and Hessian at the point: lme4's gradient check, glmmTMB's
//                       positive-definiteness check, negative curvature, singularity
//   escape              at a point that fails the check: a negative-curvature step, a fresh
//                       restart, another optimizer, other starts; the best point wins
//   polish_optimum      at a point that passes: Newton steps with the check's Hessian, from the
//                       optimizer's tolerance to rounding
//   standard_errors     2 H^-1 blocks (lme4's or glmmTMB's convention)
//   assemble_result     variance components, modes, information criteria, diagnostics
//
// Each is a function of its inputs, unit-tested with a fake MarginalLikelihood
// (tests/unit/test_pipeline.cpp); estimate() (estimation.hpp) runs them in order.
#include <weft/family.hpp>
#include <weft/link.hpp>
#include <weft/optimizer.hpp>

#include "config/model_spec.hpp"
#include "fit/deviance_function.hpp"
#include "fit/estimation_problem.hpp"
#include "fit/finite_differences.hpp"
#include "fit/fit_result.hpp"
#include "fit/prepared_model.hpp"

#include <Eigen/Cholesky>

#include <optional>
#include <string>
#include <vector>

namespace weft::fit {

// ---- start_values ----------------------------------------------------------------------------

// The start: beta from the GLM without random effects (R's glm.fit), theta by moments for
// scalar terms and lme4's 1 otherwise, family parameters at their start (or fixed) values,
// then every value the user gave in `start:`. Lengths and family parameter names are checked
// (InputError naming `config_name: start.<key>`).
ModelParameters start_values(const EstimationProblem& problem, const Family& family, const Link& link,
                             const config::StartSpec& user, const std::string& config_name);

// `start` if the deviance is finite there; else the same with theta shrunk toward 0 (halved up
// to 10 times), where the model approaches the GLM whose fit gave beta and is finite. The
// optimizers need one finite point to begin from.
ModelParameters finite_start(const EstimationProblem& problem, ModelParameters start);

// ---- first_stage / joint_stage ---------------------------------------------------------------

// Minimises `f` from `start` with `optimizer`, preconditioned by the curvature at the start
// (curvature_scales), bounds `lower`/`upper` in f's coordinates. A plugin error during an
// evaluation ends the run and is rethrown here.
OptimizerResult minimize_preconditioned(DifferentiableFunction& f, const Optimizer& optimizer, const Vector& start,
                                        const Vector& lower, const Vector& upper);
// The same with the scales given (s_i > 0: the optimizer sees z = s .* x).
OptimizerResult minimize_scaled(DifferentiableFunction& f, const Optimizer& optimizer, const Vector& start,
                                const Vector& lower, const Vector& upper, const Vector& scale);

// lme4's first stage (nAGQ = 0): every parameter but beta, with beta in the inner problem.
// Returns the improved start, or `start` when the integrator cannot profile beta.
ModelParameters first_stage(const EstimationProblem& problem, const Optimizer& optimizer, const ModelParameters& start,
                            WorkCount& work);

// Every parameter jointly from `start` (layout coordinates).
Optimum joint_stage(const EstimationProblem& problem, DevianceFunction& deviance, const Optimizer& optimizer,
                    const Vector& start, WorkCount& work, const std::string& route);

// ---- check_optimum ---------------------------------------------------------------------------

struct OptimumCheck {
  SecondOrderDerivatives derivatives;  // of the deviance at the point (layout coordinates)
  std::vector<Index> free;             // parameters checked: not held at a bound, not a zero variance
  bool singular = false;               // a diagonal theta at 0 (lme4's isSingular, tol 1e-4)
  double gradient_measure = 0;         // lme4's max min(|L^-1 g|, |g|) over the free parameters
  Index gradient_component = -1;       // where it is largest (index into `free`)
  bool positive_definite = false;      // Cholesky of the free Hessian succeeds (glmmTMB's pdHess)
  int negative_eigenvalues = 0;        // below -1e-6 of the largest |eigenvalue| (a saddle)
  Vector descent_direction;            // layout coordinates: the most negative curvature (or empty)
  double cold_start_deviance = 0;      // the deviance with the inner problem solved from u = 0
  bool inner_mode_unique = true;       // ... equals the warm-started one (else several modes)

  static constexpr double kGradientTolerance = 2e-3;  // lme4's check.conv.grad tolerance
  bool gradient_ok() const { return gradient_measure <= kGradientTolerance; }
  // The point is an optimum: the gradient check passes, no negative curvature, and for an
  // observed-Hessian fit (glmmTMB's convention) the Hessian is positive definite.
  bool passes(HessianKind hessian) const {
    return std::isfinite(gradient_measure) && gradient_ok() && negative_eigenvalues == 0 && inner_mode_unique &&
           (hessian == HessianKind::Expected || positive_definite);
  }
};

OptimumCheck check_optimum(const EstimationProblem& problem, DevianceFunction& deviance, const Optimum& optimum);

// The check's Hessian and gradient restricted to its free parameters (the Hessian symmetrised).
Matrix free_hessian(const OptimumCheck& check);
Vector free_gradient(const OptimumCheck& check);
// Sets check.gradient_measure/component from check.derivatives.gradient, with the Cholesky
// factor of free_hessian(check) (|g| alone where it failed).
void measure_gradient(OptimumCheck& check, const Eigen::LLT<Matrix>& free_hessian_factor);

// ---- polish_optimum --------------------------------------------------------------------------

// At a point that passes the check with a positive definite Hessian: up to two Newton steps
// x - H^-1 g on the free parameters with the check's Hessian, each kept only if it stays well
// inside the bounds, is small (a polish, not a search), lowers lme4's gradient measure and does
// not raise the deviance. Optimizers stop within their tolerance of the optimum (~1e-7 in
// beta) at a point that depends on the order of every sum over rows; Newton converges
// quadratically from there, so fits whose sums run in another order (MPI processes, rows
// reordered) agree to ~1e-10. Updates `optimum` and the check's gradient and measure; the
// Hessian (and so the standard errors) stays the one at the optimizer's point, 1e-7 away.
// Returns the number of steps kept.
int polish_optimum(const EstimationProblem& problem, DevianceFunction& deviance, Optimum& optimum,
                   OptimumCheck& check, WorkCount& work);

// ---- escape ----------------------------------------------------------------------------------

struct EscapeRoutes {
  const Optimizer& primary;
  const Optimizer* alternative = nullptr;  // another optimizer (switch), if one is available
  std::vector<Vector> other_starts;        // layout vectors to restart from
};

// What a careful user does at a point that fails check_optimum: step along the direction of
// negative curvature and optimise again; restart the optimizer from the point (fresh memory);
// switch optimizer; restart from other starts. Every candidate is checked; the best point
// that passes wins, else the lowest deviance found. `check` is updated to the returned point.
Optimum escape(const EstimationProblem& problem, DevianceFunction& deviance, Optimum optimum, OptimumCheck& check,
               const EscapeRoutes& routes, WorkCount& work);

// At a point that passes the check but sits on a boundary (a zero variance): optimise from
// each of the other starts too and keep the best point (its check in `check`).
Optimum confirm_from_other_starts(const EstimationProblem& problem, DevianceFunction& deviance, Optimum optimum,
                                  OptimumCheck& check, const EscapeRoutes& routes, WorkCount& work);

// ---- standard_errors -------------------------------------------------------------------------

struct StandardErrors {
  Vector beta, beta_zi;  // NaN where unavailable
  Vector family;         // per estimated family parameter, natural scale (delta method)
  Matrix family_covariance;  // every family parameter, natural scale (0 for fixed ones; NaN
                             // where the block's Hessian is not positive definite)
  bool missing = false;  // some block's Hessian was not positive definite
};

// 2 H^-1 by blocks. `hessian == Expected` follows lme4 (beta's covariance conditional on the
// family parameters), `Observed` glmmTMB's sdreport (everything jointly). `at` holds every
// estimate (profiled blocks included). `beta_covariance`, when not empty, is the likelihood's
// own covariance of beta (MarginalLikelihood::beta_covariance: lmer's vcov) and is used as is.
StandardErrors standard_errors(const ParameterLayout& layout, const Matrix& hessian, HessianKind convention,
                               const ModelParameters& at, const Matrix& beta_covariance = Matrix());

// ---- assemble_result -------------------------------------------------------------------------

// The FitResult at `optimum`: estimates (`at`: every block, the profiled ones included, see
// DevianceFunction::estimates), standard errors, variance components (relative to the
// profiled scale where theta is: lmer's sigma), conditional modes (`modes`, the likelihood's u
// at the optimum), information criteria (the profiled blocks count), lme4's and glmmTMB's
// diagnostics as warnings, and convergence: true only where the optimizer ended normally
// (not out of budget) and the point passes check_optimum.
FitResult assemble_result(const PreparedModel& pm, const EstimationProblem& problem, const Optimum& optimum,
                          const OptimumCheck& check, const StandardErrors& se, const WorkCount& work,
                          const ModelParameters& at, const Vector& modes);

}  // namespace weft::fit
