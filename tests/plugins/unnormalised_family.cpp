// A "Poisson" family that forgets log y!: its derivatives are right, but the probabilities do
// not sum to 1 and it accepts negative and fractional counts. `weft check-family` must report
// the normalisation, the mean and the response checks as failed.
#include <weft/plugin.hpp>

#include "count_density_base.hpp"

#include <cmath>

namespace {

struct UnnormalisedDensity : weft_test::CountDensityBase {
  static constexpr const char* name = "unnormalised";

  template <class T>
  static T log_density(double y, double w, const T& mu, const T*) {
    using std::log;
    return w * (y * log(mu) - mu);  // missing - lgamma(y + 1)
  }
  static std::optional<std::string> check(double, double) { return std::nullopt; }  // accepts anything
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<UnnormalisedDensity>, "unnormalised", "0.0.1")
