#pragma once
// Confidence intervals after a fit (weft fit --confint), as lme4's confint():
//  - wald: fixed effects as lme4 (estimate +- z SE); SDs, correlations and family parameters
//    on a transformed scale (log SD, atanh correlation, the family parameter's optimisation
//    scale), as glmmTMB, with SEs from the Hessian of the deviance in those coordinates;
//  - profile: lme4's confint(method = "profile"): the signed root of the deviance difference
//    zeta(v) = sign(v - v^) sqrt(D(v) - D^), D(v) minimised over every other parameter, solved
//    for zeta = -+z (a root, not lme4's spline; the ends agree within its interpolation error).
//    SDs and correlations on lme4's sd/cor scale; an SD whose profile reaches 0 before zeta
//    reaches -z has lower end 0. Fixed effects of an LMM (beta profiled by the likelihood) are
//    held through the offset, as lme4 does. One thread per parameter. A REML fit is profiled
//    by ML, as lme4 does.
#include "fit/fit_result.hpp"
#include "fit/fitted_model.hpp"
#include "fit/prepared_model.hpp"

#include <string>

namespace weft::inference {

fit::ConfidenceIntervals confidence_intervals(const fit::PreparedModel& model, const fit::FittedModel& fitted,
                                              const std::string& method, double level);

}  // namespace weft::inference
