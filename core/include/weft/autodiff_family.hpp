#pragma once
// AutoDiffFamily<D>: a Family from one templated log density, derivatives by Ceres Jets.
//
// A density D is a class with
//   static constexpr const char* name;                       // "poisson"
//   static constexpr weft::Support support;
//   static constexpr const char* default_link;               // "log"
//   static std::vector<std::string> links();                 // accepted links
//   static std::vector<weft::FamilyParameterInfo> parameters();
//   template <class T> static T log_density(double y, double w, const T& mu, const T* params);
//       // weighted log p(y | mu) with every normalising constant (T is double or a Jet)
//   static std::optional<std::string> check(double y, double w);   // why (y, w) is invalid
//   static double initial_mean(double y, double w);                // R's mustart
// and optionally
//   static double variance(double mu, const double* params);  // unit variance V(mu): enables
//       // Fisher weights w (dmu/deta)^2 / V(mu), lme4's default PIRLS weights
//   static void derivatives(double y, double w, double mu, const double* params,
//                           double& l, double& l_mu, double& l_mumu);  // hand-written fast path
//   static double mean(double mu, double zero_probability, const double* params);
//   static constexpr std::size_t normal_sd_parameter = 0;  // the density is normal with mean mu and
//       // variance sigma^2 / w, sigma = params[normal_sd_parameter] (Family::normal_sd_parameter)
//   static double log_constant(double y, double w);  // the part of log p that depends on y and
//       // w alone (log y!, log choose(n, k)); log_density and derivatives then leave it out and
//       // the adapter adds it unless the caller asks to omit constants
//   static double simulate(double mu, double w, const double* params, weft::RandomStream& random);
//       // one draw of y (on the scale log_density takes) given mu and the prior weight, with the
//       // draw functions of weft/random.hpp (Family::simulate: weft simulate, the bootstrap);
//       // a family with a zero model takes the zero probability after w:
//       // simulate(mu, w, pi, params, random)
//   static double response_variance(double mu, double pi, const double* params);  // Var(y) at
//       // w = 1 (Family::variance, for Pearson residuals); default: variance(mu, params) where
//       // given, for families without a zero model
// A family with a zero model sets `static constexpr bool zero_model = true;` and its
// log_density takes the zero probability after mu, either as a weft::ZeroProbability (pi with
// log pi and log(1 - pi) computed from the zero model's logit, exact when pi rounds to 0 or 1:
// the built-in zero-inflated and hurdle families) or as a T: log_density(y, w, mu, pi, params).
// Families have at most kMaxParameters (16) parameters: derivatives use fixed-size arrays, so
// evaluating a row allocates nothing.
//
// Derivatives in eta come from the chain rule with the link:
//   dl/deta = l_mu mu',  d2l/deta2 = l_mumu mu'^2 + l_mu mu''.
#include <weft/family.hpp>
#include <weft/jet_math.hpp>
#include <weft/response_checks.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft {

namespace detail {
template <class D>
concept HasVariance = requires(double mu, const double* p) {
  { D::variance(mu, p) } -> std::convertible_to<double>;
};
template <class D>
concept HasAnalyticDerivatives = requires(double y, double w, double mu, const double* p, double& a) {
  D::derivatives(y, w, mu, p, a, a, a);
};
template <class D>
concept HasMean = requires(double mu, double pi, const double* p) {
  { D::mean(mu, pi, p) } -> std::convertible_to<double>;
};
template <class D>
concept HasLogConstant = requires(double y, double w) {
  { D::log_constant(y, w) } -> std::convertible_to<double>;
};
template <class D>
concept DeclaresNormalSd = requires { { D::normal_sd_parameter } -> std::convertible_to<std::size_t>; };
template <class D>
concept HasZeroModel = requires { requires D::zero_model; };
template <class D>
concept HasSimulate = requires(double mu, double w, const double* p, RandomStream& r) {
  { D::simulate(mu, w, p, r) } -> std::convertible_to<double>;
};
template <class D>
concept HasZeroModelSimulate = requires(double mu, double w, double pi, const double* p, RandomStream& r) {
  { D::simulate(mu, w, pi, p, r) } -> std::convertible_to<double>;
};
template <class D>
concept HasResponseVariance = requires(double mu, double pi, const double* p) {
  { D::response_variance(mu, pi, p) } -> std::convertible_to<double>;
};
template <class D>
concept TakesZeroProbability = requires(double y, double w, double mu, const ZeroProbability& pi, const double* p) {
  D::log_density(y, w, mu, pi, p);
};
}  // namespace detail

