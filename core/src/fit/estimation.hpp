#pragma once
// The estimation pipeline of one prepared model (lme4's glmer after glFormula):
//   GLM start -> stage 1 (theta, beta inside the inner problem; lme4's nAGQ = 0) ->
//   stage 2 (all parameters jointly, only u inside) -> derivatives at the optimum ->
//   standard errors, diagnostics, variance components, conditional modes.
#include "fit/fit_result.hpp"
#include "fit/fitted_model.hpp"
#include "fit/prepared_model.hpp"

#include <memory>

namespace weft::fit {

FitResult estimate(const PreparedModel& model);

// The same, keeping what inference needs (fitted_model.hpp).
FittedModel estimate_model(const PreparedModel& model, const EstimateOptions& options = {});

// What the fit asks of the likelihood: the criterion (`reml`) and the family parameters fixed
// in the model file.
BindOptions bind_options(const PreparedModel& model, bool reml);

// The model's likelihood bound to `matrices` (the model's own, or the same design with another
// response). InputError names the config and integrator when the integrator refuses, or when
// the likelihood's criterion is not the one asked for.
std::unique_ptr<MarginalLikelihood> bind_likelihood(const PreparedModel& model, const ModelMatrices& matrices,
                                                    const BindOptions& options);

}  // namespace weft::fit
