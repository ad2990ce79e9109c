// A Poisson family whose evaluate() throws once, at one call: a fit with it must end with
// exit 2 and one line naming this plugin's file and its message, however deep in an optimizer
// the exception happens (the optimizer plugins take an exception from the objective for a
// failed step and carry on, so the kernel has to remember it). The call that throws (counting
// from 0) comes from the environment variable WEFT_TEST_THROW_AT (default 0: the first).
#include <weft/plugin.hpp>

#include "count_density_base.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace {

struct PoissonDensity : weft_test::CountDensityBase {
  static constexpr const char* name = "throws_in_evaluate";
};

class ThrowingFamily : public weft::AutoDiffFamily<PoissonDensity> {
 public:
  ThrowingFamily() {
    const char* at = std::getenv("WEFT_TEST_THROW_AT");
    throw_at_ = at ? std::atol(at) : 0;
  }
  void evaluate(const weft::Observations& obs, const weft::LinearPredictors& lp, const weft::Link& link,
                std::span<const double> params, const weft::FamilyDerivatives& out) const override {
    if (calls_++ == throw_at_) throw std::runtime_error("the density table ran out of entries");
    AutoDiffFamily::evaluate(obs, lp, link, params, out);
  }

 private:
  long throw_at_ = 0;
  mutable std::atomic<long> calls_{0};
};

}  // namespace

WEFT_FAMILY_PLUGIN(ThrowingFamily, "throws_in_evaluate", "0.0.1")
