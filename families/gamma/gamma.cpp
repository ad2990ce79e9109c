// Gamma with mean mu and shape k: var = mu^2 / k, glmmTMB's Gamma (whose dispersion parameter
// is the shape: glmmTMB's sigma() reports the coefficient of variation 1 / sqrt(k)).
// Expected information k / mu^2 in mu, i.e. unit variance mu^2 / k (lme4's Fisher weights).
#include <weft/autodiff_family.hpp>
#include <weft/continuous_distributions.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

namespace {

struct GammaDensity {
  static constexpr const char* name = "gamma";
  static constexpr weft::Support support = weft::Support::PositiveReal;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log", "inverse", "identity"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() {
    return {{"shape", weft::ParameterScale::Log, 1.0}};  // glmmTMB's start: log shape = 0
  }

  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    return w * weft::continuous::log_gamma_mean(y, mu, params[0]);
  }
  // Hand-written derivatives in mu (the Jet version is checked against them in the tests).
  static void derivatives(double y, double w, double mu, const double* params, double& l, double& l_mu,
                          double& l_mumu) {
    l = w * weft::continuous::log_gamma_mean(y, mu, params[0]);
    weft::continuous::gamma_mu_derivatives(y, mu, params[0], l_mu, l_mumu);
    l_mu *= w;
    l_mumu *= w;
  }
  static double variance(double mu, const double* params) { return mu / params[0] * mu; }
  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    return weft::check_positive(y);
  }
  static double initial_mean(double y, double) { return y; }  // R's Gamma()$initialize
  // Shape k, scale mu / k; a draw that underflows to 0 becomes the smallest positive number.
  static double simulate(double mu, double, const double* params, weft::RandomStream& random) {
    return std::max(weft::draw::gamma(random, params[0], mu / params[0]), std::numeric_limits<double>::min());
  }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<GammaDensity>, "gamma", "1.0.0")
