#pragma once
// What the deliberately broken test families share: a Poisson-like count density with a log
// link and no parameters. Each test plugin derives and breaks one thing.
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/response_checks.hpp>

#include <cmath>

namespace weft_test {

struct CountDensityBase {
  static constexpr weft::Support support = weft::Support::Counts;
  static constexpr const char* default_link = "log";
  static std::vector<std::string> links() { return {"log"}; }
  static std::vector<weft::FamilyParameterInfo> parameters() { return {}; }
  template <class T>
  static T log_density(double y, double w, const T& mu, const T*) {
    return w * weft::counts::log_poisson(y, mu);
  }
  static std::optional<std::string> check(double y, double) { return weft::check_count(y); }
  static double initial_mean(double y, double) { return y + 0.1; }
};

}  // namespace weft_test
