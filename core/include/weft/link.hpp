#pragma once
// Link functions g: mu = g^-1(eta).
//
// Families are written in terms of the mean mu; the adapter (autodiff_family.hpp) chains
// their derivatives with the link's dmu/deta and d2mu/deta2 to get derivatives in eta.
// The built-in links follow R's `make.link()` (stats/src/family.c), including its guards
// that keep mu strictly inside the family's range, so that the GLM start values and the
// penalised IRLS behave as lme4's do on extreme linear predictors.
//
// A link whose inverse is a distribution function (logit, probit, cloglog, loglog, cauchit)
// also gives it unguarded, for cumulative link models (Link::latent).
#include <cfloat>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/math/distributions/normal.hpp>

namespace weft {

// The inverse link read as the distribution function F of a latent variable at x: F(x), its
// complement 1 - F(x) (each accurate in its own tail), the density f(x) and its slope f'(x).
struct LatentValue {
  double cdf = 0, upper = 0, density = 0, slope = 0;
};

class Link {
 public:
  virtual ~Link() = default;
  virtual std::string name() const = 0;
  // eta = g(mu), used for starting values.
  virtual double linkfun(double mu) const = 0;
  // mu = g^-1(eta) with its first and second derivatives; an empty output span is skipped.
  virtual void inverse(std::span<const double> eta, std::span<double> mu, std::span<double> mu_eta,
                       std::span<double> mu_eta2) const = 0;
  // True for the identity link eta = mu (a linear mixed model with a conditionally normal family).
  virtual bool is_identity() const { return false; }
  // F at x, without inverse()'s guards, for cumulative link models (P(Y <= j) = F(theta_j -
  // eta)); false for a link whose inverse is no distribution function (log, inverse, identity).
  virtual bool latent(double x, LatentValue& out) const {
    (void)x;
    (void)out;
    return false;
  }
  // Scalar convenience for prediction.
  double linkinv(double eta) const {
    double mu = 0;
    inverse({&eta, 1}, {&mu, 1}, {}, {});
    return mu;
  }
};

namespace links {

inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
inline double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }

// One link as three scalar functions; ScalarLink turns it into a Link.
struct Logit {
  static constexpr std::string_view name = "logit";
  static double linkfun(double mu) { return std::log(mu / (1.0 - mu)); }
  // R: |eta| > 30 is clamped so mu stays in [eps, 1 - eps] and mu_eta >= eps.
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    constexpr double thresh = 30.0, inveps = 1.0 / DBL_EPSILON;
    const double e = eta < -thresh ? DBL_EPSILON : (eta > thresh ? inveps : std::exp(eta));
    mu = e / (1.0 + e);
    const bool clamped = eta < -thresh || eta > thresh;
    d1 = clamped ? DBL_EPSILON : mu * (1.0 - mu);
    d2 = clamped ? 0.0 : d1 * (1.0 - 2.0 * mu);
  }
  static void latent(double x, LatentValue& v) {
    const double e = std::exp(-std::abs(x));  // no overflow on either side
    const double small = e / (1.0 + e), large = 1.0 / (1.0 + e);
    v.cdf = x >= 0 ? large : small;
    v.upper = x >= 0 ? small : large;
    v.density = v.cdf * v.upper;
    v.slope = v.density * (v.upper - v.cdf);
  }
};

struct Probit {
  static constexpr std::string_view name = "probit";
  static double linkfun(double mu) {
    return boost::math::quantile(boost::math::normal_distribution<double>(), mu);
  }
  // R: eta is clamped to +-qnorm(eps) and mu_eta floored at eps.
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    constexpr double thresh = 8.125890664701906;  // -qnorm(.Machine$double.eps)
    const double e = std::min(std::max(eta, -thresh), thresh);
    mu = normal_cdf(e);
    const double dens = normal_pdf(eta);
    d1 = std::max(dens, DBL_EPSILON);
    d2 = (dens > DBL_EPSILON) ? -eta * dens : 0.0;
  }
  static void latent(double x, LatentValue& v) {
    v.cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
    v.upper = 0.5 * std::erfc(x / std::sqrt(2.0));
    v.density = normal_pdf(x);
    v.slope = -x * v.density;
  }
};

struct Cloglog {
  static constexpr std::string_view name = "cloglog";
  static double linkfun(double mu) { return std::log(-std::log1p(-mu)); }
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    mu = std::max(std::min(-std::expm1(-std::exp(eta)), 1.0 - DBL_EPSILON), DBL_EPSILON);
    const double e = std::exp(std::min(eta, 700.0));
    const double dens = e * std::exp(-e);
    d1 = std::max(dens, DBL_EPSILON);
    d2 = (dens > DBL_EPSILON) ? dens * (1.0 - e) : 0.0;
  }
  // F(x) = 1 - exp(-e^x) (the Gumbel distribution of the minimum).
  static void latent(double x, LatentValue& v) {
    const double t = std::exp(x);
    v.cdf = -std::expm1(-t);
    v.upper = std::exp(-t);
    v.density = std::exp(x - t);
    v.slope = v.density > 0 ? v.density * (1.0 - t) : 0.0;
  }
};

