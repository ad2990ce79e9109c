#pragma once
// Log probability mass functions for count families, templated for Ceres Jets, and the
// zero-inflation and hurdle constructions glmmTMB uses (src/glmmTMB.cpp):
//   zero-inflated: p(0) = pi + (1 - pi) f(0),  p(y > 0) = (1 - pi) f(y)
//   hurdle:        p(0) = pi,                  p(y > 0) = (1 - pi) f(y) / (1 - f(0))
// with pi the zero model's probability (logit link).
#include <weft/jet_math.hpp>

#include <cmath>

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
T log_nb2(double y, const T& mu, const T& theta) {
  T l = log_rising_factorial(theta, y) - std::lgamma(y + 1.0) - theta * log1p(mu / theta);
  if (y > 0) l += y * (log(mu) - log(theta + mu));
  return l;
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
