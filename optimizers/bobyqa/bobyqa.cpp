// BOBYQA (Powell 2009, bound-constrained quadratic approximation; lme4's default optimiser)
// on NLopt. Derivative-free: it calls value() only, so no finite-difference gradients.
#include <weft/optimizer.hpp>
#include <weft/plugin.hpp>

#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

using Eigen::VectorXd;

struct Counter {
  explicit Counter(weft::Objective* o) : objective(o) {}
  weft::Objective* objective;
  int evaluations = 0;
  double best_value = std::numeric_limits<double>::infinity();
  VectorXd best_x;
};

double call(const std::vector<double>& x, std::vector<double>& /*gradient*/, void* data) {
  auto* c = static_cast<Counter*>(data);
  ++c->evaluations;
  const VectorXd v = Eigen::Map<const VectorXd>(x.data(), Eigen::Index(x.size()));
  double f = 0;
  try {
    f = c->objective->value(v);
  } catch (const weft::EvaluationAborted&) {
    throw nlopt::forced_stop();  // NLopt's own way to end a run from the objective
  }
  if (!std::isfinite(f)) return std::numeric_limits<double>::max() / 4;  // a wall, not NaN
  if (f < c->best_value) {
    c->best_value = f;
    c->best_x = v;
  }
  return f;
}

std::vector<double> to_std(const VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

class Bobyqa final : public weft::Optimizer {
 public:
  std::string name() const override { return "bobyqa"; }
  std::vector<std::string> option_names() const override { return {"max_evaluations", "tolerance"}; }
  void configure(const weft::Options& options) override {
    max_evaluations_ = options.integer("max_evaluations", max_evaluations_, 1, 100000000, "an integer >= 1");
    tolerance_ = options.number("tolerance", tolerance_, 1e-300, 1e300, "a positive number");
  }

  weft::OptimizerResult minimize(weft::Objective& objective, const VectorXd& start, const VectorXd& lower,
                                 const VectorXd& upper) const override {
    Counter counter(&objective);
    std::vector<double> x = to_std(start.cwiseMax(lower).cwiseMin(upper));
    if (start.size() < 2) {  // BOBYQA needs two or more variables; NLopt's NEWUOA-bound variant does not
      return minimize_with(nlopt::LN_SBPLX, counter, x, lower, upper);
    }
    return minimize_with(nlopt::LN_BOBYQA, counter, x, lower, upper);
  }

 private:
  weft::OptimizerResult minimize_with(nlopt::algorithm algorithm, Counter& counter, std::vector<double>& x,
                                      const VectorXd& lower, const VectorXd& upper) const {
    const unsigned n = unsigned(x.size());
    nlopt::opt opt(algorithm, n);
    opt.set_lower_bounds(to_std(lower));
    opt.set_upper_bounds(to_std(upper));
    opt.set_min_objective(call, &counter);
    opt.set_maxeval(int(std::min<long>(max_evaluations_, std::numeric_limits<int>::max())));
    opt.set_xtol_rel(tolerance_);
    opt.set_ftol_abs(1e-12);
    // lme4's rhobeg: a first step of 0.2 (scaled up for large parameters).
    std::vector<double> step(n);
    for (unsigned i = 0; i < n; ++i) step[i] = 0.2 * std::max(1.0, std::abs(x[i]));
    opt.set_initial_step(step);
    weft::OptimizerResult result;
    double value = 0;
    try {
      const nlopt::result code = opt.optimize(x, value);
      if (code == nlopt::MAXEVAL_REACHED || code == nlopt::MAXTIME_REACHED) {
        result.status = weft::TerminationStatus::BudgetExhausted;
        result.message = "reached max_evaluations (" + std::to_string(max_evaluations_) + ")";
      } else if (code > 0) {  // SUCCESS, STOPVAL, FTOL, XTOL
        result.status = weft::TerminationStatus::Converged;
        result.message = "converged";
      } else {
        result.status = weft::TerminationStatus::Failed;
        result.message = "NLopt returned " + std::to_string(int(code));
      }
    } catch (const nlopt::roundoff_limited&) {
      result.status = weft::TerminationStatus::Converged;  // the optimum is found to the objective's precision
      result.message = "converged (roundoff limited)";
    } catch (const nlopt::forced_stop&) {
      result.status = weft::TerminationStatus::Aborted;  // the objective threw EvaluationAborted
      result.message = "an evaluation was aborted";
    } catch (const std::exception& e) {
      result.status = weft::TerminationStatus::Failed;
      result.message = std::string("stopped: ") + e.what();
    }
    result.evaluations = counter.evaluations;
    result.iterations = counter.evaluations;
    if (counter.best_x.size() == 0) {
      result.x = Eigen::Map<const VectorXd>(x.data(), Eigen::Index(n));
      result.value = std::numeric_limits<double>::infinity();
      if (result.status != weft::TerminationStatus::Aborted) {
        result.status = weft::TerminationStatus::Failed;
        result.message = "the objective was not finite at any point tried";
      }
      return result;
    }
    result.x = counter.best_x;
    result.value = counter.best_value;
    return result;
  }

  long max_evaluations_ = 100000;
  double tolerance_ = 1e-8;
};

}  // namespace

WEFT_OPTIMIZER_PLUGIN(Bobyqa, "bobyqa", "1.0.0")
