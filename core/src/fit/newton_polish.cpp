// polish_optimum: Newton steps at a checked optimum (pipeline.hpp)
#include "fit/pipeline.hpp"

#include <cmath>

namespace weft::fit {

namespace {
constexpr int kMaxSteps = 2;              // from ~1e-7 away, two quadratic steps reach rounding
constexpr double kLargestStep = 1e-3;     // relative to 1 + |x_i|: a polish, not a search
constexpr double kDevianceRounding = 1e-11;  // relative: the deviance may not rise by more
}  // namespace

int polish_optimum(const EstimationProblem& problem, DevianceFunction& deviance, Optimum& optimum,
                   OptimumCheck& check, WorkCount& work) {
  if (optimum.status == TerminationStatus::BudgetExhausted || !check.passes(problem.hessian) ||
      !check.positive_definite || check.free.empty())
    return 0;
  const Eigen::LLT<Matrix> factor(free_hessian(check));
  if (factor.info() != Eigen::Success) return 0;
  int kept = 0;
  bool modes_at_optimum = true;
  for (int k = 0; k < kMaxSteps; ++k) {
    const Vector step = factor.solve(free_gradient(check));
    Vector x = optimum.x;
    bool admissible = step.allFinite();
    for (Index a = 0; a < step.size() && admissible; ++a) {
      const Index i = check.free[std::size_t(a)];
      admissible = std::abs(step(a)) <= kLargestStep * (1 + std::abs(x(i)));
      x(i) -= step(a);
      admissible = admissible && x(i) > problem.lower(i) && x(i) < problem.upper(i);
    }
    if (!admissible || x == optimum.x) break;
    Vector gradient;
    const double f = deviance.value_and_gradient(x, gradient);
    ++work.evaluations;
    modes_at_optimum = false;
    OptimumCheck moved = check;
    moved.derivatives.gradient = gradient;
    measure_gradient(moved, factor);
    const bool lower_or_level = f <= optimum.deviance + kDevianceRounding * (1 + std::abs(optimum.deviance));
    if (!std::isfinite(f) || !gradient.allFinite() || !lower_or_level ||
        !(moved.gradient_measure < check.gradient_measure))
      break;
    optimum.x = x;
    optimum.deviance = f;
    check = std::move(moved);
    modes_at_optimum = true;
    ++kept;
  }
  if (!modes_at_optimum) deviance(optimum.x);  // the likelihood's modes back at the kept point
  return kept;
}

}  // namespace weft::fit
