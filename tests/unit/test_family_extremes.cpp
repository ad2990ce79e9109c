// Numerics for extreme data (issue 12): every shipped family's log density, d1, d2 and Fisher
// information in eta are finite wherever the true density is positive -- counts up to 1e6,
// means up to exp(30) and beyond, eta far out for every link, family parameters across and
// beyond the kernel's bounds exp(+-15), zero probabilities near 0 and 1 -- and consistent
// (d1 with a finite difference of the log density, d2 with one of d1) where the values are
// moderate. At extreme points the log densities (and NB1's and NB2's derivatives in mu) are
// compared with independent long double computations (sums of logs, lgammal, log1pl); the
// SDK's special functions (lgamma and polygamma differences, log beta, log choose) likewise on
// both sides of their switches; hand-written derivatives with nested Jets; and every family
// refuses unusable weights and returns, rather than throws, where values leave double's range.
#include <doctest/doctest.h>

#include <weft/continuous_distributions.hpp>
#include <weft/count_distributions.hpp>
#include <weft/jet_math.hpp>
#include <weft/link.hpp>

#include "plugin_fixture.hpp"

#include <boost/math/special_functions/digamma.hpp>

#include <cfloat>
#include <cmath>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using namespace weft;
using LD = long double;

struct Point {
  double l = NAN, d1 = NAN, d2 = NAN, fisher = NAN;
};

Point evaluate(const Family& family, const Link& link, double y, double w, double eta, double eta_zi,
               const std::vector<double>& params) {
  Point p;
  const Observations obs{{&y, 1}, {&w, 1}};
  const LinearPredictors lp{{&eta, 1}, family.uses_zero_model() ? std::span<const double>(&eta_zi, 1) : std::span<const double>()};
  FamilyDerivatives out;
  out.log_density = {&p.l, 1};
  out.d1 = {&p.d1, 1};
  out.d2 = {&p.d2, 1};
  if (family.has_expected_information()) out.fisher = {&p.fisher, 1};
  family.evaluate(obs, lp, link, params, out);
  return p;
}

// The log density alone (the value-only path of an evaluation), optionally without the terms
// that depend on y and w alone.
double log_density_only(const Family& family, const Link& link, double y, double w, double eta, double eta_zi,
                        const std::vector<double>& params, bool omit_constants = false) {
  double l = NAN;
  const Observations obs{{&y, 1}, {&w, 1}};
  const LinearPredictors lp{{&eta, 1}, family.uses_zero_model() ? std::span<const double>(&eta_zi, 1) : std::span<const double>()};
  FamilyDerivatives out;
  out.log_density = {&l, 1};
  out.omit_constants = omit_constants;
  family.evaluate(obs, lp, link, params, out);
  return l;
}

// d1 alone (the first-derivative-only path).
double d1_only(const Family& family, const Link& link, double y, double w, double eta, double eta_zi,
               const std::vector<double>& params) {
  double l = NAN, d1 = NAN;
  const Observations obs{{&y, 1}, {&w, 1}};
  const LinearPredictors lp{{&eta, 1}, family.uses_zero_model() ? std::span<const double>(&eta_zi, 1) : std::span<const double>()};
  FamilyDerivatives out;
  out.log_density = {&l, 1};
  out.d1 = {&d1, 1};
  family.evaluate(obs, lp, link, params, out);
  return d1;
}

std::string describe(const std::string& family, const std::string& link, double y, double w, double eta,
                     double eta_zi, const std::vector<double>& params) {
  std::ostringstream s;
  s.precision(17);
  s << family << " link=" << link << " y=" << y << " w=" << w << " eta=" << eta;
  if (!std::isnan(eta_zi)) s << " eta_zi=" << eta_zi;
  for (double p : params) s << " param=" << p;
  return s.str();
}

// The grid. Responses (y, w) by support: counts up to 1e6 on both sides of the sum-of-logs /
// lgamma switch at 64; binomial with up to 1e6 trials; continuous responses near their bounds.
std::vector<std::pair<double, double>> responses(Support support) {
  std::vector<std::pair<double, double>> r;
  auto both_weights = [&](std::initializer_list<double> ys) {
    for (double y : ys)
      for (double w : {1.0, 3.5}) r.emplace_back(y, w);
  };
  switch (support) {
    case Support::Binomial:
      r = {{0, 1}, {1, 1}, {0.5, 2}, {0, 1e6}, {1, 1e6}, {0.3, 1e6}, {1e-6, 1e6}, {1 - 1e-6, 1e6}, {0.5, 64}};
      break;
    case Support::Counts: both_weights({0, 1, 2, 63, 64, 65, 1000, 10000, 1e6}); break;
    case Support::PositiveReal: both_weights({1e-100, 1e-10, 1e-3, 1, 530, 1e6, 1e10, 1e100}); break;
    case Support::UnitInterval: both_weights({1e-12, 1e-4, 0.3, 0.5, 0.9, 1 - 1e-4, 1 - 1e-12}); break;
    case Support::ClosedUnitInterval: both_weights({0, 1, 1e-12, 1e-4, 0.5, 1 - 1e-4, 1 - 1e-12}); break;
    case Support::Real: both_weights({-1e6, -1, 0, 1, 1e6}); break;
    case Support::OrderedCategories: break;  // test_ordinal.cpp
  }
  return r;
}

