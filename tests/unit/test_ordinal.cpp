// The ordinal family (issue 14) and what the kernel learned for it: the cumulative link
// log density against R (ordinal's link functions), its derivatives in eta for every link,
// also far out; the links' latent distribution functions; ordinal's threshold structures
// (makeThresholds' tJac); level probabilities; the ordered parameter scale of ParameterLayout.
#include <doctest/doctest.h>

#include <weft/cumulative_link.hpp>
#include <weft/link.hpp>

#include "fit/parameter_layout.hpp"
#include "plugin_fixture.hpp"

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace weft;

namespace {

struct Point {
  double l = NAN, d1 = NAN, d2 = NAN;
};

Point evaluate(const Family& family, const Link& link, double y, double w, double eta, const std::vector<double>& params) {
  Point p;
  const Observations obs{{&y, 1}, {&w, 1}};
  const LinearPredictors lp{{&eta, 1}, {}};
  FamilyDerivatives out;
  out.log_density = {&p.l, 1};
  out.d1 = {&p.d1, 1};
  out.d2 = {&p.d2, 1};
  family.evaluate(obs, lp, link, params, out);
  return p;
}

std::unique_ptr<Family> ordinal(const std::string& thresholds, const std::vector<std::string>& levels,
                                const std::vector<double>& weights = {}) {
  auto family = testing::build_tree_plugins().create_family("ordinal", "test");
  family->configure(Options("test", "family", {{"thresholds", thresholds}}));
  family->set_response({levels, weights.empty() ? std::vector<double>(levels.size(), 1.0) : weights});
  return family;
}

const std::vector<std::string> kLinks = {"logit", "probit", "cloglog", "loglog", "cauchit"};

}  // namespace

TEST_CASE("ordinal log densities equal R's (ordinal's plogis, pnorm, pgumbel, pcauchy) for every link") {
  // R: th <- c(-1.2, 0.4, 2.1); log(diff(c(0, F(th - eta), 1))) with ordinal's F for each link
  struct Row {
    const char* link;
    double eta;
    double log_p[4];
  };
  const Row rows[] = {
      {"logit", -0.7, {-0.9740769841801068, -0.98692932253673493, -1.6480970470708478, -2.8590328262879714}},
      {"logit", 0.3, {-1.7014132779827524, -1.071326951297521, -1.0991031662670903, -1.9529776105260748}},
      {"logit", 1.9, {-3.1440639679385733, -1.970994259162524, -1.0012810430317896, -0.79813886938159195}},
      {"probit", -0.7, {-1.1759117615936185, -0.5873532382552854, -2.0165724336175104, -5.9696520466751899}},
      {"probit", 0.3, {-2.7059444008238898, -0.74861626351762289, -0.85745160048562297, -3.3261737963785944}},
      {"probit", 1.9, {-6.9406884584212269, -2.7205338274976971, -0.66854723924831194, -0.86573952268159549}},
      {"cloglog", -0.7, {-0.7879837387044486, -0.70186683408918693, -3.0041674789822834, -16.444646770670104}},
      {"cloglog", 0.3, {-1.6094914788905252, -0.75745866432270303, -1.1123190472479305, -6.0496474644129581}},
      {"cloglog", 1.9, {-3.1224400430169514, -1.858285675725974, -0.68281198857691672, -1.2214027581601701}},
      {"loglog", -0.7, {-1.6487212707001282, -0.6451821988038976, -1.4954873189039612, -2.8302509584054611}},
      {"loglog", 0.3, {-4.4816890703380645, -0.93319944361282348, -0.81411179867028061, -1.8815112147942994}},
      {"loglog", 1.9, {-22.197951281441625, -4.4816890905647666, -0.84472212147338765, -0.58158975218663667}},
      {"cauchit", -0.7, {-1.0429418980620317, -0.88496216203533773, -2.0741283506868835, -2.2146849229563967}},
      {"cauchit", 0.3, {-1.6757537891407275, -1.0654914623824894, -1.1813636114346051, -1.8237798913696852}},
      {"cauchit", 1.9, {-2.309346981126291, -2.4322274905794403, -0.97905505083162425, -0.82743991021711683}},
  };
  auto family = ordinal("flexible", {"1", "2", "3", "4"});
  const std::vector<double> theta = {-1.2, 0.4, 2.1};
  for (const Row& row : rows) {
    auto link = make_builtin_link(row.link);
    REQUIRE(link);
    for (int k = 0; k < 4; ++k) {
      CAPTURE(row.link);
      CAPTURE(row.eta);
      CAPTURE(k);
      // (R's 1 - pgumbel(2.8, max = FALSE) cancels: its value is good to ~1e-10 only)
      CHECK(evaluate(*family, *link, k, 1.0, row.eta, theta).l == doctest::Approx(row.log_p[k]).epsilon(1e-9));
      // prior weights multiply the log density
      CHECK(evaluate(*family, *link, k, 2.5, row.eta, theta).l ==
            doctest::Approx(2.5 * evaluate(*family, *link, k, 1.0, row.eta, theta).l).epsilon(1e-15));
    }
    std::vector<double> probabilities(4);
    family->predict_columns(row.eta, 0.0, *link, theta, probabilities);
    double total = 0;
    for (int k = 0; k < 4; ++k) {
      CHECK(probabilities[std::size_t(k)] == doctest::Approx(std::exp(row.log_p[k])).epsilon(1e-12));
      total += probabilities[std::size_t(k)];
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-14));
  }
  CHECK(family->prediction_columns() == std::vector<std::string>{"1", "2", "3", "4"});
  CHECK(family->absorbs_intercept());
  CHECK_FALSE(family->has_expected_information());
}

