#pragma once
// Likelihood-ratio comparison of nested models (weft compare), as lme4's anova(m1, m2, ...):
// rows ordered by the number of parameters (a stable sort: ties keep the given order), each
// row after the first tested against the row above: Chisq = 2 max(0, logLik - logLik above),
// Df = the difference in npar, Pr(>Chisq) from the chi-square distribution (none when Df = 0).
// The fits must be maximum-likelihood fits (the caller refits REML ones, as anova's refit).
//
// Same data: the same data file, number of observations and response; lme4 checks the data
// object and nobs. Nested (the smaller model, by npar, of each neighbouring pair in the larger):
//  - the same family and link;
//  - every fixed-effect column (and zero-inflation column) of the smaller is one of the larger;
//  - every random-effects term of the smaller is covered by a term of the larger with the same
//    grouping factor and each of its columns ((1 | g) by (x | g); (1 | g) + (0 + x | g) by
//    (x | g));
//  - every family parameter the smaller estimates, the larger estimates too;
//  - the larger has more parameters, or the same model (same columns and terms, npar equal).
// The rule reads names, so reparametrisations (~ f vs ~ 0 + f) count as not nested.
#include "fit/fit_result.hpp"

#include <limits>
#include <string>
#include <vector>

namespace weft::inference {

// One model to compare: its row name, its model file (for messages), the data file it was
// fitted to (a canonical path) and its maximum-likelihood fit.
struct ComparedModel {
  std::string name;
  std::string config;
  std::string data_file;
  fit::FitResult fit;
};

struct ComparisonRow {
  std::string name, config, formula;
  bool converged = false;
  Index npar = 0;
  double aic = 0, bic = 0, loglik = 0, deviance = 0;  // deviance: -2 logLik, as anova's
  // The test against the row above; NaN (Df 0) on the first row.
  double chisq = std::numeric_limits<double>::quiet_NaN();
  Index df = 0;
  double p_value = std::numeric_limits<double>::quiet_NaN();
};

struct ModelComparison {
  std::string data_name;            // the data file as the first model's file names it
  std::vector<ComparisonRow> rows;  // by npar, smallest first
};

// The table; InputError "compare: A and B were fitted to different data: ..." or "compare: A
// and B are not nested: ..." when a pair fails the rules above.
ModelComparison compare_models(const std::vector<ComparedModel>& models);

}  // namespace weft::inference