// eta far out for every link, including where R's links clamp mu.
std::vector<double> etas(const std::string& link) {
  if (link == "logit") return {-40, -30, -25, -10, -2, 0, 2, 10, 25, 30, 40};
  if (link == "probit") return {-40, -8.2, -8, -5, -1, 0, 1, 5, 8, 8.2, 40};
  if (link == "cloglog") return {-40, -30, -10, -1, 0, 1, 3, 3.5, 5, 30, 40};
  if (link == "log") return {-745, -40, -30, -10, -1, 0, 1, 6.27, 9.2, 13.8, 20, 30, 50, 100, 300, 690};
  if (link == "identity") return {1e-12, 1e-3, 1, 530, 1e6, 1e13};  // means of positive families
  if (link == "inverse") return {1e-10, 1e-3, 1, 1e3, 1e10};
  return {0.0};
}

// Natural-scale values of each parameter: across and beyond the kernel's bounds exp(+-15)
// (nb2 theta up to 1e7, nb1 phi, gamma shape and beta phi from 1e-6 to 1e6).
std::vector<double> parameter_values(const FamilyParameterInfo& info) {
  const double lo = std::exp(-15.0), hi = std::exp(15.0);
  switch (info.scale) {
    case ParameterScale::Log: return {lo, 1e-6, 1e-3, 1, 1e3, 1e6, hi, 1e7};
    case ParameterScale::Logit: return {1 / (1 + hi), 1e-3, 0.5, 1 - 1e-3, 1 / (1 + lo)};
    case ParameterScale::Identity: return {-1e3, 0, 1e3};
    case ParameterScale::Increasing: return {};  // test_ordinal.cpp
  }
  return {};
}

std::vector<std::vector<double>> parameter_grid(const Family& family) {
  std::vector<std::vector<double>> grid{{}};
  for (const auto& info : family.parameters()) {
    std::vector<std::vector<double>> next;
    for (const auto& partial : grid)
      for (double v : parameter_values(info)) {
        next.push_back(partial);
        next.back().push_back(v);
      }
    grid = std::move(next);
  }
  return grid;
}

// Whether the link is smooth on [eta - h, eta + h] (R's links clamp mu and floor mu_eta far out,
// where finite differences of the family's outputs mean nothing). Past |eta| = 400 for the log
// link (mu > 1e173) only finiteness is checked: second derivatives in mu such as NB2's
// theta / mu^2 underflow there, and d2 = l_mumu mu'^2 + l_mu mu'' keeps only its second term.
bool link_smooth(const Link& link, double eta, double h) {
  const double e[3] = {eta - h, eta, eta + h};
  double mu[3], d1[3], d2[3];
  link.inverse(e, mu, d1, d2);
  auto close = [](double a, double b, double scale) { return std::abs(a - b) <= 1e-5 * scale; };
  const double fd1 = (mu[2] - mu[0]) / (2 * h), fd2 = (d1[2] - d1[0]) / (2 * h);
  return d1[1] > 1e-200 && close(fd1, d1[1], std::abs(d1[1])) &&
         close(fd2, d2[1], std::abs(d2[1]) + 1e-3 * std::abs(d1[1])) && std::abs(eta) < 400;
}

// A conditionally normal family's log density is quadratic in mu: where (y - mu)^2 / sigma^2,
// its derivatives in eta or the Fisher information w mu'^2 / sigma^2 leave double's range (a
// log-link mean of exp(690) with sigma = 3e-7), no representation is finite; such points are
// not held against it.
bool normal_in_range(const Family& family, const Link& link, double y, double w, double eta,
                     const std::vector<double>& params) {
  const auto k = family.normal_sd_parameter();
  if (!k) return true;
  double mu = 0, d1 = 0, d2 = 0;
  link.inverse({&eta, 1}, {&mu, 1}, {&d1, 1}, {&d2, 1});
  const double s = params[*k], r = std::abs(y - mu) / s;
  const double largest = w * std::max({r * r, r / s * std::abs(d1), d1 / s * d1 / s, r / s * std::abs(d2)});
  return std::isfinite(largest) && largest < 1e300;
}

}  // namespace

