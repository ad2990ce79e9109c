// A "Poisson" family that forgets log y!: its derivatives are right, but the probabilities do
// not sum to 1 and it accepts negative and fractional counts. `weft check-family` must report
// the normalisation, the mean and the response checks as failed.
#include <weft/autodiff_family.hpp>
#include <weft/plugin.hpp>

#include <cmath>

namespace {

struct UnnormalisedDensity {
  static constexpr const char* name = "unnormalised";
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() { return {}; }

  template <class T>
  static T log_density(double y, double w, const T& mu, const T*) {
    using std::log;
    return w * (y * log(mu) - mu);  // missing - lgamma(y + 1)
  }
  static std::optional<std::string> check(double, double) { return std::nullopt; }  // accepts anything
  static double initial_mean(double y, double) { return y + 0.1; }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<UnnormalisedDensity>, "unnormalised", "0.0.1")
