#pragma once
// Special functions for Ceres Jets (which lack them) so that families can use lgamma and
// friends in a templated log density: weft::lgamma(x) works for double and for (nested) Jets.
//
// d/dx lgamma = digamma = polygamma(0); d/dx polygamma(n) = polygamma(n + 1), values from
// Boost.Math.
#include <ceres/jet.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <optional>
#include <string>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/polygamma.hpp>

// Ceres defines Jet<T, N> op T, but for nested Jets (Jet<Jet<double, 1>, 1>, used for second
// derivatives) a plain double is not T. These overloads let a templated density write
// `y * log(mu)` whatever T is. They live in namespace ceres so argument-dependent lookup
// finds them.
namespace ceres {

template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator+(const Jet<T, N>& f, double s) { return f + Jet<T, N>(T(s)); }
template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator+(double s, const Jet<T, N>& f) { return Jet<T, N>(T(s)) + f; }
template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator-(const Jet<T, N>& f, double s) { return f - Jet<T, N>(T(s)); }
template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator-(double s, const Jet<T, N>& f) { return Jet<T, N>(T(s)) - f; }
template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator*(const Jet<T, N>& f, double s) { return f * Jet<T, N>(T(s)); }
template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator*(double s, const Jet<T, N>& f) { return Jet<T, N>(T(s)) * f; }
template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator/(const Jet<T, N>& f, double s) { return f / Jet<T, N>(T(s)); }
template <class T, int N>
  requires(!std::is_same_v<T, double>)
Jet<T, N> operator/(double s, const Jet<T, N>& f) { return Jet<T, N>(T(s)) / f; }

}  // namespace ceres