TEST_CASE("every family's log density, d1, d2 and Fisher information are finite on an extreme grid, and consistent where moderate") {
  auto& registry = testing::build_tree_plugins();
  std::size_t families = 0, points = 0, fd_points = 0;
  for (const auto& name : registry.names("family")) {
    auto family = registry.create_family(name, "test");
    ++families;
    if (family->support() == Support::OrderedCategories) continue;  // its grid: test_ordinal.cpp
    const bool zero = family->uses_zero_model();
    const std::vector<double> zero_etas = zero ? std::vector<double>{-40, -30, -5, 0, 5, 30, 40} : std::vector<double>{NAN};
    std::vector<std::string> failures;
    auto fail = [&](const std::string& what, const std::string& where) {
      if (failures.size() < 40) failures.push_back(what + " at " + where);
    };
    for (const auto& link_name : family->links()) {
      auto link = make_builtin_link(link_name);
      REQUIRE(link);
      const bool relative_h = link_name == "identity" || link_name == "inverse";
      for (double eta : etas(link_name))
        for (const auto& params : parameter_grid(*family))
          for (double eta_zi : zero_etas)
            for (auto [y, w] : responses(family->support())) {
              if (!normal_in_range(*family, *link, y, w, eta, params)) continue;
              ++points;
              const std::string where = describe(name, link_name, y, w, eta, eta_zi, params);
              const Point p = evaluate(*family, *link, y, w, eta, eta_zi, params);
              if (!std::isfinite(p.l)) fail("log density " + std::to_string(p.l), where);
              if (!std::isfinite(p.d1)) fail("d1 " + std::to_string(p.d1), where);
              if (!std::isfinite(p.d2)) fail("d2 " + std::to_string(p.d2), where);
              if (family->has_expected_information() && !(std::isfinite(p.fisher) && p.fisher >= 0))
                fail("fisher " + std::to_string(p.fisher), where);
              // The value-only and first-derivative-only paths agree with the full one.
              const double l_only = log_density_only(*family, *link, y, w, eta, eta_zi, params);
              const double d1_alone = d1_only(*family, *link, y, w, eta, eta_zi, params);
              if (!(std::abs(l_only - p.l) <= 1e-12 * std::max(1.0, std::abs(p.l))))
                fail("value-only log density " + std::to_string(l_only) + " vs " + std::to_string(p.l), where);
              if (!(std::abs(d1_alone - p.d1) <= 1e-12 * std::max(1.0, std::abs(p.d1))))
                fail("first-derivative-only d1 " + std::to_string(d1_alone) + " vs " + std::to_string(p.d1), where);

              // Finite differences where the link is smooth and the values moderate, at steps h
              // and 2h: their disagreement measures truncation and rounding noise, as does the
              // size of the terms the log density sums (a count of 1e6 brings log y! = 1.3e7,
              // which the value cannot resolve below 1e-9; 1 - mu near 1 is rounded), so what
              // is left is the error of d1 and d2. Derivatives below 1e-8 are immaterial.
              const double h = relative_h ? 1e-4 * std::abs(eta) : 1e-4;
              if (!link_smooth(*link, eta, 2 * h)) continue;
              if (!(std::abs(p.l) < 1e12 && std::abs(p.d1) < 1e12 && std::abs(p.d2) < 1e12)) continue;
              const double without_constants = log_density_only(*family, *link, y, w, eta, eta_zi, params, true);
              const double terms = std::abs(without_constants) + std::abs(p.l - without_constants);
              Point at[4];  // eta - 2h, eta - h, eta + h, eta + 2h
              const double steps[4] = {-2 * h, -h, h, 2 * h};
              for (int k = 0; k < 4; ++k) at[k] = evaluate(*family, *link, y, w, eta + steps[k], eta_zi, params);
              ++fd_points;
              auto consistent = [&](double analytic, double f_minus2, double f_minus1, double f_plus1, double f_plus2,
                                    double size) {
                const double fd = (f_plus1 - f_minus1) / (2 * h), fd_wide = (f_plus2 - f_minus2) / (4 * h);
                const double noise = 3 * std::abs(fd - fd_wide) +
                                     8 * DBL_EPSILON * (std::abs(f_plus1) + std::abs(f_minus1) + size) / h;
                return std::abs(analytic - fd) <= 1e-4 * std::max(std::abs(analytic), std::abs(fd)) + noise + 1e-8;
              };
              if (!consistent(p.d1, at[0].l, at[1].l, at[2].l, at[3].l, terms))
                fail("d1 " + std::to_string(p.d1) + " vs finite difference " +
                         std::to_string((at[2].l - at[1].l) / (2 * h)), where);
              if (!consistent(p.d2, at[0].d1, at[1].d1, at[2].d1, at[3].d1, 0.0))
                fail("d2 " + std::to_string(p.d2) + " vs finite difference " +
                         std::to_string((at[2].d1 - at[1].d1) / (2 * h)), where);
            }
    }
    CAPTURE(name);
    std::string report;
    for (const auto& f : failures) report += f + "\n";
    INFO(report);
    CHECK(failures.empty());
  }
  CHECK(families == 13);  // every shipped family (families/*) took part
  MESSAGE(points << " grid points, " << fd_points << " with finite-difference checks");
}

