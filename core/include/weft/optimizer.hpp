#pragma once
// The Optimizer interface: minimise a function over a box.
#include <weft/options.hpp>

#include <Eigen/Dense>

#include <string>
#include <vector>

namespace weft {

// The function to minimise. The kernel supplies gradients (analytic where the integrator
// gives them, finite differences otherwise); derivative-free optimisers call value() only.
class Objective {
 public:
  virtual ~Objective() = default;
  virtual double value(const Eigen::VectorXd& x) = 0;
  virtual double value_and_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& gradient) = 0;
};

struct OptimizerResult {
  Eigen::VectorXd x;
  double value = 0;
  int iterations = 0;
  int evaluations = 0;      // calls of value() or value_and_gradient()
  bool converged = false;   // the optimiser's own convergence test passed
  std::string message;      // why it stopped, for warnings
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
