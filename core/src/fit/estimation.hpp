#pragma once
// The estimation pipeline of one prepared model (lme4's glmer after glFormula):
//   GLM start -> stage 1 (theta, beta inside the inner problem; lme4's nAGQ = 0) ->
//   stage 2 (all parameters jointly, only u inside) -> derivatives at the optimum ->
//   standard errors, diagnostics, variance components, conditional modes.
#include "fit/fit_result.hpp"
#include "fit/prepared_model.hpp"

namespace weft::fit {

FitResult estimate(const PreparedModel& model);

}  // namespace weft::fit
