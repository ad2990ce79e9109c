// A Poisson family whose hand-written derivatives in mu are off by 10 %: `weft check-family`
// must report d1 and d2 as failed (the log density itself is right and normalised).
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

#include <cmath>

namespace {

struct WrongDerivativeDensity {
  static constexpr const char* name = "wrong_derivative";
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() { return {}; }

  template <class T>
  static T log_density(double y, double w, const T& mu, const T*) {
    return w * weft::counts::log_poisson(y, mu);
  }
  static void derivatives(double y, double w, double mu, const double*, double& l, double& l_mu, double& l_mumu) {
    l = w * (y * std::log(mu) - mu - std::lgamma(y + 1.0));
    l_mu = 1.1 * w * (y / mu - 1.0);  // deliberately wrong by a factor 1.1
    l_mumu = 1.1 * w * (-y / (mu * mu));
  }
  static std::optional<std::string> check(double y, double) { return weft::check_count(y); }
  static double initial_mean(double y, double) { return y + 0.1; }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<WrongDerivativeDensity>, "wrong_derivative", "0.0.1")
