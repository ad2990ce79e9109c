// Negative binomial with linear variance (NB1): var = mu (1 + phi), glmmTMB's nbinom1.
// The negative binomial's size is mu / phi, so it changes with the mean; there is no
// closed-form expected information, so `hessian: expected` falls back to the observed one.
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

  template <class T>
  static T log_density(double y, double w, const T& mu, const T* params) {
    return w * weft::counts::log_nb1(y, mu, params[0]);
  }
  static std::optional<std::string> check(double y, double w) {
    if (auto bad = weft::check_weight(w)) return bad;
    return weft::check_count(y);
  }
  static double initial_mean(double y, double) { return y + 0.1; }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<NegativeBinomial1Density>, "nb1", "1.0.0")
