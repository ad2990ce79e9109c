// The gaussian family: y ~ N(mu, sigma^2 / w) with w the prior weight (lme4's precision
// weights: a row with weight w has residual variance sigma^2 / w, and w = 0 leaves it out).
//   log p = 1/2 log w - 1/2 log(2 pi) - log sigma - w (y - mu)^2 / (2 sigma^2),
// the first two terms data-only (log_constant). sigma is estimated on the log scale, as
// glmmTMB's gaussian family; Fisher weights w mu'^2 / sigma^2 (unit variance sigma^2).
//
// The family declares itself conditionally normal (normal_sd_parameter): with the identity
// link the integrators then fit the exact linear mixed model of lme4's lmer (sigma and beta
// profiled, REML by default); with the log or inverse link it is a GLMM like glmmTMB's gaussian.
#include <weft/autodiff_family.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

#include <cmath>
#include <optional>

namespace {

struct GaussianDensity {
  static constexpr const char* name = "gaussian";
  static constexpr weft::Support support = weft::Support::Real;
  static constexpr const char* default_link = "identity";
  static std::vector<std::string> links() { return {"identity", "log", "inverse"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() {
    return {{"sigma", weft::ParameterScale::Log, 1.0}};  // glmmTMB's start: log sigma = 0
  }
  static constexpr std::size_t normal_sd_parameter = 0;

  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    using std::log;
    if (w == 0) return T(0.0);
    const T r = (y - mu) / params[0];
    return -log(params[0]) - 0.5 * w * r * r;
  }
  static double log_constant(double /*y*/, double w) {
    return w > 0 ? 0.5 * std::log(w) - 0.5 * std::log(2.0 * M_PI) : 0.0;
  }
  static void derivatives(double y, double w, double mu, const double* params, double& l, double& l_mu,
                          double& l_mumu) {
    if (w == 0) {
      l = l_mu = l_mumu = 0;
      return;
    }
    const double s2 = params[0] * params[0];
    l = -std::log(params[0]) - 0.5 * w * (y - mu) * (y - mu) / s2;
    l_mu = w * (y - mu) / s2;
    l_mumu = -w / s2;
  }
  static double variance(double, const double* params) { return params[0] * params[0]; }
  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    if (!std::isfinite(y)) return "expected a finite number, got " + weft::format_value(y);
    return std::nullopt;
  }
  // N(mu, sigma^2 / w): w are precision weights (a row with weight 0 is its mean).
  static double simulate(double mu, double w, const double* params, weft::RandomStream& random) {
    if (!(w > 0)) return mu;
    return weft::draw::normal(random, mu, params[0] / std::sqrt(w));
  }

  // R's gaussian()$initialize takes mu = y; a positive value keeps the log and inverse links'
  // start finite (with the identity link the first IRLS step is least squares from any start).
  static double initial_mean(double y, double) { return y > 0 ? y : 0.1; }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<GaussianDensity>, "gaussian", "1.0.0")
