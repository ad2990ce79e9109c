// Golub-Welsch Gauss-Hermite rule against Boost.Math's Hermite polynomials and normal moments.
#include <doctest/doctest.h>

#include <weft/integrator/gauss_hermite.hpp>

#include <boost/math/special_functions/factorials.hpp>
#include <boost/math/special_functions/hermite.hpp>

#include <cmath>

namespace {

// Probabilists' Hermite polynomial from Boost's physicists' one: He_n(z) = 2^(-n/2) H_n(z / sqrt 2).
double he(unsigned n, double z) { return std::pow(2.0, -0.5 * n) * boost::math::hermite(n, z / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("Gauss-Hermite nodes are the roots of He_n and weights n! / (n He_{n-1}(z))^2 (Boost.Math)") {
  for (unsigned n : {2u, 5u, 10u, 25u}) {
    const auto rule = weft::gauss_hermite_normal(int(n));
    REQUIRE(rule.nodes.size() == n);
    for (std::size_t k = 0; k < n; ++k) {
      const double z = rule.nodes[k];
      CAPTURE(n);
      CAPTURE(z);
      // A root: |He_n(z)| is tiny next to the size of its derivative n He_{n-1}(z).
      CHECK(std::abs(he(n, z)) < 1e-9 * std::abs(n * he(n - 1, z)));
      const double expected = boost::math::factorial<double>(n) / std::pow(n * he(n - 1, z), 2);
      CHECK(rule.weights[k] == doctest::Approx(expected).epsilon(1e-8));
    }
  }
}

TEST_CASE("an n-point rule integrates normal moments up to degree 2n - 1 exactly") {
  for (int n : {1, 2, 7, 25, 60}) {
    const auto rule = weft::gauss_hermite_normal(n);
    double moment = 1.0;  // E[Z^(2k)] = (2k - 1)!!
    for (int k = 0; 2 * k < 2 * n && k < 8; ++k) {
      double sum = 0, odd = 0;
      for (std::size_t i = 0; i < rule.nodes.size(); ++i) {
        sum += rule.weights[i] * std::pow(rule.nodes[i], 2 * k);
        odd += rule.weights[i] * std::pow(rule.nodes[i], 2 * k + 1);
      }
      if (2 * k + 1 <= 2 * n - 1) CHECK(std::abs(odd) < 1e-9 * moment);
      CHECK(sum == doctest::Approx(moment).epsilon(1e-9));
      moment *= 2 * k + 1;
    }
  }
}