namespace {

// Independent long double references (textbook formulas, lgammal and sums of logs), each with
// the sum of the magnitudes of the terms it adds, which bounds its own rounding error.
struct Ref {
  LD value, size;
  Ref(LD v) : value(v), size(std::abs(v)) {}  // NOLINT: a term converts implicitly
  Ref(LD v, LD s) : value(v), size(s) {}
};
Ref operator+(const Ref& a, const Ref& b) { return {a.value + b.value, a.size + b.size}; }
Ref operator-(const Ref& a, const Ref& b) { return {a.value - b.value, a.size + b.size}; }

Ref log_factorial(double y) { return std::lgamma(LD(y) + 1); }
// log Gamma(s + y) / Gamma(s) as a long double sum of logs (y a count, up to 1e6 terms).
Ref log_rising(LD s, double y) {
  LD sum = 0, size = 0;
  for (double k = 0; k < y; ++k) {
    const LD term = std::log(s + LD(k));
    sum += term;
    size += std::abs(term);
  }
  return {sum, size};
}
Ref ref_poisson(double y, LD mu) { return Ref(LD(y) * std::log(mu)) - mu - log_factorial(y); }
Ref ref_nb2(double y, LD mu, LD theta) {
  return log_rising(theta, y) - log_factorial(y) - theta * std::log1p(mu / theta) +
         LD(y) * std::log(mu) - LD(y) * std::log(theta + mu);
}
Ref ref_nb1(double y, LD mu, LD phi) { return ref_nb2(y, mu, mu / phi); }
Ref ref_gamma(double y, LD mu, LD k) {
  return Ref(k * std::log(k / mu)) + (k - 1) * std::log(LD(y)) - k * LD(y) / mu - std::lgamma(k);
}
Ref ref_beta(double y, LD mu, LD phi) {
  const LD a = mu * phi, b = (1 - mu) * phi;
  return Ref(std::lgamma(phi)) - std::lgamma(a) - std::lgamma(b) + (a - 1) * std::log(LD(y)) +
         (b - 1) * std::log1p(-LD(y));
}
Ref ref_binomial(double y, double n, LD mu) {
  const LD s = std::round(LD(n) * y), f = LD(n) - s;
  return Ref(std::lgamma(LD(n) + 1)) - std::lgamma(s + 1) - std::lgamma(f + 1) + s * std::log(mu) +
         f * std::log1p(-mu);
}
// Zero probability from its logit, both ends accurate.
LD ref_pi(double eta_zi) { return 1 / (1 + std::exp(-LD(eta_zi))); }
LD ref_one_minus_pi(double eta_zi) { return 1 / (1 + std::exp(LD(eta_zi))); }
Ref ref_zero_inflated(double y, double eta_zi, Ref log_f_y, Ref log_f_0) {
  if (y == 0) {
    const LD l = std::log(ref_pi(eta_zi) + ref_one_minus_pi(eta_zi) * std::exp(log_f_0.value));
    return {l, std::abs(l) + log_f_0.size};
  }
  return Ref(std::log(ref_one_minus_pi(eta_zi))) + log_f_y;
}
Ref ref_hurdle(double y, double eta_zi, Ref log_f_y, Ref log_f_0) {
  if (y == 0) return std::log(ref_pi(eta_zi));
  const LD truncation = std::log(-std::expm1(log_f_0.value));
  return Ref(std::log(ref_one_minus_pi(eta_zi))) + log_f_y - Ref(truncation, std::abs(truncation) + log_f_0.size);
}
Ref ref_zoib(double y, LD mu, LD phi, LD zoi, LD coi) {
  if (y == 0) return Ref(std::log(zoi)) + std::log1p(-coi);
  if (y == 1) return Ref(std::log(zoi)) + std::log(coi);
  return Ref(std::log1p(-zoi)) + ref_beta(y, mu, phi);
}

struct Extreme {
  std::string family;
  double y, w, mu, eta_zi;
  std::vector<double> params;
  Ref expected;
};

std::vector<Extreme> extreme_points() {
  std::vector<Extreme> e;
  const double lo = std::exp(-15.0), hi = std::exp(15.0);
  for (auto [y, mu] : std::vector<std::pair<double, double>>{{1e6, 1e6}, {1e6, 1}, {0, 1e13}, {1e4, 530}, {3, 1e-15}})
    e.push_back({"poisson", y, 1, mu, NAN, {}, ref_poisson(y, mu)});
  for (auto [y, mu, theta] : std::vector<std::tuple<double, double, double>>{
           {1e6, 1e6, 1e7}, {1e6, 1e6, 1e-6}, {63, 50, 1e7}, {64, 50, 1e7}, {65, 50, 1e7}, {64, 50, hi},
           {0, 1e13, 1e-6}, {1e4, 530, 1e-3}, {1, 1e-10, hi}, {1e4, 1e4, 1e7}, {200, 210, lo}})
    e.push_back({"nb2", y, 1, mu, NAN, {theta}, ref_nb2(y, mu, theta)});
  for (auto [y, mu, phi] : std::vector<std::tuple<double, double, double>>{
           {1e4, 530, 1e-3}, {1e4, 530, 1}, {1e4, 530, 1e3}, {530, 530, 1e-3}, {9000, 8000, 1e-3}, {2, 530, 1e-3},
           {1e6, 1e6, 1e-6}, {63, 60, 1e-6}, {64, 60, 1e-6}, {65, 60, 1e-6}, {64, 60, 1e6}, {0, 530, 1e6},
           {5, 1e13, 1e-3}, {1000, 1e13, 1e-6}, {1e4, 1e4, lo}, {3, 1e-15, hi}})
    e.push_back({"nb1", y, 1, mu, NAN, {phi}, ref_nb1(y, mu, phi)});
  for (auto [y, mu, k] : std::vector<std::tuple<double, double, double>>{
           {1, 1, 1e6}, {1e-10, 1e10, 1e-6}, {530, 530, 1e6}, {1e3, 1e3, hi}, {1e3, 1.1e3, 1e6}, {2, 1e-3, lo}})
    e.push_back({"gamma", y, 1, mu, NAN, {k}, ref_gamma(y, mu, k)});
  for (auto [y, mu, phi] : std::vector<std::tuple<double, double, double>>{
           {0.5, 0.5, 1e6}, {1e-12, 1e-10, 1e-6}, {0.3, 0.3, 1e7}, {1 - 1e-9, 1 - 1e-8, 1e3}, {0.2, 0.25, hi},
           {0.4, 0.5, lo}, {1e-4, 1e-6, 1e6}})
    e.push_back({"beta", y, 1, mu, NAN, {phi}, ref_beta(y, mu, phi)});
  for (auto [y, n, mu] : std::vector<std::tuple<double, double, double>>{
           {0.5, 1e6, 0.5}, {1e-6, 1e6, 1e-6}, {0, 1e6, 1e-13}, {1, 1, 1 - 1e-12}, {0.25, 1e9, 0.25}})
    e.push_back({"binomial", y, n, mu, NAN, {}, ref_binomial(y, n, mu)});
  for (auto [y, mu, eta_zi] : std::vector<std::tuple<double, double, double>>{
           {0, 1e3, 40}, {5, 3, 40}, {0, 1e-10, -40}, {1e4, 1e4, 38}, {0, 2, 0}}) {
    e.push_back({"zip", y, 1, mu, eta_zi, {}, ref_zero_inflated(y, eta_zi, ref_poisson(y, mu), ref_poisson(0, mu))});
    e.push_back({"hurdle_poisson", y, 1, mu, eta_zi, {}, ref_hurdle(y, eta_zi, ref_poisson(y, mu), ref_poisson(0, mu))});
    for (double theta : {1e-6, 2.0, 1e7}) {
      e.push_back({"zinb2", y, 1, mu, eta_zi, {theta}, ref_zero_inflated(y, eta_zi, ref_nb2(y, mu, theta), ref_nb2(0, mu, theta))});
      e.push_back({"hurdle_nb2", y, 1, mu, eta_zi, {theta}, ref_hurdle(y, eta_zi, ref_nb2(y, mu, theta), ref_nb2(0, mu, theta))});
    }
  }
  for (auto [y, mu, phi, zoi, coi] : std::vector<std::tuple<double, double, double, double, double>>{
           {0, 0.5, 1, 1 - 1e-12, 0.5}, {1, 0.5, 1, 1e-7, 1 - 1e-9}, {0.5, 0.5, 1e6, 1 - 1e-7, 0.5}, {1e-9, 1e-8, 1e3, 1e-7, 0.3}})
    e.push_back({"zoib", y, 1, mu, NAN, {phi, zoi, coi}, ref_zoib(y, mu, phi, zoi, coi)});
  return e;
}

}  // namespace