template <class D>
class AutoDiffFamily : public Family {
 public:
  static constexpr bool kZeroModel = detail::HasZeroModel<D>;
  static constexpr std::size_t kMaxParameters = 16;

  AutoDiffFamily() { (void)parameter_count(); }  // refuses a density with too many parameters

  std::string name() const override { return D::name; }
  std::vector<FamilyParameterInfo> parameters() const override { return D::parameters(); }
  Support support() const override { return D::support; }
  std::string default_link() const override { return D::default_link; }
  std::vector<std::string> links() const override { return D::links(); }
  bool uses_zero_model() const override { return kZeroModel; }
  bool has_expected_information() const override { return detail::HasVariance<D>; }
  std::optional<std::size_t> normal_sd_parameter() const override {
    if constexpr (detail::DeclaresNormalSd<D>)
      return std::size_t(D::normal_sd_parameter);
    else
      return std::nullopt;
  }

  // Prior weights are checked here, once for every family (finite, >= 0); binomial weights
  // are trials, which the density's own check words as such.
  std::optional<ResponseProblem> check_response(const Observations& obs) const override {
    for (std::size_t i = 0; i < obs.y.size(); ++i) {
      if constexpr (D::support != Support::Binomial)
        if (auto bad = check_weight(obs.weights[i])) return ResponseProblem{i, *bad};
      if (auto why = D::check(obs.y[i], obs.weights[i])) return ResponseProblem{i, *why};
    }
    return std::nullopt;
  }

  void initial_mean(const Observations& obs, std::span<double> mu) const override {
    for (std::size_t i = 0; i < obs.y.size(); ++i) mu[i] = D::initial_mean(obs.y[i], obs.weights[i]);
  }

  double mean(double mu, double zero_probability, std::span<const double> params) const override {
    if constexpr (detail::HasMean<D>)
      return D::mean(mu, zero_probability, params.data());
    else
      return (1.0 - zero_probability) * mu;
  }

  void evaluate(const Observations& obs, const LinearPredictors& lp, const Link& link,
                std::span<const double> params, const FamilyDerivatives& out) const override {
    // Rows go through the link in chunks on the stack: no allocation, no shared scratch.
    constexpr std::size_t kChunk = 256;
    double mu[kChunk], mu_eta[kChunk], mu_eta2[kChunk];
    const std::size_t n = obs.y.size();
    const bool want_d1 = !out.d1.empty(), want_d2 = !out.d2.empty();
    for (std::size_t start = 0; start < n; start += kChunk) {
      const std::size_t len = std::min(kChunk, n - start);
      link.inverse(lp.eta.subspan(start, len), {mu, len}, {mu_eta, len}, {mu_eta2, len});
      for (std::size_t c = 0; c < len; ++c) {
        const std::size_t i = start + c;
        const double y = obs.y[i], w = obs.weights[i];
        const ZeroProbability pi = kZeroModel ? ZeroProbability::from_logit(lp.eta_zi[i]) : ZeroProbability{};
        double l = 0, l_mu = 0, l_mumu = 0;
        if (want_d2 || want_d1)
          mu_derivatives(y, w, mu[c], pi, params.data(), l, l_mu, l_mumu, want_d2);
        else
          l = call(y, w, mu[c], pi, params.data());
        if (!out.log_density.empty()) {
          if constexpr (detail::HasLogConstant<D>)
            if (!out.omit_constants) l += D::log_constant(y, w);
          out.log_density[i] = l;
        }
        if (want_d1) out.d1[i] = l_mu * mu_eta[c];
        if (want_d2) out.d2[i] = l_mumu * mu_eta[c] * mu_eta[c] + l_mu * mu_eta2[c];
        if (!out.fisher.empty()) {
          if constexpr (detail::HasVariance<D>)  // (mu' / V) mu': no overflow of mu'^2 for large mu
            out.fisher[i] = w * (mu_eta[c] / D::variance(mu[c], params.data())) * mu_eta[c];
        }
      }
    }
  }

  bool can_simulate() const override {
    if constexpr (kZeroModel) return detail::HasZeroModelSimulate<D>;
    else return detail::HasSimulate<D>;
  }

