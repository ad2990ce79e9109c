// The binomial family: y = proportion of successes, w = trials (R's glm convention), so the
// weighted log density is log dbinom(w y; w, mu) including the binomial coefficient, as in
// lme4's and glmmTMB's log-likelihoods.
#include <weft/autodiff_family.hpp>
#include <weft/plugin.hpp>

#include <weft/response_checks.hpp>

#include <cmath>
#include <optional>

namespace {

using weft::format_value;

struct BinomialDensity {
  static constexpr const char* name = "binomial";
  static constexpr weft::Support support = weft::Support::Binomial;
  static constexpr const char* default_link = "logit";
  static std::vector<std::string> links() { return {"logit", "probit", "cloglog"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() { return {}; }

  // log p = s log mu + f log(1 - mu) + log_constant, with log_constant = log choose(w, s).
  template <class T>
  static T log_density(double y, double w, const T& mu, const T*) {
    using std::log;
    using std::log1p;
    const double successes = w * y, failures = w - successes;
    T l = mu * 0.0;  // a zero of type T
    if (successes > 0) l += successes * log(mu);
    if (failures > 0) l += failures * log1p(-mu);
    return l;
  }

  // Hand-written derivatives in mu (the AD version is checked against them in the tests).
  static void derivatives(double y, double w, double mu, const double*, double& l, double& l_mu,
                          double& l_mumu) {
    const double s = w * y, f = w - s;
    l = (s > 0 ? s * std::log(mu) : 0.0) + (f > 0 ? f * std::log1p(-mu) : 0.0);
    l_mu = s / mu - f / (1.0 - mu);
    l_mumu = -s / (mu * mu) - f / ((1.0 - mu) * (1.0 - mu));
  }

  static double log_constant(double y, double w) { return weft::log_choose(w, w * y); }

  static double variance(double mu, const double*) { return mu * (1.0 - mu); }

  static std::optional<std::string> check(double y, double w) {
    if (!(w >= 0) || !std::isfinite(w))
      return "binomial trials/weights must be finite and non-negative, got " + format_value(w);
    if (y < 0 || y > 1) {
      if (w == 1) return "binomial response must be 0 or 1 (or a proportion with weights), got " + format_value(y);
      return "binomial successes must lie between 0 and the number of trials, got " +
             format_value(y * w) + " successes of " + format_value(w) + " trials";
    }
    if (!weft::is_whole_number(w * y))
      return "binomial successes must be whole numbers, got " + format_value(w * y) + " (of " +
             format_value(w) + " trials)";
    return std::nullopt;
  }

  // Successes of round(w) trials, as a proportion (the response's scale).
  static double simulate(double mu, double w, const double*, weft::RandomStream& random) {
    const long long trials = std::llround(w);
    if (trials <= 0) return 0.0;
    return weft::draw::binomial(random, trials, mu) / double(trials);
  }

  // R's binomial()$initialize: mustart = (weights * y + 0.5) / (weights + 1).
  static double initial_mean(double y, double w) { return (w * y + 0.5) / (w + 1.0); }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<BinomialDensity>, "binomial", "1.0.0")
