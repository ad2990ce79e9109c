// Hurdle Poisson (glmmTMB's truncated_poisson with ziformula): zi models P(y = 0), positives are zero-truncated Poisson.
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

namespace {

using namespace weft::counts;

struct Density {
  static constexpr const char* name = "hurdle_poisson";
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static constexpr bool zero_model = true;
  static std::vector<std::string> links() { return {"log"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() {
    return {};
  }

  template <class T>
  static T log_density(double y, double w, const T& mu, const T& pi, const T* params) {
    (void)params;
    return w * log_hurdle(y, pi, log_poisson(y, mu), log_poisson(0.0, mu));
  }
  static double mean(double mu, double pi, const double* params) {
    (void)params;
    const double p0 = std::exp(-mu);
    return (1.0 - pi) * mu / (1.0 - p0);  // mean of the zero-truncated part
  }
  static std::optional<std::string> check(double y, double w) {
    if (!(w >= 0)) return "weights must be non-negative";
    return weft::check_count(y);
  }
  static double initial_mean(double y, double) { return y + 0.1; }
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<Density>, "hurdle_poisson", "1.0.0")
