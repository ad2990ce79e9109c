#pragma once
// Log probability mass functions for count families, templated for Ceres Jets, and the
// zero-inflation and hurdle constructions glmmTMB uses (src/glmmTMB.cpp):
//   zero-inflated: p(0) = pi + (1 - pi) f(0),  p(y > 0) = (1 - pi) f(y)
//   hurdle:        p(0) = pi,                  p(y > 0) = (1 - pi) f(y) / (1 - f(0))
// with pi the zero model's probability (logit link), given to the densities as a
// ZeroProbability (pi, log pi, log(1 - pi) from the logit) so that pi near 0 or 1 stays exact.
#include <weft/family.hpp>
#include <weft/jet_math.hpp>
#include <weft/random.hpp>
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

// log(Gamma(theta + y) / Gamma(theta)) for a count y, accurate on both sides of its switch
// from a sum of logs (y < 64) to series: when theta is large next to y (NB2 near the Poisson,
// NB1's size mu / phi with small phi) lgamma(theta + y) - lgamma(theta) would cancel.
template <class T>
T log_rising_factorial(const T& theta, double y) {
  return weft::lgamma_difference(theta, y);
}

// log Poisson(y; mu) = y log mu - mu - log y!
template <class T>
T log_poisson(double y, const T& mu) {
  T l = -mu - weft::lgamma(y + 1.0);
  if (y > 0) l += y * log(mu);
  return l;
}

// log NB2(y; mu, theta), var = mu + mu^2 / theta (glmmTMB's nbinom2, R's dnbinom(size = theta, mu)):
//   lgamma(y + theta) - lgamma(theta) - log y! + theta log(theta / (theta + mu)) + y log(mu / (theta + mu))
// with theta log(theta / (theta + mu)) = -theta log1p(mu / theta) and y log(mu / (theta + mu)) =
// -y log1p(theta / mu): no cancellation when theta is large (NB2 approaches the Poisson) or
// small next to mu, in the value or its derivatives.
template <class T>
T log_nb2_without_factorial(double y, const T& mu, const T& theta) {
  T l = log_rising_factorial(theta, y) - theta * log1p(mu / theta);
  if (y > 0) l -= y * log1p(theta / mu);
  return l;
}
template <class T>
T log_nb2(double y, const T& mu, const T& theta) {
  return log_nb2_without_factorial(y, mu, theta) - weft::lgamma(y + 1.0);
}

// NB2's derivatives in mu (theta fixed), written so that nothing overflows or cancels for mu
// and theta far apart: with t = theta / (theta + mu) and r = y / mu,
//   l_mu = t (r - 1),  l_mumu = -t (r (theta / mu + 2) - 1) / (theta + mu).
inline void nb2_mu_derivatives(double y, double mu, double theta, double& l_mu, double& l_mumu) {
  const double t = theta / (theta + mu), r = y / mu;
  l_mu = t * (r - 1.0);
  l_mumu = -t * (r * (theta / mu + 2.0) - 1.0) / (theta + mu);
}

// log NB1(y; mu, phi), var = mu (1 + phi) (glmmTMB's nbinom1): a negative binomial whose size
// s = mu / phi grows with the mean, so that the variance/mean ratio 1 + phi is constant. With
// s / (s + mu) = 1 / (1 + phi) the log density is
//   lgamma(s + y) - lgamma(s) - log y! - s log1p(phi) - y log1p(1 / phi),
// in which mu enters through s alone.
template <class T>
T log_nb1_without_factorial(double y, const T& mu, const T& phi) {
  T l = log_rising_factorial(T(mu / phi), y) - mu / phi * log1p(phi);
  if (y > 0) l -= y * log1p(1.0 / phi);
  return l;
}
template <class T>
T log_nb1(double y, const T& mu, const T& phi) {
  return log_nb1_without_factorial(y, mu, phi) - weft::lgamma(y + 1.0);
}

// NB1's derivatives in mu: l_mu = (psi(s + y) - psi(s) - log1p(phi)) / phi and
// l_mumu = (psi'(s + y) - psi'(s)) / phi^2, the differences taken without cancellation.
inline void nb1_mu_derivatives(double y, double mu, double phi, double& l_mu, double& l_mumu) {
  const double s = mu / phi;
  l_mu = (weft::polygamma_difference(0, s, y) - std::log1p(phi)) / phi;
  l_mumu = weft::polygamma_difference(1, s, y) / phi / phi;
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

// Zero-inflated log probability from the base distribution's log f(y) and log f(0), with the
// zero probability given by log pi and log(1 - pi) (exact when pi is within rounding of 0 or 1).
template <class T>
T log_zero_inflated(double y, const weft::ZeroProbability& pi, const T& log_f_y, const T& log_f_0) {
  if (y == 0) return log_sum_exp(weft::constant<T>(pi.log_p), T(pi.log1m_p + log_f_0));
  return pi.log1m_p + log_f_y;
}
template <class T>
T log_zero_inflated(double y, const T& pi, const T& log_f_y, const T& log_f_0) {
  if (y == 0) return log_sum_exp(T(log(pi)), T(log1p(-pi) + log_f_0));
  return log1p(-pi) + log_f_y;
}

// Hurdle log probability: zeros come from the zero model alone, positives from the
// zero-truncated base distribution.
template <class T>
T log_hurdle(double y, const weft::ZeroProbability& pi, const T& log_f_y, const T& log_f_0) {
  if (y == 0) return weft::constant<T>(pi.log_p);
  return pi.log1m_p + log_f_y - log1m_exp(log_f_0);
}
template <class T>
T log_hurdle(double y, const T& pi, const T& log_f_y, const T& log_f_0) {
  if (y == 0) return log(pi);
  return log1p(-pi) + log_f_y - log1m_exp(log_f_0);
}

}  // namespace weft::counts

