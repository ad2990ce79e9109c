#pragma once
// What every step of the estimation pipeline works on (lme4's deviance-function environment):
// the bound marginal likelihood, the parameter layout and its box, and the work counted so far.
#include <weft/integrator/integrator.hpp>
#include <weft/optimizer.hpp>

#include "fit/parameter_layout.hpp"

#include <limits>
#include <string>

namespace weft::fit {

struct EstimationProblem {
  const ModelMatrices& model;
  MarginalLikelihood& likelihood;
  const ParameterLayout& layout;
  HessianKind hessian;  // the flavour the likelihood uses (and the checks follow)
  Vector lower, upper;  // the box of the layout vector

  EstimationProblem(const ModelMatrices& m, MarginalLikelihood& l, const ParameterLayout& p)
      : model(m), likelihood(l), layout(p), hessian(l.hessian()), lower(p.lower(m)), upper(p.upper()) {}
};

// A point an optimizer reached, in layout coordinates (theta in lme4's canonical form).
struct Optimum {
  Vector x;
  double deviance = std::numeric_limits<double>::infinity();
  TerminationStatus status = TerminationStatus::Failed;
  std::string message;  // the optimizer's own words, for warnings
  std::string route;    // how it was reached ("lbfgsb", "negative-curvature step, then lbfgsb", ...)
};

// Optimizer iterations and evaluations over every step of one fit.
struct WorkCount {
  int iterations = 0;
  int evaluations = 0;
  void add(const OptimizerResult& r) {
    iterations += r.iterations;
    evaluations += r.evaluations;
  }
};

}  // namespace weft::fit
