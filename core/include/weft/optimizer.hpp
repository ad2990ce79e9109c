#pragma once
// The Optimizer interface: minimise a function over a box, and say how it ended.
#include <weft/options.hpp>

#include <Eigen/Dense>

#include <string>
#include <vector>

namespace weft {

// Thrown by Objective::value / value_and_gradient when an evaluation failed for a reason no
// other step can fix (a plugin raised an error). It is deliberately not a std::exception, so
// a generic handler in an optimizer does not take it for a failed step and retry: an
// optimizer lets it propagate, or catches it and returns TerminationStatus::Aborted. After
// the first abort every further evaluation throws again.
struct EvaluationAborted {};

// The function to minimise. The kernel supplies gradients (analytic where the integrator
// gives them, finite differences otherwise); derivative-free optimisers call value() only.
// A value of +infinity marks a point outside the domain (the inner problem has no finite
// solution there): a wall, not an error.
class Objective {
 public:
  virtual ~Objective() = default;
  virtual double value(const Eigen::VectorXd& x) = 0;
  virtual double value_and_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& gradient) = 0;
};

// How a minimisation ended (as Ceres' TerminationType): the kernel decides what to do from
// this, never from the message.
enum class TerminationStatus {
  Converged,        // the optimiser's own convergence test passed
  BudgetExhausted,  // max_evaluations or max_iterations reached first
  Stalled,          // no further decrease the objective can resolve, test not passed
  Failed,           // no finite value anywhere, or the method broke down
  Aborted,          // an evaluation threw EvaluationAborted (a plugin error)
};

inline const char* to_string(TerminationStatus status) {
  switch (status) {
    case TerminationStatus::Converged: return "converged";
    case TerminationStatus::BudgetExhausted: return "budget exhausted";
    case TerminationStatus::Stalled: return "stalled";
    case TerminationStatus::Failed: return "failed";
    case TerminationStatus::Aborted: return "aborted";
  }
  return "unknown";
}

struct OptimizerResult {
  Eigen::VectorXd x;        // the best point found (finite value) or the start
  double value = 0;         // objective at x (+infinity when nothing finite was found)
  int iterations = 0;
  int evaluations = 0;      // calls of value() or value_and_gradient()
  TerminationStatus status = TerminationStatus::Failed;
  std::string message;      // details for people (warnings), e.g. "reached max_evaluations (100)"
  bool converged() const { return status == TerminationStatus::Converged; }
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> option_names() const = 0;
  virtual void configure(const Options& options) = 0;
  virtual OptimizerResult minimize(Objective& objective, const Eigen::VectorXd& start,
                                   const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) const = 0;
};

}  // namespace weft
