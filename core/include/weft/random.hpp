#pragma once
// Random draws for simulation (weft simulate, the parametric bootstrap, simulation-based
// residuals). The kernel hands a family a RandomStream: 64 random bits per call, one stream
// per simulated data set (seeded from the user's seed and the data set's index, so the draws
// do not depend on how many threads run). Families turn bits into draws with the functions
// below, which use Boost.Random's distributions: their algorithms are fixed in Boost's
// headers, so the same seed gives the same responses on every platform and compiler (the
// standard library's distributions are implementation-defined).
#include <boost/random/beta_distribution.hpp>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace weft {

// A source of uniformly distributed 64-bit words (a UniformRandomBitGenerator).
class RandomStream {
 public:
  using result_type = std::uint64_t;
  virtual ~RandomStream() = default;
  virtual result_type operator()() = 0;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
};

namespace draw {

// Uniform on (0, 1): never exactly 0 or 1.
inline double uniform(RandomStream& random) {
  for (;;) {
    const double u = double(random() >> 11) * 0x1.0p-53;
    if (u > 0) return u;
  }
}

inline double normal(RandomStream& random, double mean = 0.0, double sd = 1.0) {
  return boost::random::normal_distribution<double>(mean, sd)(random);
}

// Poisson with mean mu >= 0 (0 for mu = 0).
inline double poisson(RandomStream& random, double mu) {
  if (!(mu > 0)) return 0.0;
  return double(boost::random::poisson_distribution<long long, double>(mu)(random));
}

// Binomial successes of `trials` with probability p.
inline double binomial(RandomStream& random, long long trials, double p) {
  if (trials <= 0 || !(p > 0)) return 0.0;
  if (p >= 1) return double(trials);
  return double(boost::random::binomial_distribution<long long, double>(trials, p)(random));
}

// Gamma with shape k and scale s (mean k s).
inline double gamma(RandomStream& random, double shape, double scale) {
  return boost::random::gamma_distribution<double>(shape, scale)(random);
}

// Beta(a, b) on (0, 1).
inline double beta(RandomStream& random, double a, double b) {
  return boost::random::beta_distribution<double>(a, b)(random);
}

// Negative binomial with mean mu and size theta (var = mu + mu^2 / theta), as a gamma mixture of
// Poissons (R's rnbinom with size and mu does the same).
inline double negative_binomial(RandomStream& random, double mu, double theta) {
  if (!(mu > 0)) return 0.0;
  if (!std::isfinite(theta)) return poisson(random, mu);
  return poisson(random, gamma(random, theta, mu / theta));
}

// True with probability p.
inline bool bernoulli(RandomStream& random, double p) { return uniform(random) < p; }

}  // namespace draw

}  // namespace weft
