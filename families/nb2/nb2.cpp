// Negative binomial with quadratic variance (NB2): var = mu + mu^2 / theta. With theta fixed
// (`family: {name: nb2, theta: 2}`) this is lme4's negative.binomial(theta); estimated, lme4's
// glmer.nb (hessian: expected) or glmmTMB's nbinom2 (hessian: observed).
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

namespace {

struct NegativeBinomial2Density {
  static constexpr const char* name = "nb2";
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log", "identity"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() {
    // glmmTMB's start: log theta = 0; theta -> infinity is the Poisson limit
    return {{"theta", weft::ParameterScale::Log, 1.0, "without overdispersion use a Poisson family"}};
  }

  // log p = w log NB2(y; mu, theta) without -w log y!, which is log_constant.
  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    return w * weft::counts::log_nb2_without_factorial(y, mu, params[0]);
  }
  // Hand-written derivatives in mu (the Jet version is checked against them in the tests).
  static void derivatives(double y, double w, double mu, const double* params, double& l, double& l_mu,
                          double& l_mumu) {
    l = w * weft::counts::log_nb2_without_factorial(y, mu, params[0]);
    weft::counts::nb2_mu_derivatives(y, mu, params[0], l_mu, l_mumu);
    l_mu *= w;
    l_mumu *= w;
  }
  static double log_constant(double y, double w) { return -w * weft::lgamma(y + 1.0); }
  static double variance(double mu, const double* params) { return mu + mu * mu / params[0]; }
  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    return weft::check_count(y);
  }
  static double initial_mean(double y, double) { return y + 0.1; }
  static double simulate(double mu, double, const double* params, weft::RandomStream& random) {
    return weft::draw::negative_binomial(random, mu, params[0]);
  }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<NegativeBinomial2Density>, "nb2", "1.0.0")
