// The Poisson family: log p = w (y log mu - mu - log y!), normalising constant included.
#include <weft/autodiff_family.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

#include <cmath>
#include <optional>

namespace {

struct PoissonDensity {
  static constexpr const char* name = "poisson";
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log", "identity"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() { return {}; }

  // log p = w (y log mu - mu) + log_constant, with log_constant = -w log y!.
  template <class T>
  static T log_density(double y, double w, const T& mu, const T*) {
    using std::log;
    T l = -mu;
    if (y > 0) l += y * log(mu);
    return w * l;
  }
  static double log_constant(double y, double w) { return -w * weft::lgamma(y + 1.0); }

  static void derivatives(double y, double w, double mu, const double*, double& l, double& l_mu,
                          double& l_mumu) {
    l = w * ((y > 0 ? y * std::log(mu) : 0.0) - mu);
    l_mu = w * (y / mu - 1.0);
    l_mumu = -w * y / (mu * mu);
  }

  static double variance(double mu, const double*) { return mu; }

  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    return weft::check_count(y);
  }

  // Prior weights are not part of the draw (as R's simulate() for a Poisson glm).
  static double simulate(double mu, double, const double*, weft::RandomStream& random) {
    return weft::draw::poisson(random, mu);
  }

  // R's poisson()$initialize: mustart = y + 0.1.
  static double initial_mean(double y, double) { return y + 0.1; }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<PoissonDensity>, "poisson", "1.0.0")
