// L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995) on LBFGSpp's LBFGSBSolver: the default optimiser.
// Bounds carry lme4's constraints (theta diagonal >= 0). LBFGSpp signals a line search that
// cannot progress by throwing; that usually means the optimum is reached to the precision
// of the objective, so the solver restarts from the best point with a fresh memory, and the
// result is Converged only when the projected gradient test passes. An EvaluationAborted from
// the objective (a plugin error) is not a failed step: it ends the run (status Aborted).
#include <weft/optimizer.hpp>
#include <weft/plugin.hpp>

#include <LBFGSB.h>

#include <cmath>
#include <limits>

namespace {

using weft::Objective;
using weft::OptimizerResult;
using weft::TerminationStatus;
using Eigen::VectorXd;

struct EvaluationBudgetSpent {};
// Many evaluations without a decrease the objective can resolve: a line search is probing
// below the objective's rounding (large data sets: f ~ 1e6 with noise ~ 1e-8).
struct ProgressStalled {};
constexpr int kStallEvaluations = 6;
// A point the convergence test accepts, met inside a line search: LBFGSpp tests convergence
// only between iterations, and would otherwise go on probing around it.
struct ConvergedInLineSearch {};

// The infinity norm of the gradient projected on the box (zero where a bound blocks it).
double projected_gradient_norm(const VectorXd& x, const VectorXd& g, const VectorXd& lower, const VectorXd& upper) {
  double norm = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double moved = std::min(std::max(x(i) - g(i), lower(i)), upper(i)) - x(i);
    norm = std::max(norm, std::abs(moved));
  }
  return norm;
}

// Below this projected-gradient norm a failed line search ends the run rather than restarting
// (the objective's precision is reached; the caller checks convergence itself).
constexpr double kRestartThreshold = 1e-3;

// Adapts an Objective to LBFGSpp's functor, remembering the best point and counting calls.
class CountingFunction {
 public:
  CountingFunction(Objective& objective, long budget, const VectorXd& lower, const VectorXd& upper, double tolerance)
      : objective_(objective), budget_(budget), lower_(&lower), upper_(&upper), tolerance_(tolerance) {}
  double operator()(const VectorXd& x, VectorXd& gradient) {
    if (evaluations_ >= budget_) throw EvaluationBudgetSpent{};
    if (since_progress_ >= kStallEvaluations) throw ProgressStalled{};
    ++evaluations_;
    ++since_progress_;
    double f = objective_.value_and_gradient(x, gradient);
    if (!std::isfinite(f) || !gradient.allFinite()) {
      f = std::numeric_limits<double>::max() / 4;  // LBFGSpp cannot take inf: a wall
      gradient.setZero();
    } else if (f < best_value_) {
      ++improvements_;
      if (!(f > best_value_ - 1e-13 * std::abs(best_value_))) since_progress_ = 0;
      best_value_ = f;
      best_x_ = x;
      best_gradient_ = gradient;
      if (projected_gradient_norm(x, gradient, *lower_, *upper_) <= tolerance_) throw ConvergedInLineSearch{};
    }
    return f;
  }
  int evaluations() const { return int(evaluations_); }
  // Steps that lowered the best value: the iterations, counted the same way however a run
  // ends (LBFGSpp reports its own count only when it returns normally).
  int improvements() const { return int(improvements_); }
  double best_value() const { return best_value_; }
  const VectorXd& best_x() const { return best_x_; }
  const VectorXd& best_gradient() const { return best_gradient_; }

 private:
  Objective& objective_;
  long budget_;
  const VectorXd* lower_;
  const VectorXd* upper_;
  double tolerance_;
  long evaluations_ = 0;
  long improvements_ = 0;
  int since_progress_ = 0;  // evaluations since the best value last fell measurably
  double best_value_ = std::numeric_limits<double>::infinity();
  VectorXd best_x_, best_gradient_;
};

