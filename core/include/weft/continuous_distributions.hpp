#pragma once
// Log densities of continuous families in their mean parameterisation, templated for Ceres
// Jets (T is double or a possibly nested Jet), as glmmTMB writes them (src/glmmTMB.cpp), and
// the zero-one inflation brms uses for proportions that can be exactly 0 or 1.
//   gamma:   mean mu, shape k:      Gamma(shape = k, scale = mu / k),  var = mu^2 / k
//   beta:    mean mu, precision phi: Beta(mu phi, (1 - mu) phi),      var = mu (1 - mu) / (1 + phi)
//   zero-one inflated: p(0) = zoi (1 - coi), p(1) = zoi coi, density (1 - zoi) f(y) on (0, 1)
#include <weft/jet_math.hpp>
#include <weft/random.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace weft::continuous {

using std::log;
using std::log1p;

// log Gamma(y; shape, scale = mu / shape) = k log(k / mu) + (k - 1) log y - k y / mu - lgamma(k),
// arranged as k (log r - r + 1) + (k log k - k - lgamma(k)) - log y with r = y / mu, so that
// the large terms cancel by hand: k log r - k r + k vanishes at y = mu (log1p(r - 1) - (r - 1)
// near there), and k log k - k - lgamma(k) = log sqrt(k / 2 pi) - lgamma_correction(k) for
// large k (shape 1e6: terms of 1.4e7 would otherwise leave the result to 1e-9).
template <class T>
T gamma_shape_term(const T& k) {  // k log k - k - lgamma(k)
  if (weft::value_of(k) >= 10) return 0.5 * log(k) - weft::detail::kLogSqrtTwoPi - weft::lgamma_correction(k);
  return k * log(k) - k - weft::lgamma(k);
}
template <class T>
T log_gamma_mean(double y, const T& mu, const T& shape) {
  const T d = (y - mu) / mu;  // r - 1
  const T core = std::abs(weft::value_of(d)) < 0.5 ? T(log1p(d) - d) : T(std::log(y) - log(mu) - d);
  return shape * core + gamma_shape_term(shape) - std::log(y);
}

// Gamma's derivatives in mu (shape k fixed): l_mu = k (y - mu) / mu^2, l_mumu = k (mu - 2 y) / mu^3.
inline void gamma_mu_derivatives(double y, double mu, double shape, double& l_mu, double& l_mumu) {
  l_mu = shape * ((y - mu) / mu) / mu;
  l_mumu = shape * ((mu - 2.0 * y) / mu) / mu / mu;
}

// log Beta(y; mu phi, (1 - mu) phi) (Ferrari & Cribari-Neto 2004, glmmTMB's beta_family)
//   = -lbeta(a, b) + (a - 1) log y + (b - 1) log(1 - y),  a = mu phi, b = (1 - mu) phi.
// When a or b is large, lbeta's Stirling form (R's lbeta) is expanded so that its large terms
// cancel by hand against (a - 1) log y and (b - 1) log(1 - y): what remains is
// a log(y / mu) + b log((1 - y) / (1 - mu)), zero at y = mu, plus terms of order log phi.
template <class T>
T log_beta_mean(double y, const T& mu, const T& phi) {
  using weft::lgamma;
  using weft::lgamma_correction;
  const T a = mu * phi, b = (1.0 - mu) * phi;
  const bool a_large = weft::value_of(a) >= 10, b_large = weft::value_of(b) >= 10;
  const double log_y = std::log(y), log1m_y = std::log1p(-y);
  if (a_large && b_large)
    return a * weft::log_ratio(y, mu) + b * weft::log1m_ratio(y, mu) + 0.5 * (log(mu) + log1p(-mu)) - log_y -
           log1m_y + 0.5 * log(phi) - weft::detail::kLogSqrtTwoPi - lgamma_correction(a) - lgamma_correction(b) +
           lgamma_correction(phi);
  if (b_large)  // a < 10
    return -lgamma(a) - lgamma_correction(b) + lgamma_correction(phi) - a + a * log(phi) + (a - 1.0) * log_y +
           b * weft::log1m_ratio(y, mu) + 0.5 * log1p(-mu) - log1m_y;
  if (a_large)  // b < 10
    return -lgamma(b) - lgamma_correction(a) + lgamma_correction(phi) - b + b * log(phi) + (b - 1.0) * log1m_y +
           a * weft::log_ratio(y, mu) + 0.5 * log(mu) - log_y;
  return lgamma(phi) - lgamma(a) - lgamma(b) + (a - 1.0) * log_y + (b - 1.0) * log1m_y;
}

// Zero-one inflation (brms's zero_one_inflated_beta): the point masses at 0 and 1 come from
// zoi (the probability of 0 or 1) and coi (the conditional probability of 1 given 0 or 1);
// `log_f` is the continuous part's log density at y, used only for 0 < y < 1.
template <class T>
T log_zero_one_inflated(double y, const T& zoi, const T& coi, const T& log_f) {
  if (y == 0) return log(zoi) + log1p(-coi);
  if (y == 1) return log(zoi) + log(coi);
  return log1p(-zoi) + log_f;
}

// E[y] of a zero-one-inflated distribution whose continuous part has mean mu.
inline double zero_one_inflated_mean(double mu, double zoi, double coi) { return (1.0 - zoi) * mu + zoi * coi; }

// Var(y) of Beta(mu phi, (1 - mu) phi).
inline double beta_variance(double mu, double phi) { return mu * (1.0 - mu) / (1.0 + phi); }

// A draw of Beta(mu phi, (1 - mu) phi) kept inside (0, 1) (a draw with a tiny shape can round to
// 0 or 1, which the family's response check refuses).
inline double draw_beta(RandomStream& random, double mu, double phi) {
  const double y = draw::beta(random, mu * phi, (1.0 - mu) * phi);
  return std::clamp(y, std::numeric_limits<double>::min(), 1.0 - std::numeric_limits<double>::epsilon() / 2);
}

// Var(y) of the zero-one-inflated beta: E[y^2] - E[y]^2 over its three parts.
inline double zero_one_inflated_variance(double mu, double phi, double zoi, double coi) {
  const double mean = zero_one_inflated_mean(mu, zoi, coi);
  const double second = (1.0 - zoi) * (beta_variance(mu, phi) + mu * mu) + zoi * coi;
  return second - mean * mean;
}

}  // namespace weft::continuous