// ordinal's loglog: mu = exp(-exp(-eta)) (the Gumbel distribution of the maximum); R's
// make.link has none, so its guards mirror cloglog's.
struct Loglog {
  static constexpr std::string_view name = "loglog";
  static double linkfun(double mu) { return -std::log(-std::log(mu)); }
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    mu = std::max(std::min(std::exp(-std::exp(-eta)), 1.0 - DBL_EPSILON), DBL_EPSILON);
    const double e = std::exp(std::min(-eta, 700.0));
    const double dens = e * std::exp(-e);
    d1 = std::max(dens, DBL_EPSILON);
    d2 = (dens > DBL_EPSILON) ? dens * (e - 1.0) : 0.0;
  }
  static void latent(double x, LatentValue& v) {
    const double t = std::exp(-x);
    v.cdf = std::exp(-t);
    v.upper = -std::expm1(-t);
    v.density = std::exp(-x - t);
    v.slope = v.density > 0 ? v.density * (t - 1.0) : 0.0;
  }
};

// R's cauchit: mu = pcauchy(eta), eta clamped to +-qcauchy(eps)'s magnitude and mu_eta
// floored at eps.
struct Cauchit {
  static constexpr std::string_view name = "cauchit";
  static double linkfun(double mu) { return std::tan(M_PI * (mu - 0.5)); }
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    const double thresh = 1.0 / std::tan(M_PI * DBL_EPSILON);  // -qcauchy(eps)
    const double e = std::min(std::max(eta, -thresh), thresh);
    mu = 0.5 + std::atan(e) / M_PI;
    const double dens = 1.0 / (M_PI * (1.0 + eta * eta));
    d1 = std::max(dens, DBL_EPSILON);
    d2 = (dens > DBL_EPSILON) ? -2.0 * eta * dens * dens * M_PI : 0.0;
  }
  static void latent(double x, LatentValue& v) {
    v.cdf = std::atan2(1.0, -x) / M_PI;  // = 1/2 + atan(x)/pi, without cancellation for x << 0
    v.upper = std::atan2(1.0, x) / M_PI;
    v.density = 1.0 / (M_PI * (1.0 + x * x));
    v.slope = -2.0 * x * v.density * v.density * M_PI;
  }
};

struct Log {
  static constexpr std::string_view name = "log";
  static double linkfun(double mu) { return std::log(mu); }
  // R: mu = pmax(exp(eta), eps).
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    mu = std::max(std::exp(eta), DBL_EPSILON);
    d1 = mu;
    d2 = mu;
  }
};

struct Inverse {
  static constexpr std::string_view name = "inverse";
  static double linkfun(double mu) { return 1.0 / mu; }
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    mu = 1.0 / eta;
    d1 = -mu * mu;
    d2 = 2.0 * mu * mu * mu;
  }
};

struct Identity {
  static constexpr std::string_view name = "identity";
  static double linkfun(double mu) { return mu; }
  static void inverse(double eta, double& mu, double& d1, double& d2) {
    mu = eta;
    d1 = 1.0;
    d2 = 0.0;
  }
};

template <class Impl>
class ScalarLink final : public Link {
 public:
  std::string name() const override { return std::string(Impl::name); }
  bool is_identity() const override { return std::is_same_v<Impl, Identity>; }
  double linkfun(double mu) const override { return Impl::linkfun(mu); }
  void inverse(std::span<const double> eta, std::span<double> mu, std::span<double> mu_eta,
               std::span<double> mu_eta2) const override {
    for (std::size_t i = 0; i < eta.size(); ++i) {
      double m, d1, d2;
      Impl::inverse(eta[i], m, d1, d2);
      if (!mu.empty()) mu[i] = m;
      if (!mu_eta.empty()) mu_eta[i] = d1;
      if (!mu_eta2.empty()) mu_eta2[i] = d2;
    }
  }
  bool latent(double x, LatentValue& out) const override {
    if constexpr (requires { Impl::latent(x, out); }) {
      Impl::latent(x, out);
      return true;
    } else {
      return Link::latent(x, out);
    }
  }
};

}  // namespace links

inline std::vector<std::string> builtin_link_names() {
  return {"logit", "probit", "cloglog", "loglog", "cauchit", "log", "inverse", "identity"};
}

// A built-in link by name, or nullptr.
inline std::unique_ptr<Link> make_builtin_link(std::string_view name) {
  using namespace links;
  if (name == Logit::name) return std::make_unique<ScalarLink<Logit>>();
  if (name == Probit::name) return std::make_unique<ScalarLink<Probit>>();
  if (name == Cloglog::name) return std::make_unique<ScalarLink<Cloglog>>();
  if (name == Loglog::name) return std::make_unique<ScalarLink<Loglog>>();
  if (name == Cauchit::name) return std::make_unique<ScalarLink<Cauchit>>();
  if (name == Log::name) return std::make_unique<ScalarLink<Log>>();
  if (name == Inverse::name) return std::make_unique<ScalarLink<Inverse>>();
  if (name == Identity::name) return std::make_unique<ScalarLink<Identity>>();
  return nullptr;
}

}  // namespace weft