  void simulate(std::span<const double> weights, const LinearPredictors& lp, const Link& link,
                std::span<const double> params, RandomStream& random, std::span<double> y) const override {
    if (!can_simulate()) return Family::simulate(weights, lp, link, params, random, y);
    constexpr std::size_t kChunk = 256;
    double mu[kChunk], mu_eta[kChunk], mu_eta2[kChunk];
    const std::size_t n = lp.eta.size();
    for (std::size_t start = 0; start < n; start += kChunk) {
      const std::size_t len = std::min(kChunk, n - start);
      link.inverse(lp.eta.subspan(start, len), {mu, len}, {mu_eta, len}, {mu_eta2, len});
      for (std::size_t c = 0; c < len; ++c) {
        const std::size_t i = start + c;
        if constexpr (kZeroModel) {
          if constexpr (detail::HasZeroModelSimulate<D>)
            y[i] = D::simulate(mu[c], weights[i], ZeroProbability::from_logit(lp.eta_zi[i]).p, params.data(), random);
        } else if constexpr (detail::HasSimulate<D>) {
          y[i] = D::simulate(mu[c], weights[i], params.data(), random);
        }
      }
    }
  }

  double variance(double mu, double zero_probability, std::span<const double> params) const override {
    if constexpr (detail::HasResponseVariance<D>)
      return D::response_variance(mu, zero_probability, params.data());
    else if constexpr (detail::HasVariance<D> && !kZeroModel)
      return D::variance(mu, params.data());
    else
      return Family::variance(mu, zero_probability, params);
  }

  // Value, first and second derivative of the log density in mu (public for tests).
  static void mu_derivatives(double y, double w, double mu, const ZeroProbability& pi, const double* params,
                             double& l, double& l_mu, double& l_mumu, bool second = true) {
    if constexpr (detail::HasAnalyticDerivatives<D> && !kZeroModel) {
      (void)second;
      (void)pi;
      D::derivatives(y, w, mu, params, l, l_mu, l_mumu);
    } else if (second) {
      autodiff_derivatives(y, w, mu, pi, params, l, l_mu, l_mumu);
    } else {
      using J = ceres::Jet<double, 1>;
      J m(mu, 0);
      std::array<J, kMaxParameters> p;
      const std::size_t np = parameter_count();
      for (std::size_t k = 0; k < np; ++k) p[k] = J(params[k]);
      const J r = call(y, w, m, pi, p.data());
      l = r.a;
      l_mu = r.v[0];
      l_mumu = 0;
    }
  }
  static void mu_derivatives(double y, double w, double mu, double pi, const double* params, double& l,
                             double& l_mu, double& l_mumu, bool second = true) {
    mu_derivatives(y, w, mu, ZeroProbability::from_probability(pi), params, l, l_mu, l_mumu, second);
  }

  // Derivatives by nested Jets regardless of any hand-written version (for tests).
  static void autodiff_derivatives(double y, double w, double mu, const ZeroProbability& pi, const double* params,
                                   double& l, double& l_mu, double& l_mumu) {
    using J1 = ceres::Jet<double, 1>;
    using J2 = ceres::Jet<J1, 1>;
    J2 m(J1(mu, 0), 0);
    m.v[0] = J1(1.0);
    std::array<J2, kMaxParameters> p;
    const std::size_t np = parameter_count();
    for (std::size_t k = 0; k < np; ++k) p[k] = J2(J1(params[k]));
    const J2 r = call(y, w, m, pi, p.data());
    l = r.a.a;
    l_mu = r.a.v[0];
    l_mumu = r.v[0].v[0];
  }
  static void autodiff_derivatives(double y, double w, double mu, double pi, const double* params, double& l,
                                   double& l_mu, double& l_mumu) {
    autodiff_derivatives(y, w, mu, ZeroProbability::from_probability(pi), params, l, l_mu, l_mumu);
  }

  // The whole log density, constants included.
  static double density(double y, double w, double mu, const ZeroProbability& pi, const double* params) {
    double l = call(y, w, mu, pi, params);
    if constexpr (detail::HasLogConstant<D>) l += D::log_constant(y, w);
    return l;
  }
  static double density(double y, double w, double mu, double pi, const double* params) {
    return density(y, w, mu, ZeroProbability::from_probability(pi), params);
  }

  // D::parameters().size(), counted once (parameters() builds a vector of names).
  static std::size_t parameter_count() {
    static const std::size_t count = [] {
      const std::size_t n = D::parameters().size();
      if (n > kMaxParameters)
        throw std::length_error(std::string("family '") + D::name + "' has " + std::to_string(n) +
                                " parameters; AutoDiffFamily supports at most " + std::to_string(kMaxParameters));
      return n;
    }();
    return count;
  }

 private:
  template <class T>
  static T call(double y, double w, const T& mu, const ZeroProbability& pi, const T* params) {
    if constexpr (!kZeroModel) {
      (void)pi;
      return D::log_density(y, w, mu, params);
    } else if constexpr (detail::TakesZeroProbability<D>) {
      return D::log_density(y, w, mu, pi, params);
    } else {
      return D::log_density(y, w, mu, constant<T>(pi.p), params);
    }
  }
};

}  // namespace weft