TEST_CASE("ordinal d1 and d2 in eta agree with finite differences for every link, and stay finite far out") {
  auto family = ordinal("flexible", {"a", "b", "c", "d", "e"});
  const std::vector<double> theta = {-2.0, -0.5, 0.3, 1.8};
  for (const auto& name : kLinks) {
    auto link = make_builtin_link(name);
    for (double eta : {-3.0, -0.8, 0.1, 0.9, 2.5})
      for (int k = 0; k < 5; ++k) {
        CAPTURE(name);
        CAPTURE(eta);
        CAPTURE(k);
        const double h = 1e-4;
        const Point p = evaluate(*family, *link, k, 1.0, eta, theta);
        Point at[4];
        const double steps[4] = {-2 * h, -h, h, 2 * h};
        for (int s = 0; s < 4; ++s) at[s] = evaluate(*family, *link, k, 1.0, eta + steps[s], theta);
        const double fd1 = (at[0].l - 8 * at[1].l + 8 * at[2].l - at[3].l) / (12 * h);
        const double fd2 = (at[0].d1 - 8 * at[1].d1 + 8 * at[2].d1 - at[3].d1) / (12 * h);
        CHECK(p.d1 == doctest::Approx(fd1).epsilon(1e-8).scale(1.0));
        CHECK(p.d2 == doctest::Approx(fd2).epsilon(1e-7).scale(1.0));
      }
    // Far out: every level keeps a finite log density while its probability is representable.
    for (double eta : {-40.0, -25.0, 25.0, 40.0})
      for (int k = 0; k < 5; ++k) {
        CAPTURE(name);
        CAPTURE(eta);
        CAPTURE(k);
        const Point p = evaluate(*family, *link, k, 1.0, eta, theta);
        CHECK(std::isfinite(p.d1));
        CHECK(std::isfinite(p.d2));
        // the extreme levels stay finite far into their tails (probabilities above 1e-300)
        if ((k == 0 && eta < 0) || (k == 4 && eta > 0)) CHECK(std::isfinite(p.l));
        if (std::isfinite(p.l)) CHECK(p.l <= 0);
      }
  }
}

