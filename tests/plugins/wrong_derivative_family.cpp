// A Poisson family whose hand-written derivatives in mu are off by 10 %: `weft check-family`
// must report d1 and d2 as failed (the log density itself is right and normalised).
#include <weft/plugin.hpp>

#include "count_density_base.hpp"

#include <cmath>

namespace {

struct WrongDerivativeDensity : weft_test::CountDensityBase {
  static constexpr const char* name = "wrong_derivative";

  static void derivatives(double y, double w, double mu, const double*, double& l, double& l_mu, double& l_mumu) {
    l = w * (y * std::log(mu) - mu - std::lgamma(y + 1.0));
    l_mu = 1.1 * w * (y / mu - 1.0);  // deliberately wrong by a factor 1.1
    l_mumu = 1.1 * w * (-y / (mu * mu));
  }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<WrongDerivativeDensity>, "wrong_derivative", "0.0.1")
