// An optimizer plugin that throws after a few evaluations: the kernel must end the fit with
// exit 2 and one line naming this file (tests/sdk/CMakeLists.txt, plugin-safety).
#include <weft/optimizer.hpp>
#include <weft/plugin.hpp>

#include <stdexcept>

namespace {
class ThrowsInMinimize final : public weft::Optimizer {
 public:
  std::string name() const override { return "throws_in_minimize"; }
  std::vector<std::string> option_names() const override { return {}; }
  void configure(const weft::Options&) override {}
  weft::OptimizerResult minimize(weft::Objective& objective, const Eigen::VectorXd& start, const Eigen::VectorXd&,
                                 const Eigen::VectorXd&) const override {
    for (int i = 0; i < 3; ++i) objective.value(start);
    throw std::runtime_error("the trust region collapsed");
  }
};
}  // namespace

WEFT_OPTIMIZER_PLUGIN(ThrowsInMinimize, "throws_in_minimize", "0.0.1")
