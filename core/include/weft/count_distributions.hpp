#pragma once
// Log probability mass functions for count families, templated for Ceres Jets, and the
// zero-inflation and hurdle constructions glmmTMB uses (src/glmmTMB.cpp):
//   zero-inflated: p(0) = pi + (1 - pi) f(0),  p(y > 0) = (1 - pi) f(y)
//   hurdle:        p(0) = pi,                  p(y > 0) = (1 - pi) f(y) / (1 - f(0))
// with pi the zero model's probability (logit link).
#include <weft/family.hpp>
#include <weft/jet_math.hpp>
#include <weft/response_checks.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace weft::counts {

using std::exp;
using std::expm1;
using std::log;
using std::log1p;

// log(Gamma(theta + y) / Gamma(theta)) for a count y: a sum of logs for small y, which keeps
// its precision when theta is large (lgamma(theta + y) - lgamma(theta) would cancel).
template <class T>
T log_rising_factorial(const T& theta, double y) {
  if (y < 64) {
    T sum = theta * 0.0;  // a zero of type T (Jets of any depth)
    for (double k = 0; k < y; ++k) sum += log(theta + k);
    return sum;
  }
  return weft::lgamma(theta + y) - weft::lgamma(theta);
}

// log Poisson(y; mu) = y log mu - mu - log y!
template <class T>
T log_poisson(double y, const T& mu) {
  T l = -mu - std::lgamma(y + 1.0);
  if (y > 0) l += y * log(mu);
  return l;
}

// log NB2(y; mu, theta), var = mu + mu^2 / theta (glmmTMB's nbinom2, R's dnbinom(size = theta, mu)):
//   lgamma(y + theta) - lgamma(theta) - log y! + theta log(theta / (theta + mu)) + y log(mu / (theta + mu))
// (theta log(theta / (theta + mu)) is written -theta log1p(mu / theta): no cancellation when
// theta is large, where NB2 approaches the Poisson.)
template <class T>
T log_nb2_without_factorial(double y, const T& mu, const T& theta) {
  T l = log_rising_factorial(theta, y) - theta * log1p(mu / theta);
  if (y > 0) l += y * (log(mu) - log(theta + mu));
  return l;
}
template <class T>
T log_nb2(double y, const T& mu, const T& theta) {
  return log_nb2_without_factorial(y, mu, theta) - std::lgamma(y + 1.0);
}

// log NB1(y; mu, phi), var = mu (1 + phi) (glmmTMB's nbinom1): a negative binomial whose size
// mu / phi grows with the mean, so that the variance/mean ratio 1 + phi is constant.
template <class T>
T log_nb1(double y, const T& mu, const T& phi) {
  return log_nb2(y, mu, T(mu / phi));
}

// log(exp(a) + exp(b)) without overflow.
template <class T>
T log_sum_exp(const T& a, const T& b) {
  const bool a_larger = weft::value_of(a) > weft::value_of(b);
  const T& top = a_larger ? a : b;
  const T& other = a_larger ? b : a;
  return top + log1p(exp(other - top));
}

// log(1 - exp(a)) for a < 0, accurate at both ends (Maechler 2012, "Accurately computing log(1 - exp(-|a|))").
template <class T>
T log1m_exp(const T& a) {
  if (weft::value_of(a) > -0.6931471805599453) return log(-expm1(a));
  return log1p(-exp(a));
}

// Zero-inflated log probability from the base distribution's log f(y) and log f(0).
template <class T>
T log_zero_inflated(double y, const T& pi, const T& log_f_y, const T& log_f_0) {
  if (y == 0) return log_sum_exp(T(log(pi)), T(log1p(-pi) + log_f_0));
  return log1p(-pi) + log_f_y;
}

// Hurdle log probability: zeros come from the zero model alone, positives from the
// zero-truncated base distribution.
template <class T>
T log_hurdle(double y, const T& pi, const T& log_f_y, const T& log_f_0) {
  if (y == 0) return log(pi);
  return log1p(-pi) + log_f_y - log1m_exp(log_f_0);
}

}  // namespace weft::counts

namespace weft::counts {

// Count distributions as building blocks for zero-inflated and hurdle families: log f(y) and
// the number of family parameters they take (NB2: theta).
struct PoissonPmf {
  static std::vector<FamilyParameterInfo> parameters() { return {}; }
  template <class T>
  static T log_pmf(double y, const T& mu, const T*) { return log_poisson(y, mu); }
};
struct NegativeBinomial2Pmf {
  static std::vector<FamilyParameterInfo> parameters() { return {{"theta", ParameterScale::Log, 1.0}}; }
  template <class T>
  static T log_pmf(double y, const T& mu, const T* params) { return log_nb2(y, mu, params[0]); }
};

// The parts every count family with a zero model shares (an AutoDiffFamily density without
// its name): log link, count responses, R's mustart.
template <class Pmf>
struct ZeroModelCountDensity {
  static constexpr Support support = Support::Counts;
  static constexpr const char* default_link = "log";
  static constexpr bool zero_model = true;
  static std::vector<std::string> links() { return {"log"}; }
  static std::vector<FamilyParameterInfo> parameters() { return Pmf::parameters(); }
  static std::optional<std::string> check(double y, double w) {
    if (!(w >= 0)) return "weights must be non-negative";
    return check_count(y);
  }
  static double initial_mean(double y, double) { return y + 0.1; }
};

// Zero-inflated: p(0) = pi + (1 - pi) f(0), p(y > 0) = (1 - pi) f(y); mean (1 - pi) mu.
template <class Pmf>
struct ZeroInflated : ZeroModelCountDensity<Pmf> {
  template <class T>
  static T log_density(double y, double w, const T& mu, const T& pi, const T* params) {
    return w * log_zero_inflated(y, pi, Pmf::log_pmf(y, mu, params), Pmf::log_pmf(0.0, mu, params));
  }
  static double mean(double mu, double pi, const double*) { return (1.0 - pi) * mu; }
};

// Hurdle: p(0) = pi, p(y > 0) = (1 - pi) f(y) / (1 - f(0)); mean (1 - pi) mu / (1 - f(0)).
template <class Pmf>
struct Hurdle : ZeroModelCountDensity<Pmf> {
  template <class T>
  static T log_density(double y, double w, const T& mu, const T& pi, const T* params) {
    return w * log_hurdle(y, pi, Pmf::log_pmf(y, mu, params), Pmf::log_pmf(0.0, mu, params));
  }
  static double mean(double mu, double pi, const double* params) {
    return (1.0 - pi) * mu / (1.0 - std::exp(Pmf::log_pmf(0.0, mu, params)));
  }
};

}  // namespace weft::counts