TEST_CASE("links read as distribution functions: F + (1 - F) = 1, f = F', f' = f'; loglog and cauchit as R") {
  for (const auto& name : kLinks) {
    auto link = make_builtin_link(name);
    for (double x : {-30.0, -4.0, -0.6, 0.0, 0.7, 3.5, 30.0}) {
      CAPTURE(name);
      CAPTURE(x);
      LatentValue v, up, down;
      REQUIRE(link->latent(x, v));
      const double h = 1e-5 * std::max(1.0, std::abs(x));
      link->latent(x + h, up);
      link->latent(x - h, down);
      CHECK(v.cdf + v.upper == doctest::Approx(1.0).epsilon(1e-15));
      // differences of the accurate tail: F below 0, 1 - F above
      const double fd = x < 0 ? (up.cdf - down.cdf) / (2 * h) : (down.upper - up.upper) / (2 * h);
      const double fd_slope = (up.density - down.density) / (2 * h);
      CHECK(std::abs(v.density - fd) <= 1e-6 * std::abs(fd) + 1e-12);
      CHECK(std::abs(v.slope - fd_slope) <= 1e-5 * std::abs(fd_slope) + 1e-10);
      // inside R's guards the latent F is the inverse link
      if (std::abs(x) < 5) CHECK(link->linkinv(x) == doctest::Approx(v.cdf).epsilon(1e-14));
    }
  }
  LatentValue v;
  CHECK_FALSE(make_builtin_link("log")->latent(0.0, v));
  // R: ordinal::pgumbel(0.3) = exp(-exp(-0.3)); pcauchy(0.3); qcauchy(0.7)
  CHECK(make_builtin_link("loglog")->linkinv(0.3) == doctest::Approx(0.47672369071459408).epsilon(1e-14));
  CHECK(make_builtin_link("cauchit")->linkinv(0.3) == doctest::Approx(0.59277357907774231).epsilon(1e-14));
  CHECK(make_builtin_link("cauchit")->linkfun(0.7) == doctest::Approx(0.72654252800536079).epsilon(1e-12));
  CHECK(make_builtin_link("loglog")->linkfun(0.47672369071459408) == doctest::Approx(0.3).epsilon(1e-12));
  // the upper tail keeps its precision: 1 - F(40) for logit is e^-40, not 0
  make_builtin_link("logit")->latent(40.0, v);
  CHECK(v.upper == doctest::Approx(std::exp(-40.0)).epsilon(1e-12));
  make_builtin_link("cauchit")->latent(-1e10, v);
  CHECK(v.cdf == doctest::Approx(1.0 / (M_PI * 1e10)).epsilon(1e-9));
}