TEST_CASE("log densities at extreme points equal independent long double computations") {
  auto& registry = testing::build_tree_plugins();
  const links::ScalarLink<links::Identity> identity;  // mu given directly
  for (const auto& x : extreme_points()) {
    auto family = registry.create_family(x.family, "test");
    const Point p = evaluate(*family, identity, x.y, x.w, x.mu, x.eta_zi, x.params);
    const double expected = double(x.expected.value);
    CAPTURE(describe(x.family, "identity", x.y, x.w, x.mu, x.eta_zi, x.params));
    CAPTURE(expected);
    CAPTURE(p.l);
    REQUIRE(std::isfinite(expected));
    CHECK(std::isfinite(p.d1));
    CHECK(std::isfinite(p.d2));
    // Within a few units in the last place of the terms the family sums: its log_constant
    // (log y!, log choose(n, k)) and the rest are each exact to rounding, but for large counts
    // they are large and cancel (binomial with 1e9 trials: 5e8 - 5e8 = -10, to +-1e-7); and
    // within the reference's own rounding (long double lgamma of 1e7 is good to 2e-11).
    const double without_constants = log_density_only(*family, identity, x.y, x.w, x.mu, x.eta_zi, x.params, true);
    const double terms = std::abs(without_constants) + std::abs(p.l - without_constants);
    const double reference_error = double(8 * LDBL_EPSILON * x.expected.size);
    CAPTURE(terms);
    CAPTURE(reference_error);
    CHECK(std::abs(p.l - expected) <=
          1e-13 * std::max(1.0, std::abs(expected)) + 4 * DBL_EPSILON * terms + reference_error);
  }
}

