#pragma once
// Log densities of continuous families in their mean parameterisation, templated for Ceres
// Jets (T is double or a possibly nested Jet), as glmmTMB writes them (src/glmmTMB.cpp), and
// the zero-one inflation brms uses for proportions that can be exactly 0 or 1.
//   gamma:   mean mu, shape k:      Gamma(shape = k, scale = mu / k),  var = mu^2 / k
//   beta:    mean mu, precision phi: Beta(mu phi, (1 - mu) phi),      var = mu (1 - mu) / (1 + phi)
//   zero-one inflated: p(0) = zoi (1 - coi), p(1) = zoi coi, density (1 - zoi) f(y) on (0, 1)
#include <weft/jet_math.hpp>

#include <cmath>

namespace weft::continuous {

using std::log;
using std::log1p;

// log Gamma(y; shape, scale = mu / shape) = k log(k / mu) + (k - 1) log y - k y / mu - lgamma(k)
template <class T>
T log_gamma_mean(double y, const T& mu, const T& shape) {
  return shape * (log(shape) - log(mu)) + (shape - 1.0) * std::log(y) - shape * y / mu - weft::lgamma(shape);
}

// log Beta(y; mu phi, (1 - mu) phi) (Ferrari & Cribari-Neto 2004, glmmTMB's beta_family)
template <class T>
T log_beta_mean(double y, const T& mu, const T& phi) {
  const T a = mu * phi, b = (1.0 - mu) * phi;
  return weft::lgamma(phi) - weft::lgamma(a) - weft::lgamma(b) + (a - 1.0) * std::log(y) +
         (b - 1.0) * std::log1p(-y);
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

}  // namespace weft::continuous
