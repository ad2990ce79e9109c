// Negative binomial with linear variance (NB1): var = mu (1 + phi), glmmTMB's nbinom1.
// The negative binomial's size is mu / phi, so it changes with the mean; there is no
// closed-form expected information, so `hessian: expected` falls back to the observed one.
// Counts in the thousands with small phi make the size large next to y, where lgamma and
// digamma differences cancel: count_distributions.hpp takes them by sums and series.
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

namespace {

struct NegativeBinomial1Density {
  static constexpr const char* name = "nb1";
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log", "identity"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() {
    return {{"phi", weft::ParameterScale::Log, 1.0}};  // glmmTMB's start: log phi = 0
  }

  // log p = w log NB1(y; mu, phi) without -w log y!, which is log_constant.
  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    return w * weft::counts::log_nb1_without_factorial(y, mu, params[0]);
  }
  static double log_constant(double y, double w) { return -w * weft::lgamma(y + 1.0); }
  // Hand-written derivatives in mu (the Jet version is checked against them in the tests).
  static void derivatives(double y, double w, double mu, const double* params, double& l, double& l_mu,
                          double& l_mumu) {
    l = w * weft::counts::log_nb1_without_factorial(y, mu, params[0]);
    weft::counts::nb1_mu_derivatives(y, mu, params[0], l_mu, l_mumu);
    l_mu *= w;
    l_mumu *= w;
  }
  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    return weft::check_count(y);
  }
  static double initial_mean(double y, double) { return y + 0.1; }
  // A negative binomial of size mu / phi: var = mu (1 + phi).
  static double simulate(double mu, double, const double* params, weft::RandomStream& random) {
    return weft::draw::negative_binomial(random, mu, mu / params[0]);
  }
  static double response_variance(double mu, double, const double* params) { return mu * (1.0 + params[0]); }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<NegativeBinomial1Density>, "nb1", "1.0.0")