TEST_CASE("NB1 and NB2 derivatives in mu at large counts equal long double sums") {
  // NB1 on counts up to ~10,000 with mean ~530 (glmmTMB's test-families.R nbinom1 case):
  //   l_mu = (psi(s + y) - psi(s) - log1p(phi)) / phi,  l_mumu = (psi'(s + y) - psi'(s)) / phi^2,
  // s = mu / phi; the digamma differences as sums of 1 / (s + k).
  auto& registry = testing::build_tree_plugins();
  const links::ScalarLink<links::Identity> identity;
  auto nb1 = registry.create_family("nb1", "test");
  for (double y : {0.0, 1.0, 63.0, 64.0, 530.0, 2000.0, 1e4})
    for (double mu : {1e-3, 1.0, 60.0, 530.0, 1e4, 1e7})
      for (double phi : {1e-6, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e6}) {
        const LD s = LD(mu) / phi;
        LD digamma_diff = 0, trigamma_diff = 0;
        for (double k = 0; k < y; ++k) {
          digamma_diff += 1 / (s + k);
          trigamma_diff -= 1 / ((s + k) * (s + k));
        }
        const LD d1 = (digamma_diff - std::log1p(LD(phi))) / phi, d2 = trigamma_diff / (LD(phi) * phi);
        const Point p = evaluate(*nb1, identity, y, 1, mu, NAN, {phi});
        CAPTURE(y);
        CAPTURE(mu);
        CAPTURE(phi);
        CAPTURE(p.d1);
        CAPTURE(double(d1));
        CAPTURE(p.d2);
        CAPTURE(double(d2));
        // l_mu cancels at the mode (psi difference = log1p(phi)); allow rounding in its terms.
        CHECK(std::abs(p.d1 - double(d1)) <= 1e-10 * std::abs(double(d1)) + 1e-13 * double(digamma_diff + std::log1p(LD(phi))) / phi);
        CHECK(std::abs(p.d2 - double(d2)) <= 1e-10 * std::abs(double(d2)));
        const Ref l = ref_nb1(y, mu, phi);
        CHECK(std::abs(p.l - double(l.value)) <= 1e-13 * std::max(LD(1), std::abs(l.value)) + 8 * LDBL_EPSILON * l.size +
                                                     4 * DBL_EPSILON * std::lgamma(y + 1));
      }
  auto nb2 = registry.create_family("nb2", "test");
  for (double y : {0.0, 1.0, 64.0, 1e4, 1e6})
    for (double mu : {1e-10, 1.0, 530.0, 1e6, 1e13})
      for (double theta : {1e-6, 1.0, 1e3, 1e7}) {
        const LD m = mu, t = theta;
        const LD d1 = t * (y - m) / (m * (t + m));
        const LD d2 = -t * (y * t + 2 * y * m - m * m) / (m * m * (t + m) * (t + m));
        const Point p = evaluate(*nb2, identity, y, 1, mu, NAN, {theta});
        CAPTURE(y);
        CAPTURE(mu);
        CAPTURE(theta);
        CHECK(std::abs(p.d1 - double(d1)) <= 1e-12 * std::abs(double(d1)) + 1e-300);
        CHECK(std::abs(p.d2 - double(d2)) <= 1e-10 * std::abs(double(d2)) + 1e-300);
      }
}

