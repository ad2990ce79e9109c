// An integrator plugin whose deviance throws on its 20th call: the kernel must end the fit
// with exit 2 and one line naming this file, and the optimizer must not retry.
#include <weft/integrator/integrator.hpp>
#include <weft/plugin.hpp>

#include <stdexcept>

namespace {
class Throwing final : public weft::MarginalLikelihood {
 public:
  double deviance(const weft::ModelParameters& at) override {
    if (++calls_ == 20) throw std::runtime_error("the quadrature table ran out of nodes");
    return at.theta.squaredNorm() + at.beta.squaredNorm() + 1.0;
  }
  const weft::Vector& modes() const override { return modes_; }
  weft::HessianKind hessian() const override { return weft::HessianKind::Observed; }

 private:
  int calls_ = 0;
  weft::Vector modes_;
};

class ThrowsInDeviance final : public weft::Integrator {
 public:
  std::string name() const override { return "throws_in_deviance"; }
  std::vector<std::string> option_names() const override { return {}; }
  void configure(const weft::Options&) override {}
  std::unique_ptr<weft::MarginalLikelihood> bind(const weft::ModelMatrices&, const weft::Family&, const weft::Link&,
                                                 const weft::BindOptions&) const override {
    return std::make_unique<Throwing>();
  }
};
}  // namespace

WEFT_INTEGRATOR_PLUGIN(ThrowsInDeviance, "throws_in_deviance", "0.0.1")