namespace weft::counts {

// Count distributions as building blocks for zero-inflated and hurdle families: log f(y) + log y!
// (log_pmf_without_factorial; -log y! is the families' log_constant, and f(0) has none) and the
// family parameters they take (NB2: theta).
struct PoissonPmf {
  static std::vector<FamilyParameterInfo> parameters() { return {}; }
  template <class T>
  static T log_pmf_without_factorial(double y, const T& mu, const T*) {
    T l = -mu;
    if (y > 0) l += y * log(mu);
    return l;
  }
  template <class T>
  static T log_pmf(double y, const T& mu, const T*) { return log_poisson(y, mu); }
  static double variance(double mu, const double*) { return mu; }
  static double draw(RandomStream& random, double mu, const double*) { return weft::draw::poisson(random, mu); }
};
struct NegativeBinomial2Pmf {
  static std::vector<FamilyParameterInfo> parameters() { return {{"theta", ParameterScale::Log, 1.0}}; }
  template <class T>
  static T log_pmf_without_factorial(double y, const T& mu, const T* params) {
    return log_nb2_without_factorial(y, mu, params[0]);
  }
  template <class T>
  static T log_pmf(double y, const T& mu, const T* params) { return log_nb2(y, mu, params[0]); }
  static double variance(double mu, const double* params) { return mu + mu * mu / params[0]; }
  static double draw(RandomStream& random, double mu, const double* params) {
    return weft::draw::negative_binomial(random, mu, params[0]);
  }
};

// A draw of the base distribution given y > 0 (the hurdle's positive part): rejection while
// zeros are not overwhelming, else inversion over y = 1, 2, ... (then the mean is small).
template <class Pmf>
double draw_positive(RandomStream& random, double mu, const double* params) {
  const double f0 = std::exp(Pmf::log_pmf(0.0, mu, params));
  if (f0 < 0.999)
    for (int attempt = 0; attempt < 100000; ++attempt)
      if (const double y = Pmf::draw(random, mu, params); y > 0) return y;
  const double u = weft::draw::uniform(random) * -std::expm1(Pmf::log_pmf(0.0, mu, params));
  double cumulative = 0, y = 1;
  for (; y < 1e7; ++y) {
    cumulative += std::exp(Pmf::log_pmf(y, mu, params));
    if (cumulative >= u) break;
  }
  return y;
}

// The parts every count family with a zero model shares (an AutoDiffFamily density without
// its name): log link, count responses, R's mustart.
template <class Pmf>
struct ZeroModelCountDensity {
  static constexpr Support support = Support::Counts;
  static constexpr const char* default_link = "log";
  static constexpr bool zero_model = true;
  static std::vector<std::string> links() { return {"log"}; }
  static std::vector<FamilyParameterInfo> parameters() { return Pmf::parameters(); }
  static std::optional<std::string> check(double y, double /*w: checked by the adapter*/) {
    return check_count(y);
  }
  static double initial_mean(double y, double) { return y + 0.1; }
  // -w log y!, left out of log_density (p(0) has no factorial: log 0! = 0).
  static double log_constant(double y, double w) { return -w * weft::lgamma(y + 1.0); }
};

// Zero-inflated: p(0) = pi + (1 - pi) f(0), p(y > 0) = (1 - pi) f(y); mean (1 - pi) mu.
template <class Pmf>
struct ZeroInflated : ZeroModelCountDensity<Pmf> {
  template <class T>
  static T log_density(double y, double w, const T& mu, const ZeroProbability& pi, const T* params) {
    return w * log_zero_inflated(y, pi, Pmf::log_pmf_without_factorial(y, mu, params),
                                 Pmf::log_pmf_without_factorial(0.0, mu, params));
  }
  static double mean(double mu, double pi, const double*) { return (1.0 - pi) * mu; }
  static double simulate(double mu, double, double pi, const double* params, RandomStream& random) {
    return weft::draw::bernoulli(random, pi) ? 0.0 : Pmf::draw(random, mu, params);
  }
  // (1 - pi) E[f^2] - ((1 - pi) mu)^2
  static double response_variance(double mu, double pi, const double* params) {
    return (1.0 - pi) * (Pmf::variance(mu, params) + mu * mu) - (1.0 - pi) * (1.0 - pi) * mu * mu;
  }
};

// Hurdle: p(0) = pi, p(y > 0) = (1 - pi) f(y) / (1 - f(0)); mean (1 - pi) mu / (1 - f(0)).
template <class Pmf>
struct Hurdle : ZeroModelCountDensity<Pmf> {
  template <class T>
  static T log_density(double y, double w, const T& mu, const ZeroProbability& pi, const T* params) {
    return w * log_hurdle(y, pi, Pmf::log_pmf_without_factorial(y, mu, params),
                          Pmf::log_pmf_without_factorial(0.0, mu, params));
  }
  static double mean(double mu, double pi, const double* params) {
    return (1.0 - pi) * mu / -std::expm1(Pmf::log_pmf(0.0, mu, params));
  }
  static double simulate(double mu, double, double pi, const double* params, RandomStream& random) {
    return weft::draw::bernoulli(random, pi) ? 0.0 : draw_positive<Pmf>(random, mu, params);
  }
  // The positive part's moments are the base distribution's divided by 1 - f(0).
  static double response_variance(double mu, double pi, const double* params) {
    const double positive = -std::expm1(Pmf::log_pmf(0.0, mu, params));
    const double mean = (1.0 - pi) * mu / positive;
    return (1.0 - pi) * (Pmf::variance(mu, params) + mu * mu) / positive - mean * mean;
  }
};

}  // namespace weft::counts