TEST_CASE("threshold structures are ordinal's makeThresholds maps, with names, scales and ordered starts") {
  using cumulative::Structure;
  const std::vector<std::string> five = {"1", "2", "3", "4", "5"};
  std::vector<double> theta(4);
  SUBCASE("flexible: \"1|2\", ... as ordinal names them; theta_2.. ordered after the one before") {
    const auto p = cumulative::parameters(Structure::Flexible, {"low", "mid", "high"}, {3, 5, 2});
    REQUIRE(p.size() == 2);
    CHECK(p[0].name == "low|mid");
    CHECK(p[1].name == "mid|high");
    CHECK(p[0].scale == ParameterScale::Identity);
    CHECK(p[1].scale == ParameterScale::Increasing);
    // logistic quantiles of the cumulative proportions, each level with half a row more
    CHECK(p[0].start == doctest::Approx(std::log(3.5 / 8.0)));
    CHECK(p[1].start == doctest::Approx(std::log(9.0 / 2.5)));
  }
  SUBCASE("equidistant: tJac = cbind(1, 0:(ntheta - 1))") {
    const auto p = cumulative::parameters(Structure::Equidistant, five, {1, 2, 3, 2, 1});
    REQUIRE(p.size() == 2);
    CHECK(p[0].name == "threshold.1");
    CHECK(p[1].name == "spacing");
    CHECK(p[1].scale == ParameterScale::Log);
    CHECK(p[1].start > 0);
    const std::vector<double> alpha = {-1.215, 2.559};
    cumulative::thresholds(Structure::Equidistant, 4, alpha, theta);
    CHECK(theta == std::vector<double>{-1.215, -1.215 + 2.559, -1.215 + 2 * 2.559, -1.215 + 3 * 2.559});
  }
  SUBCASE("symmetric, even number of thresholds: central.1, central.2, spacing.1 (tJac for 4 and 6)") {
    const auto p = cumulative::parameters(Structure::Symmetric, five, {1, 2, 3, 2, 1});
    REQUIRE(p.size() == 3);
    CHECK(p[0].name == "central.1");
    CHECK(p[1].name == "central.2");
    CHECK(p[2].name == "spacing.1");
    CHECK(p[1].scale == ParameterScale::Increasing);
    CHECK(p[2].scale == ParameterScale::Log);
    CHECK(p[1].start > p[0].start);
    // wine_symmetric's estimates and clmm's implied thresholds (info.thresholds)
    const std::vector<double> alpha = {1.30972488741253, 3.97063189108017, 2.48356631222463};
    cumulative::thresholds(Structure::Symmetric, 4, alpha, theta);
    CHECK(theta[0] == doctest::Approx(-1.1738414248121));
    CHECK(theta[1] == doctest::Approx(1.30972488741253));
    CHECK(theta[2] == doctest::Approx(3.97063189108017));
    CHECK(theta[3] == doctest::Approx(6.4541982033048));
    std::vector<double> six(6);
    cumulative::thresholds(Structure::Symmetric, 6, std::vector<double>{1, 2, 0.5, 1.5}, six);
    CHECK(six == std::vector<double>{1 - 1.5, 1 - 0.5, 1, 2, 2 + 0.5, 2 + 1.5});
    const auto seven = cumulative::parameters(Structure::Symmetric, {"a", "b", "c", "d", "e", "f", "g"}, {});
    REQUIRE(seven.size() == 4);
    CHECK(seven[3].name == "spacing.2");
    CHECK(seven[3].scale == ParameterScale::Increasing);
    CHECK(seven[3].start > seven[2].start);
  }
  SUBCASE("symmetric, odd number of thresholds: central, spacing.1, spacing.2 (tJac for 3 and 5)") {
    const auto p = cumulative::parameters(Structure::Symmetric, {"a", "b", "c", "d"}, {});
    REQUIRE(p.size() == 2);
    CHECK(p[0].name == "central");
    CHECK(p[1].name == "spacing.1");
    std::vector<double> three(3), five_t(5);
    cumulative::thresholds(Structure::Symmetric, 3, std::vector<double>{0.4, 1.1}, three);
    CHECK(three == std::vector<double>{0.4 - 1.1, 0.4, 0.4 + 1.1});
    cumulative::thresholds(Structure::Symmetric, 5, std::vector<double>{0.4, 1.1, 2.0}, five_t);
    CHECK(five_t == std::vector<double>{0.4 - 2.0, 0.4 - 1.1, 0.4, 0.4 + 1.1, 0.4 + 2.0});
  }
  SUBCASE("equidistant and symmetric need three levels, as ordinal") {
    CHECK_THROWS_WITH_AS(cumulative::parameters(Structure::Equidistant, {"no", "yes"}, {1, 1}),
                         doctest::Contains("equidistant thresholds need a response with at least 3 levels"), InputError);
    CHECK_THROWS_AS(cumulative::parameters(Structure::Symmetric, {"no", "yes"}, {1, 1}), InputError);
    CHECK(cumulative::parameters(Structure::Flexible, {"no", "yes"}, {1, 1}).size() == 1);
  }
  SUBCASE("the family derives the thresholds from any structure") {
    auto family = ordinal("symmetric", five);
    CHECK(family->derived_names() == std::vector<std::string>{"1|2", "2|3", "3|4", "4|5"});
    std::vector<double> out(4);
    family->derive(std::vector<double>{1.30972488741253, 3.97063189108017, 2.48356631222463}, out);
    CHECK(out[3] == doctest::Approx(6.4541982033048));
  }
}

