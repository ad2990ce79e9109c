// Zero-one-inflated beta as brms's zero_one_inflated_beta: with probability zoi the response
// is 0 or 1 (1 with probability coi), otherwise Beta(mu phi, (1 - mu) phi) on (0, 1):
//   p(0) = zoi (1 - coi),  p(1) = zoi coi,  f(y) = (1 - zoi) Beta(y; mu phi, (1 - mu) phi).
// zoi and coi are constants (no formula); E[y] = (1 - zoi) mu + zoi coi.
#include <weft/autodiff_family.hpp>
#include <weft/continuous_distributions.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

namespace {

using namespace weft::continuous;

struct ZeroOneInflatedBetaDensity {
  static constexpr const char* name = "zoib";
  static constexpr weft::Support support = weft::Support::ClosedUnitInterval;
  static constexpr const char* default_link = "logit";
  static std::vector<std::string> links() { return {"logit", "probit", "cloglog"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() {
    return {{"phi", weft::ParameterScale::Log, 1.0},
            {"zoi", weft::ParameterScale::Logit, 0.1},
            {"coi", weft::ParameterScale::Logit, 0.5}};
  }

  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    const T& phi = params[0];
    const T& zoi = params[1];
    const T& coi = params[2];
    const bool boundary = y == 0 || y == 1;
    return w * log_zero_one_inflated(y, zoi, coi, boundary ? T(mu * 0.0) : log_beta_mean(y, mu, phi));
  }
  static double mean(double mu, double, const double* params) {
    return zero_one_inflated_mean(mu, params[1], params[2]);
  }
  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    return weft::check_closed_unit_interval(y);
  }
  // 0 or 1 with probability zoi (1 with probability coi), else the beta part.
  static double simulate(double mu, double, const double* params, weft::RandomStream& random) {
    if (weft::draw::bernoulli(random, params[1])) return weft::draw::bernoulli(random, params[2]) ? 1.0 : 0.0;
    return draw_beta(random, mu, params[0]);
  }
  static double response_variance(double mu, double, const double* params) {
    return zero_one_inflated_variance(mu, params[0], params[1], params[2]);
  }
  // The mean of the beta part starts at y; a 0 or 1 does not inform it.
  static double initial_mean(double y, double) { return (y > 0 && y < 1) ? y : 0.5; }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<ZeroOneInflatedBetaDensity>, "zoib", "1.0.0")
