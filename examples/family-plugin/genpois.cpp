// The generalized Poisson distribution as a weft family plugin: a complete third-party family
// in one file, built against the installed SDK (see README.md and docs/writing-a-family.md).
//
// Consul's generalized Poisson in glmmTMB's `genpois` parameterisation (glmmTMB
// src/glmmTMB.cpp and src/distrib.h): with mean mu and dispersion phi (the variance/mean
// ratio),
//     theta = mu / sqrt(phi),   lambda = 1 - 1 / sqrt(phi),
//     p(y) = theta (theta + lambda y)^(y - 1) exp(-theta - lambda y) / y!,   y = 0, 1, 2, ...
// so that E[y] = theta / (1 - lambda) = mu and Var[y] = theta / (1 - lambda)^3 = mu phi.
// phi = 1 is the Poisson; phi > 1 overdispersion; phi < 1 underdispersion, where lambda < 0
// and p(y) is 0 once theta + lambda y <= 0 (glmmTMB does not truncate either).
#include <weft/autodiff_family.hpp>  // weft::AutoDiffFamily: a Family from one log density
#include <weft/plugin.hpp>           // WEFT_FAMILY_PLUGIN: the entry point weft looks for
#include <weft/response_checks.hpp>  // weft::check_count and friends

#include <cmath>

namespace {

struct GeneralizedPoisson {
  // What the family is called in YAML (`family: genpois`) and in results.
  static constexpr const char* name = "genpois";
  // Which responses make sense: Counts are 0, 1, 2, ... (check-family sums p(y) over them).
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log"}; }

  // One parameter besides the mean, estimated on the log scale (it must be > 0) unless the
  // YAML fixes it: `family: {name: genpois, dispersion: 2}`. Start at 1 (the Poisson), as
  // glmmTMB does (log phi = 0).
  static std::vector<weft::FamilyParameterInfo> parameters() {
    return {{"dispersion", weft::ParameterScale::Log, 1.0}};
  }

  // The weighted log density with every constant, for T = double or a Ceres Jet (weft takes
  // the derivatives in mu by automatic differentiation). Write it as plain math on T.
  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    using std::log;
    using std::sqrt;
    const T& phi = params[0];
    const T theta = mu / sqrt(phi);
    const T lambda = 1.0 - 1.0 / sqrt(phi);
    const T spread = theta + lambda * y;
    if (weft::value_of(spread) <= 0) return mu * 0.0 - HUGE_VAL;  // p(y) = 0 (only when phi < 1)
    return w * (log(theta) + (y - 1.0) * log(spread) - spread - std::lgamma(y + 1.0));
  }

  // Why y cannot be modelled, or nothing: counts must be whole numbers >= 0. (The prior
  // weight w is checked by AutoDiffFamily for every family.)
  static std::optional<std::string> check(double y, double /*w*/) { return weft::check_count(y); }

  // Where the GLM that gives the start values begins (R's family$initialize `mustart`).
  static double initial_mean(double y, double) { return y + 0.1; }
};

}  // namespace

// The C entry point: kind family, name, the plugin's own version, and (automatically) the
// SDK's ABI version, which weft checks before it uses anything else in this library.
WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<GeneralizedPoisson>, "genpois", "1.0.0")
