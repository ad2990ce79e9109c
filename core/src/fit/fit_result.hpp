#pragma once
// Everything a fit produces; report/ turns it into JSON and the text summary.
#include <weft/integrator/model.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace weft::fit {

using NamedValues = std::vector<std::pair<std::string, double>>;
using NamedText = std::vector<std::pair<std::string, std::string>>;

// One random-effects term's covariance summary (lme4's VarCorr for that term).
struct RandomEffectSummary {
  std::string group;
  std::vector<std::string> terms;
  std::vector<double> sd;
  Matrix corr;  // NaN where undefined (a zero SD)
};

// Conditional modes b = Lambda u of one term, one row per level.
struct ConditionalModes {
  std::string group;
  std::vector<std::string> terms;
  std::vector<std::string> levels;
  Matrix values;  // levels x terms
  // lme4's condVar: per level, the terms x terms conditional covariance of the level's effects
  // (empty when the likelihood does not give it).
  std::vector<Matrix> condvar;
};

// Confidence intervals (weft fit --confint): lme4's confint() layout, every end on the
// parameter's natural scale (SDs, correlations, family parameters as reported). NaN: none.
struct Interval {
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};
struct ConfidenceIntervals {
  std::string method;  // "wald", "profile" or "boot"
  double level = 0.95;
  std::vector<std::pair<std::string, Interval>> fixef;
  struct StandardDeviations {
    std::string group;
    std::vector<std::string> terms;
    std::vector<Interval> sd;
  };
  std::vector<StandardDeviations> random;
  struct Correlation {
    std::string group;
    std::vector<std::string> terms;  // the two terms
    Interval interval;
  };
  std::vector<Correlation> corr;
  std::vector<std::pair<std::string, Interval>> family_parameters;
  // method "boot": the parametric bootstrap's replicates, seed, and refits that failed (left
  // out) or did not converge (kept, as bootMer keeps them).
  std::size_t replicates = 0;
  std::uint64_t seed = 0;
  std::size_t failed = 0, not_converged = 0;
};

struct FitResult {
  bool converged = false;
  std::vector<std::string> warnings;
  std::string family, link;
  NamedValues family_parameters;     // every family parameter (fixed or estimated)
  NamedValues family_parameters_se;  // the estimated ones
  NamedValues derived, derived_se;   // Family::derived_names() (ordinal: the thresholds) and SEs
  std::vector<std::string> response_levels;  // a response with levels: the levels, in order
  NamedText family_options;          // the family map's options as given (thresholds: flexible)
  bool parameters_are_intercepts = false;  // the family's parameters take the intercept's place
                                           // (Family::absorbs_intercept: ordinal thresholds)
  std::string integrator, hessian;
  int points = 1;
  std::string optimizer;
  std::string optimizer_status;  // how the run that found the estimates ended (TerminationStatus)
  std::string optimizer_route;   // how the estimates were reached ("lbfgsb, then a restart", ...)
  int iterations = 0, function_evaluations = 0;
  Index nobs = 0;
  Index n_omitted = 0;  // rows na_action: omit dropped for missing values
  std::vector<std::pair<std::string, Index>> ngroups;
  NamedValues fixef, se, zi_fixef, zi_se;
  std::vector<RandomEffectSummary> random;
  std::vector<ConditionalModes> ranef;
  Vector theta;
  // "REML" (the REML criterion: lmer's, or glmmTMB's REML = TRUE) or "ML".
  std::string criterion = "ML";
  // A linear mixed model fitted as lmer does (theta relative to a profiled residual SD): the
  // summary reads like lmer's (t values, "REML criterion at convergence").
  bool linear_mixed_model = false;
  // The residual SD of a conditionally normal family (the "Residual" row of VarCorr); NaN otherwise.
  double residual_sd = std::numeric_limits<double>::quiet_NaN();
  std::string residual_sd_name;  // its family parameter's name ("sigma"), empty when none
  double loglik = 0, aic = 0, bic = 0, deviance = 0;
  Index n_parameters = 0, df_resid = 0;
  std::string formula, zi_formula, response, data_name;
  nlohmann::json model;  // what predict needs
  double time_seconds = 0;
  std::optional<ConfidenceIntervals> confint;  // with --confint
};

}  // namespace weft::fit