TEST_CASE("every family refuses negative, infinite and NaN weights") {
  auto& registry = testing::build_tree_plugins();
  for (const auto& name : registry.names("family")) {
    auto family = registry.create_family(name, "test");
    if (family->support() == Support::OrderedCategories) family->set_response({{"a", "b", "c"}, {1, 1, 1}});
    const double y = family->support() == Support::UnitInterval ? 0.5 : (family->support() == Support::PositiveReal ? 2.0 : 1.0);
    for (double w : {-1.0, double(INFINITY), double(NAN)}) {
      CAPTURE(name);
      CAPTURE(w);
      auto problem = family->check_response({{&y, 1}, {&w, 1}});
      REQUIRE(problem);
      CHECK(problem->reason.find("weights") != std::string::npos);
    }
    const double ok = 2;
    CHECK_FALSE(family->check_response({{&y, 1}, {&ok, 1}}));
  }
}

namespace {

// Value, first and second derivative of f at mu by nested Jets (what AutoDiffFamily does).
template <class F>
void jet_derivatives(F f, double mu, double& l, double& l_mu, double& l_mumu) {
  using J1 = ceres::Jet<double, 1>;
  using J2 = ceres::Jet<J1, 1>;
  J2 m(J1(mu, 0), 0);
  m.v[0] = J1(1.0);
  const J2 r = f(m);
  l = r.a.a;
  l_mu = r.a.v[0];
  l_mumu = r.v[0].v[0];
}

}  // namespace

TEST_CASE("the SDK's lgamma and polygamma differences, log beta and log choose equal long double sums on both sides of their switches") {
  // psi^(n)(x + y) - psi^(n)(x) switches from sums (whole y < 64) to the asymptotic series
  // (x >= 20) or plain differences (x < 20).
  for (double x : {1e-20, 1e-6, 0.3, 5.0, 19.9, 20.0, 20.1, 100.0, 5.3e5, 1e9, 1e16})
    for (double y : {0.0, 1.0, 2.0, 63.0, 64.0, 65.0, 1000.0, 1e4, 2.5, 70.5}) {
      // References: sums for whole y; lgammal and a sum via the recurrence for the rest.
      const bool whole = y == std::round(y);
      LD lgamma_diff = 0, digamma_diff = 0, trigamma_diff = 0, tetragamma_diff = 0, size = 0;
      if (whole) {
        for (double k = 0; k < y; ++k) {
          const LD t = LD(x) + k;
          lgamma_diff += std::log(t);
          size += std::abs(std::log(t));
          digamma_diff += 1 / t;
          trigamma_diff -= 1 / (t * t);
          tetragamma_diff += 2 / (t * t * t);
        }
      } else {
        if (x > 1e3) continue;  // lgammal's own rounding would hide the comparison
        lgamma_diff = std::lgamma(LD(x) + y) - std::lgamma(LD(x));
        size = std::abs(std::lgamma(LD(x) + y)) + std::abs(std::lgamma(LD(x)));
        digamma_diff = boost::math::digamma(LD(x) + y) - boost::math::digamma(LD(x));
      }
      CAPTURE(x);
      CAPTURE(y);
      const double l = polygamma_difference(-1, x, y);
      CHECK(std::abs(l - double(lgamma_diff)) <= 4 * DBL_EPSILON * double(size) + 1e-300);
      CHECK(lgamma_difference(x, y) == l);
      CHECK(polygamma_difference(0, x, y) == doctest::Approx(double(digamma_diff)).epsilon(1e-13));
      if (!whole) continue;
      CHECK(polygamma_difference(1, x, y) == doctest::Approx(double(trigamma_diff)).epsilon(1e-13));
      CHECK(polygamma_difference(2, x, y) == doctest::Approx(double(tetragamma_diff)).epsilon(1e-12));
      // The Jet version carries the next difference as the derivative.
      using J = ceres::Jet<double, 1>;
      const J lj = lgamma_difference(J(x, 0), y);
      CHECK(lj.a == l);
      CHECK(lj.v[0] == polygamma_difference(0, x, y));
    }
  // log Beta(a, b) for a, b small and large, against lgammal (the reference's rounding allowed).
  for (double a : {1e-8, 0.5, 3.0, 9.9, 10.0, 1e3, 1e6, 1e8})
    for (double b : {1e-8, 0.5, 3.0, 9.9, 10.0, 1e3, 1e6, 1e8}) {
      const LD ga = std::lgamma(LD(a)), gb = std::lgamma(LD(b)), gab = std::lgamma(LD(a) + b);
      const LD expected = ga + gb - gab;
      CAPTURE(a);
      CAPTURE(b);
      CHECK(std::abs(log_beta(a, b) - double(expected)) <=
            1e-14 * std::abs(double(expected)) + double(8 * LDBL_EPSILON * (std::abs(ga) + std::abs(gb) + std::abs(gab))) + 1e-15);
    }
  // log choose(n, k) up to n = 1e9 (R's lchoose); three lgamma values of 2e10 would leave 1e-6.
  for (auto [n, k] : std::vector<std::pair<double, double>>{{1, 1}, {5, 2}, {64, 32}, {1e6, 1}, {1e6, 3e5}, {1e9, 2.5e8}, {1e9, 7}})
    CHECK(log_choose(n, k) ==
          doctest::Approx(double(std::lgamma(LD(n) + 1) - std::lgamma(LD(k) + 1) - std::lgamma(LD(n) - k + 1))).epsilon(1e-9));
  // The zero probability from its logit: log(1 - pi) stays finite where pi rounds to 1.
  const ZeroProbability far = ZeroProbability::from_logit(40);
  CHECK(far.p == 1.0);
  CHECK(far.log1m_p == doctest::Approx(-40.0).epsilon(1e-15));
  CHECK(far.log_p == doctest::Approx(-4.248354255291589e-18).epsilon(1e-12));
  const ZeroProbability near_zero = ZeroProbability::from_logit(-745);
  CHECK(near_zero.log_p == doctest::Approx(-745.0));
  CHECK(std::isfinite(near_zero.log1m_p));
}

