#pragma once
// A fitted model as inference needs it (inference/: intervals, profiles, simulation,
// bootstrap, comparisons, residuals): the reported FitResult and the point it came from, in
// the kernel's own coordinates.
#include <weft/integrator/integrator.hpp>

#include "fit/fit_result.hpp"

#include <optional>

namespace weft::fit {

struct FittedModel {
  FitResult result;
  ModelParameters estimates;  // every block at the optimum, the profiled ones included
  Vector modes;               // the spherical conditional modes u there (b = Lambda(theta) u)
  Vector x;                   // the optimum in the ParameterLayout's coordinates
  Matrix hessian;             // of the deviance at x (layout coordinates; check_optimum's)
  bool reml = false;          // the criterion the fit maximised
};

// How estimate_model departs from the model's own settings.
struct EstimateOptions {
  // The criterion, instead of the model's (compare and profiles refit REML fits by ML, as
  // lme4's anova(refit = TRUE) and profile() do).
  std::optional<bool> reml;
  // Matrices of the same design with another response (the bootstrap's simulated y); they
  // must outlive the call. Null: the model's own.
  const ModelMatrices* matrices = nullptr;
  // Start here (every block; profiled ones are only starts) instead of the pipeline's
  // start_values, and leave out the first stage: a refit near a known optimum.
  const ModelParameters* start = nullptr;
};

}  // namespace weft::fit
