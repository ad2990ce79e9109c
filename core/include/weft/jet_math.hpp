#pragma once
// Special functions for Ceres Jets (which lack them) so that families can use lgamma and
// friends in a templated log density: weft::lgamma(x) works for double and for (nested) Jets.
//
// d/dx lgamma = digamma = polygamma(0); d/dx polygamma(n) = polygamma(n + 1), values from
// Boost.Math.
#include <ceres/jet.h>

#include <cmath>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/polygamma.hpp>

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