class Lbfgsb final : public weft::Optimizer {
 public:
  std::string name() const override { return "lbfgsb"; }
  std::vector<std::string> option_names() const override {
    return {"max_evaluations", "max_iterations", "tolerance"};
  }
  void configure(const weft::Options& options) override {
    max_evaluations_ = options.integer("max_evaluations", max_evaluations_, 1, 100000000, "an integer >= 1");
    max_iterations_ = options.integer("max_iterations", max_iterations_, 1, 100000000, "an integer >= 1");
    tolerance_ = options.number("tolerance", tolerance_, 1e-300, 1e300, "a positive number");
  }

  OptimizerResult minimize(Objective& objective, const VectorXd& start, const VectorXd& lower,
                           const VectorXd& upper) const override {
    LBFGSpp::LBFGSBParam<double> param;
    param.epsilon = tolerance_;
    param.epsilon_rel = 0;
    param.past = 1;
    param.delta = 1e-15;
    param.max_iterations = int(max_iterations_);
    param.max_linesearch = 20;
    CountingFunction f(objective, max_evaluations_, lower, upper, tolerance_);
    OptimizerResult result;
    VectorXd x = start.cwiseMax(lower).cwiseMin(upper);
    constexpr int kRestarts = 3;
    for (int attempt = 0; attempt <= kRestarts; ++attempt) {
      LBFGSpp::LBFGSBSolver<double> solver(param);
      double fx = 0;
      try {
        solver.minimize(f, x, fx, lower, upper);
        result.status = TerminationStatus::Converged;
        result.message = "converged";
        break;
      } catch (const weft::EvaluationAborted&) {
        result.status = TerminationStatus::Aborted;
        result.message = "an evaluation was aborted";
        break;
      } catch (const EvaluationBudgetSpent&) {
        result.status = TerminationStatus::BudgetExhausted;
        result.message = "reached max_evaluations (" + std::to_string(max_evaluations_) + ")";
        break;
      } catch (const ConvergedInLineSearch&) {
        result.status = TerminationStatus::Converged;
        result.message = "converged";
        break;
      } catch (const ProgressStalled&) {
        result.status = TerminationStatus::Stalled;
        result.message = "no further decrease measurable";
        break;
      } catch (const std::exception& e) {
        result.status = TerminationStatus::Stalled;
        result.message = std::string("line search stopped: ") + e.what();
        if (f.best_x().size() == 0) break;
        // Usually the objective's own precision: nothing left to gain where the gradient is
        // already small. Otherwise start again from the best point with a fresh memory.
        if (projected_gradient_norm(f.best_x(), f.best_gradient(), lower, upper) <= kRestartThreshold) break;
        x = f.best_x();
      }
    }
    result.evaluations = f.evaluations();
    result.iterations = f.improvements();
    if (f.best_x().size() == 0) {
      result.x = start;
      result.value = std::numeric_limits<double>::infinity();
      if (result.status != TerminationStatus::Aborted) {
        result.status = TerminationStatus::Failed;
        result.message = "the objective was not finite at any point tried";
      }
      return result;
    }
    result.x = f.best_x();
    result.value = f.best_value();
    if (result.status == TerminationStatus::Aborted || result.status == TerminationStatus::BudgetExhausted) return result;
    const double pg = projected_gradient_norm(result.x, f.best_gradient(), lower, upper);
    if (result.iterations >= max_iterations_) {
      result.status = TerminationStatus::BudgetExhausted;
      result.message = "reached max_iterations (" + std::to_string(max_iterations_) + ")";
    } else if (pg <= std::max(tolerance_, 1e-3)) {
      result.status = TerminationStatus::Converged;
    } else if (result.status == TerminationStatus::Converged) {
      result.status = TerminationStatus::Stalled;  // LBFGSpp stopped but the test does not pass
      result.message = "stopped with projected gradient " + std::to_string(pg);
    }
    return result;
  }

 private:
  long max_evaluations_ = 100000;
  long max_iterations_ = 10000;
  double tolerance_ = 1e-6;
};

}  // namespace

WEFT_OPTIMIZER_PLUGIN(Lbfgsb, "lbfgsb", "1.0.0")
