// Beta with mean mu and precision phi: Beta(mu phi, (1 - mu) phi), var = mu (1 - mu) / (1 + phi),
// glmmTMB's beta_family (Ferrari & Cribari-Neto 2004). The expected information in mu,
// phi^2 (trigamma(mu phi) + trigamma((1 - mu) phi)), is not of the form 1 / V(mu), so no
// variance function is given and `hessian: expected` falls back to the observed one.
#include <weft/autodiff_family.hpp>
#include <weft/continuous_distributions.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

namespace {

struct BetaDensity {
  static constexpr const char* name = "beta";
  static constexpr weft::Support support = weft::Support::UnitInterval;
  static constexpr const char* default_link = "logit";
  static std::vector<std::string> links() { return {"logit", "probit", "cloglog"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() {
    return {{"phi", weft::ParameterScale::Log, 1.0}};  // glmmTMB's start: log phi = 0
  }

  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    return w * weft::continuous::log_beta_mean(y, mu, params[0]);
  }
  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    return weft::check_open_unit_interval(y);
  }
  static double initial_mean(double y, double) { return y; }  // glmmTMB's beta_family mustart
  static double simulate(double mu, double, const double* params, weft::RandomStream& random) {
    return weft::continuous::draw_beta(random, mu, params[0]);
  }
  static double response_variance(double mu, double, const double* params) {
    return weft::continuous::beta_variance(mu, params[0]);
  }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<BetaDensity>, "beta", "1.0.0")
