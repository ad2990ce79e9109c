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

inline double polygamma(int n, double x) {
  return n == 0 ? boost::math::digamma(x) : boost::math::polygamma(n, x);
}

template <class T, int N>
ceres::Jet<T, N> polygamma(int n, const ceres::Jet<T, N>& x) {
  return ceres::Jet<T, N>(polygamma(n, x.a), polygamma(n + 1, x.a) * x.v);
}

inline double lgamma(double x) { return std::lgamma(x); }

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

}  // namespace weft

namespace weft {

// log choose(n, k) for the binomial normalising constant, with n and k rounded as R's
// binomial()$aic does (dbinom(round(m y), round(m), mu)).
inline double log_choose(double n, double k) {
  if (k < 0.5 || k > n - 0.5) return 0.0;  // choose(n, 0) = choose(n, n) = 1 (binary data: always)
  n = std::round(n);
  k = std::round(k);
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

}  // namespace weft
