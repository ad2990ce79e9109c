// escape: from a point that is not an optimum to one that is (pipeline.hpp).
#include "fit/pipeline.hpp"

#include <cmath>

namespace weft::fit {

namespace {

constexpr int kMaxRounds = 3;  // each round tries every route once

// Is `candidate` a better answer than `best`? A lower deviance, or (nearly) the same one
// where the candidate passes the checks and `best` does not.
bool better(const Optimum& candidate, bool candidate_passes, const Optimum& best, bool best_passes) {
  if (!std::isfinite(candidate.deviance)) return false;
  if (!std::isfinite(best.deviance)) return true;
  const double tolerance = 1e-8 * (1.0 + std::abs(best.deviance));
  if (candidate.deviance < best.deviance - tolerance) return true;
  return candidate_passes && !best_passes && candidate.deviance <= best.deviance + 1e-6;
}

// The lowest point along +-t d (t from 2 down to 0.01), if it is below f0.
std::optional<Vector> step_along(DevianceFunction& deviance, const Vector& x, double f0, const Vector& d) {
  std::optional<Vector> best;
  double best_value = f0 - 1e-8 * (1.0 + std::abs(f0));
  for (double t : {2.0, 1.0, 0.5, 0.25, 0.1, 0.05, 0.01})
    for (double sign : {1.0, -1.0}) {
      const Vector trial = x + sign * t * d;
      const double f = deviance(trial);
      if (f < best_value) {
        best_value = f;
        best = trial;
      }
    }
  deviance(x);  // leave the modes where they were
  return best;
}

}  // namespace

namespace {

// The best point so far and its check; attempt() runs one route and keeps its result if better.
class BestPoint {
 public:
  BestPoint(const EstimationProblem& problem, DevianceFunction& deviance, Optimum optimum, OptimumCheck& check,
            WorkCount& work)
      : problem_(problem), deviance_(deviance), best_(std::move(optimum)), check_(check), work_(work),
        passes_(check.passes(problem.hessian)) {}

  // True when the best point now passes the checks.
  bool attempt(const Optimizer& optimizer, const Vector& start, const std::string& route) {
    Optimum candidate = joint_stage(problem_, deviance_, optimizer, start, work_, route);
    if (!std::isfinite(candidate.deviance)) return passes_;
    OptimumCheck candidate_check = check_optimum(problem_, deviance_, candidate);
    const bool passes = candidate_check.passes(problem_.hessian);
    if (better(candidate, passes, best_, passes_)) {
      best_ = std::move(candidate);
      check_ = std::move(candidate_check);
      passes_ = passes;
    }
    return passes_;
  }

  const Optimum& best() const { return best_; }
  const OptimumCheck& check() const { return check_; }
  bool passes() const { return passes_; }
  Optimum take() {
    deviance_(best_.x);  // the modes at the answer
    return std::move(best_);
  }

 private:
  const EstimationProblem& problem_;
  DevianceFunction& deviance_;
  Optimum best_;
  OptimumCheck& check_;
  WorkCount& work_;
  bool passes_;
};

}  // namespace

Optimum escape(const EstimationProblem& problem, DevianceFunction& deviance, Optimum optimum, OptimumCheck& check,
               const EscapeRoutes& routes, WorkCount& work) {
  BestPoint point(problem, deviance, std::move(optimum), check, work);
  for (int round = 0; round < kMaxRounds && !point.passes(); ++round) {
    const double before = point.best().deviance;
    const std::string from = point.best().route + ", then ";
    // 1. Along the direction of negative curvature (a saddle, or a variance held at 0 that
    //    should not be): downhill there, then optimise again.
    if (point.check().descent_direction.size() == point.best().x.size())
      if (const auto moved = step_along(deviance, point.best().x, before, point.check().descent_direction))
        if (point.attempt(routes.primary, *moved, from + "a negative-curvature step")) break;
    // 2. The same optimizer again from the point, with fresh memory and preconditioning.
    if (point.attempt(routes.primary, point.best().x, from + "a restart")) break;
    // 3. Another optimizer from the point.
    if (routes.alternative && point.attempt(*routes.alternative, point.best().x, from + "another optimizer")) break;
    // 4. Other starts.
    bool done = false;
    for (const Vector& start : routes.other_starts)
      if ((done = point.attempt(routes.primary, start, "a restart from another start"))) break;
    const double after = point.best().deviance;
    const bool progress = !std::isfinite(before) ? std::isfinite(after) : after < before - 1e-8 * (1.0 + std::abs(before));
    if (done || !progress) break;
  }
  return point.take();
}

Optimum confirm_from_other_starts(const EstimationProblem& problem, DevianceFunction& deviance, Optimum optimum,
                                  OptimumCheck& check, const EscapeRoutes& routes, WorkCount& work) {
  BestPoint point(problem, deviance, std::move(optimum), check, work);
  for (const Vector& start : routes.other_starts) point.attempt(routes.primary, start, "a restart from another start");
  return point.take();
}

}  // namespace weft::fit