TEST_CASE("the ordinal family learns its parameters from the response's levels") {
  auto family = testing::build_tree_plugins().create_family("ordinal", "test");
  CHECK(family->option_names() == std::vector<std::string>{"thresholds"});
  CHECK(family->support() == Support::OrderedCategories);
  CHECK_THROWS_WITH_AS(family->configure(Options("config.yaml", "family", {{"thresholds", "flexibel"}})),
                       "config.yaml: family.thresholds: expected one of flexible, equidistant, symmetric, got 'flexibel'",
                       InputError);
  family->configure(Options("config.yaml", "family", {}));
  family->set_response({{"1", "2", "4", "5"}, {10, 20, 5, 7}});  // level 3 never occurred
  const auto p = family->parameters();
  REQUIRE(p.size() == 3);
  CHECK(p[1].name == "2|4");
  CHECK(p[0].start < p[1].start);
  CHECK(p[1].start < p[2].start);
  CHECK_THROWS_AS(family->set_response({{"only"}, {3}}), InputError);
  // responses are level indices with valid weights
  const double y[] = {0, 3, 2.5, 4}, w[] = {1, 1, 1, 1};
  CHECK_FALSE(family->check_response({{y, 2}, {w, 2}}));
  CHECK(family->check_response({{y, 3}, {w, 3}})->row == 2);
  CHECK(family->check_response({{y + 3, 1}, {w, 1}})->reason == "expected the index of a response level (0 to 3), got 4");
}

TEST_CASE("ParameterLayout: ordered family parameters are optimised as log increments, with their Jacobian") {
  ModelMatrices model;
  model.y = Vector::Zero(4);
  model.X = Matrix::Zero(4, 1);
  model.X_zi = Matrix(4, 0);
  std::vector<FamilyParameterInfo> info = {{"a|b", ParameterScale::Identity, -1.0},
                                           {"b|c", ParameterScale::Increasing, 0.5},
                                           {"c|d", ParameterScale::Increasing, 2.0},
                                           {"shape", ParameterScale::Log, 3.0}};
  const fit::ParameterLayout layout(model, info, {});
  ModelParameters at = layout.start(model);
  const Vector x = layout.pack(at);
  CHECK(x(layout.family_begin()) == doctest::Approx(-1.0));
  CHECK(x(layout.family_begin() + 1) == doctest::Approx(std::log(1.5)));
  CHECK(x(layout.family_begin() + 2) == doctest::Approx(std::log(1.5)));
  const ModelParameters back = layout.unpack(x);
  for (std::size_t k = 0; k < info.size(); ++k) CHECK(back.family[k] == doctest::Approx(at.family[k]));
  // any x gives ordered thresholds
  Vector wild = x;
  wild(layout.family_begin() + 1) = -8;
  wild(layout.family_begin() + 2) = 4;
  const ModelParameters ordered = layout.unpack(wild);
  CHECK(ordered.family[0] < ordered.family[1]);
  CHECK(ordered.family[1] < ordered.family[2]);
  // the Jacobian against finite differences of unpack
  const Matrix J = layout.family_jacobian(at);
  for (Index e = 0; e < layout.n_family_estimated(); ++e) {
    Vector up = x, down = x;
    up(layout.family_begin() + e) += 1e-6;
    down(layout.family_begin() + e) -= 1e-6;
    const auto u = layout.unpack(up).family, d = layout.unpack(down).family;
    for (std::size_t k = 0; k < info.size(); ++k) CHECK(J(Index(k), e) == doctest::Approx((u[k] - d[k]) / 2e-6).epsilon(1e-6));
  }
  // thresholds are unbounded, as fixed effects; increments and logs bounded by +-15
  CHECK(layout.lower(model)(layout.family_begin()) == -std::numeric_limits<double>::infinity());
  CHECK(layout.lower(model)(layout.family_begin() + 1) == -fit::ParameterLayout::kFamilyParameterBound);
  CHECK(layout.upper()(layout.family_begin() + 3) == fit::ParameterLayout::kFamilyParameterBound);
  CHECK_FALSE(layout.family_parameter_bounded(0));
  CHECK(layout.family_parameter_bounded(1));
}