namespace weft {

namespace detail {
// Boost.Math throws on overflow and poles by default (digamma(1e-310), trigamma(1e-160)); a
// family must return a non-finite value there instead, as std::lgamma does, so that the
// kernel can step back rather than end the fit.
using NonThrowingPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::rounding_error<boost::math::policies::ignore_error>>;
}  // namespace detail

inline double polygamma(int n, double x) {
  if (std::isnan(x)) return x;  // (Boost would raise a rounding error whatever the policy)
  return n == 0 ? boost::math::digamma(x, detail::NonThrowingPolicy())
                : boost::math::polygamma(n, x, detail::NonThrowingPolicy());
}

template <class T, int N>
ceres::Jet<T, N> polygamma(int n, const ceres::Jet<T, N>& x) {
  return ceres::Jet<T, N>(polygamma(n, x.a), polygamma(n + 1, x.a) * x.v);
}

// lgamma_r: std::lgamma writes the global signgam, a data race when families evaluate on
// several threads (profiles, bootstrap replicates, OpenMP rows).
inline double lgamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

template <class T, int N>
ceres::Jet<T, N> lgamma(const ceres::Jet<T, N>& x) {
  return ceres::Jet<T, N>(lgamma(x.a), polygamma(0, x.a) * x.v);
}

template <class T>
T digamma(const T& x) {
  return polygamma(0, x);
}

// The plain value of a double or (nested) Jet.
inline double value_of(double x) { return x; }
template <class T, int N>
double value_of(const ceres::Jet<T, N>& x) {
  return value_of(x.a);
}

// A constant of type T (double or a Jet of any depth, all derivatives zero).
template <class T>
T constant(double x) {
  if constexpr (std::is_same_v<T, double>)
    return x;
  else
    return T(constant<typename T::Scalar>(x));
}

namespace detail {
// Stirling's series lgamma(x) ~ (x - 1/2) log x - x + log sqrt(2 pi) + sum_k c_k x^(1 - 2k),
// c_k = B_2k / (2k (2k - 1)); eight terms are exact to double precision for x >= 10.
inline constexpr double kStirling[] = {1.0 / 12,        -1.0 / 360,  1.0 / 1260,  -1.0 / 1680,
                                       1.0 / 1188,      -691.0 / 360360, 1.0 / 156, -3617.0 / 122400};
// Bernoulli numbers B_2k, k = 1..8.
inline constexpr double kBernoulli[] = {1.0 / 6,    -1.0 / 30,      1.0 / 42, -1.0 / 30,
                                        5.0 / 66,   -691.0 / 2730,  7.0 / 6,  -3617.0 / 510};
inline constexpr double kLogSqrtTwoPi = 0.91893853320467274178;
}  // namespace detail

// lgamma(x) minus Stirling's approximation (x - 1/2) log x - x + log sqrt(2 pi), for x >= 10
// (R's lgammacor): what is left of lgamma when the large terms are cancelled by hand.
template <class T>
T lgamma_correction(const T& x) {
  const T r = 1.0 / x, r2 = r * r;
  T s = constant<T>(detail::kStirling[7]);
  for (int k = 6; k >= 0; --k) s = detail::kStirling[k] + r2 * s;
  return r * s;
}

// psi^(n)(x + y) - psi^(n)(x) for x > 0, y >= 0, where psi^(-1) = lgamma, psi^(0) = digamma,
// psi^(1) = trigamma, ... (n <= 3): log Gamma(x + y) / Gamma(x) and its derivatives in x.
// Accurate when y is small next to x, where the plain difference cancels (lgamma(x + y) -
// lgamma(x) with x = 1e8 loses 8 digits): a sum over k < y of log(x + k), 1 / (x + k), ... for
// whole y < 64; for x >= 20 the difference of the asymptotic series, term by term as
// x^-m ((1 + y / x)^-m - 1) = x^-m expm1(-m log1p(y / x)); otherwise (x < 20, where the
// values do not cancel) the difference of lgamma, digamma and polygamma.
inline double polygamma_difference(int n, double x, double y) {
  if (y == 0) return 0.0;
  double factorial = 1;  // n!
  for (int j = 2; j <= n; ++j) factorial *= j;
  if (y < 64 && y == std::round(y)) {
    double s = 0;
    if (n == -1)
      for (double k = 0; k < y; ++k) s += std::log(x + k);
    else if (n == 0)
      for (double k = 0; k < y; ++k) s += 1.0 / (x + k);
    else if (n == 1)
      for (double k = 0; k < y; ++k) s -= 1.0 / ((x + k) * (x + k));
    else {
      for (double k = 0; k < y; ++k) s += std::pow(x + k, -(n + 1));
      s *= (n % 2 == 0 ? factorial : -factorial);  // (-1)^n n!
    }
    return s;
  }
  if (x >= 20) {
    // Terms fall by about (2k / 2 pi x)^2 each; stop once they no longer change the sum.
    const double t = std::log1p(y / x), r = 1.0 / x, r2 = r * r;
    double s = 0, power = 1;  // power = x^-m for the term's m
    if (n == -1) {
      s = (x - 0.5) * t + y * (std::log(x + y) - 1.0);
      power = r;
      for (int k = 1; k <= 8; ++k, power *= r2) {  // c_k ((x + y)^-(2k-1) - x^-(2k-1))
        const double term = detail::kStirling[k - 1] * power * std::expm1(-(2 * k - 1) * t);
        s += term;
        if (std::abs(term) <= 1e-17 * std::abs(s)) break;
      }
    } else if (n == 0) {
      s = t - 0.5 * r * std::expm1(-t);
      power = r2;
      for (int k = 1; k <= 8; ++k, power *= r2) {  // B_2k / 2k ((x + y)^-2k - x^-2k)
        const double term = detail::kBernoulli[k - 1] / (2 * k) * power * std::expm1(-2 * k * t);
        s -= term;
        if (std::abs(term) <= 1e-17 * std::abs(s)) break;
      }
    } else {
      // psi^(n)(x) ~ (-1)^(n+1) [(n-1)! x^-n + n!/2 x^-(n+1) + sum_k B_2k (2k+n-1)!/(2k)! x^-(2k+n)]
      power = std::pow(r, n);
      s = factorial / n * power * std::expm1(-n * t) + factorial / 2 * power * r * std::expm1(-(n + 1) * t);
      power *= r2;
      for (int k = 1; k <= 8; ++k, power *= r2) {
        double ratio = 1;  // (2k + n - 1)! / (2k)!
        for (int j = 2 * k + 1; j <= 2 * k + n - 1; ++j) ratio *= j;
        const double term = detail::kBernoulli[k - 1] * ratio * power * std::expm1(-(2 * k + n) * t);
        s += term;
        if (std::abs(term) <= 1e-17 * std::abs(s)) break;
      }
      if (n % 2 == 0) s = -s;
    }
    return s;
  }
  if (n == -1) return weft::lgamma(x + y) - weft::lgamma(x);
  return polygamma(n, x + y) - polygamma(n, x);
}

template <class T, int N>
ceres::Jet<T, N> polygamma_difference(int n, const ceres::Jet<T, N>& x, double y) {
  return ceres::Jet<T, N>(polygamma_difference(n, x.a, y), polygamma_difference(n + 1, x.a, y) * x.v);
}

// log Gamma(x + y) / Gamma(x) (the log of the rising factorial x (x + 1) ... (x + y - 1)).
template <class T>
T lgamma_difference(const T& x, double y) {
  return polygamma_difference(-1, x, y);
}

// log Beta(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b) without the cancellation of large
// lgamma values when a or b is large (R's lbeta).
template <class T>
T log_beta(const T& a, const T& b) {
  using std::log;
  using std::log1p;
  const bool a_smaller = value_of(a) < value_of(b);
  const T& p = a_smaller ? a : b;  // the smaller
  const T& q = a_smaller ? b : a;
  const T sum = p + q;
  if (value_of(p) >= 10)
    return -0.5 * log(q) + detail::kLogSqrtTwoPi + lgamma_correction(p) + lgamma_correction(q) -
           lgamma_correction(sum) + (p - 0.5) * log(p / sum) + q * log1p(-p / sum);
  if (value_of(q) >= 10)
    return lgamma(p) + lgamma_correction(q) - lgamma_correction(sum) + p - p * log(sum) +
           (q - 0.5) * log1p(-p / sum);
  return lgamma(p) + lgamma(q) - lgamma(sum);
}

// log(v / u) for v (a double) and u near each other or not: log1p((v - u) / u) when the ratio
// is near 1, where log v - log u would cancel.
template <class T>
T log_ratio(double v, const T& u) {
  using std::log;
  using std::log1p;
  const T d = (v - u) / u;
  if (std::abs(value_of(d)) < 0.5) return log1p(d);
  return std::log(v) - log(u);
}

// log((1 - v) / (1 - u)) likewise, from v - u rather than from 1 - v and 1 - u (1 - u rounds
// when u < 1/2, and the rounding would be magnified by the near-cancellation).
template <class T>
T log1m_ratio(double v, const T& u) {
  using std::log1p;
  const T one_minus_u = 1.0 - u;
  const T d = (u - v) / one_minus_u;
  if (std::abs(value_of(d)) < 0.5) return log1p(d);
  return std::log1p(-v) - log1p(-u);
}

// The log of the inverse logit, log(1 / (1 + exp(-x))), and log(1 - that) = log_inverse_logit(-x),
// accurate for any x (no 1 - p rounding to 0).
inline double log_inverse_logit(double x) {
  return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
}

// A zero-model probability pi with log(pi) and log(1 - pi) computed from its logit, so that
// they stay finite and accurate when pi is within rounding of 0 or 1 (pi = 1 / (1 + e^-40)
// is 1.0 in double, while log(1 - pi) = -40).
struct ZeroProbability {
  double p = 0.0;
  double log_p = -HUGE_VAL;
  double log1m_p = 0.0;

  static ZeroProbability from_logit(double eta) {
    return {eta >= 0 ? 1.0 / (1.0 + std::exp(-eta)) : std::exp(eta) / (1.0 + std::exp(eta)),
            log_inverse_logit(eta), log_inverse_logit(-eta)};
  }
  static ZeroProbability from_probability(double pi) { return {pi, std::log(pi), std::log1p(-pi)}; }
};

}  // namespace weft

namespace weft {

// log choose(n, k) for the binomial normalising constant, with n and k rounded as R's
// binomial()$aic does (dbinom(round(m y), round(m), mu)); -log(n + 1) - lbeta(k + 1, n - k + 1)
// as R's lchoose, which keeps its digits for large n (three lgamma values of 2e10 at n = 1e9
// would leave six).
inline double log_choose(double n, double k) {
  if (k < 0.5 || k > n - 0.5) return 0.0;  // choose(n, 0) = choose(n, n) = 1 (binary data: always)
  n = std::round(n);
  k = std::round(k);
  if (k < 2 || n - k < 2) return std::log(n);  // choose(n, 1) = n
  return -std::log1p(n) - log_beta(k + 1.0, n - k + 1.0);
}

}  // namespace weft