TEST_CASE("hand-written NB1, NB2 and gamma derivatives equal the nested-Jet derivatives of their log densities") {
  for (double y : {0.0, 1.0, 63.0, 64.0, 530.0, 1e4, 1e6})
    for (double mu : {1e-10, 0.02, 1.0, 60.0, 530.0, 1e4, 1e8, 1e13})
      for (double p : {std::exp(-15.0), 1e-3, 1.0, 1e3, std::exp(15.0)}) {
        CAPTURE(y);
        CAPTURE(mu);
        CAPTURE(p);
        // l_mu sums terms of about (1 + (1 + y) / mu) (times the shape for gamma) and l_mumu
        // terms of that over mu; near the mode they cancel, and the two ways round differ there.
        const double scale = 1 + (1 + y) / mu;
        auto close = [](double analytic, double jet, double terms) {
          return std::abs(analytic - jet) <= 1e-9 * std::abs(jet) + 1e-13 * terms;
        };
        double l, l_mu, l_mumu, a_mu, a_mumu;
        jet_derivatives([&](auto m) { return counts::log_nb1_without_factorial(y, m, constant<decltype(m)>(p)); }, mu, l,
                        l_mu, l_mumu);
        counts::nb1_mu_derivatives(y, mu, p, a_mu, a_mumu);
        CHECK(l == doctest::Approx(counts::log_nb1_without_factorial(y, mu, p)).epsilon(1e-15));
        CHECK(close(a_mu, l_mu, scale));
        CHECK(close(a_mumu, l_mumu, scale / mu));
        jet_derivatives([&](auto m) { return counts::log_nb2_without_factorial(y, m, constant<decltype(m)>(p)); }, mu, l,
                        l_mu, l_mumu);
        counts::nb2_mu_derivatives(y, mu, p, a_mu, a_mumu);
        CHECK(close(a_mu, l_mu, scale));
        CHECK(close(a_mumu, l_mumu, scale / mu));
        if (y == 0) continue;  // gamma needs y > 0
        jet_derivatives([&](auto m) { return continuous::log_gamma_mean(y, m, constant<decltype(m)>(p)); }, mu, l, l_mu,
                        l_mumu);
        continuous::gamma_mu_derivatives(y, mu, p, a_mu, a_mumu);
        CHECK(close(a_mu, l_mu, p * scale / mu));
        CHECK(close(a_mumu, l_mumu, p * scale / mu / mu));
      }
}

TEST_CASE("families do not throw outside the representable range: they return non-finite values for the kernel to step back from") {
  // Far beyond the grid above (mu = 1e-310, where trigamma overflows; mu = 0 or inf, a pole of
  // lgamma), Boost.Math's default policy would throw, ending the fit instead of letting the
  // kernel halve its step.
  auto& registry = testing::build_tree_plugins();
  const links::ScalarLink<links::Identity> identity;
  for (const auto& name : registry.names("family")) {
    auto family = registry.create_family(name, "test");
    if (family->support() == Support::OrderedCategories) continue;  // test_ordinal.cpp
    const bool unit = family->support() == Support::Binomial || family->support() == Support::UnitInterval ||
                      family->support() == Support::ClosedUnitInterval;
    const std::vector<double> mus = unit ? std::vector<double>{0.0, 1e-310, 1e-300, 1 - 1e-16, 1.0}
                                         : std::vector<double>{0.0, 1e-310, 1e-300, 1e300, HUGE_VAL};
    for (double mu : mus)
      for (double p : {1e-300, 1e-20, 1e20, 1e300})
        for (auto [y, w] : responses(family->support())) {
          std::vector<double> params;
          for (const auto& info : family->parameters()) params.push_back(info.scale == ParameterScale::Logit ? 0.5 : p);
          CAPTURE(describe(name, "identity", y, w, mu, 0.0, params));
          CHECK_NOTHROW(evaluate(*family, identity, y, w, mu, 0.0, params));
        }
  }
}
