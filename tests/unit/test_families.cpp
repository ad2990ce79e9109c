// Every shipped family: log densities against R's (tests/data/densities, made by
// make_densities.R), and derivatives in eta against finite differences for each link.
#include <doctest/doctest.h>

#include <weft/link.hpp>

#include "plugin_fixture.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using namespace weft;

struct DensityRow {
  std::string family;
  double y, weight, mu, pi, theta, logp, param2, param3;  // theta, param2, param3: the family parameters in order
};

std::vector<DensityRow> read_densities() {
  std::ifstream in(std::string(WEFT_TEST_DATA_DIR) + "/densities/densities.csv");
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  std::vector<DensityRow> rows;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::string cell[9];
    for (auto& c : cell) std::getline(s, c, ',');
    auto num = [](const std::string& t) { return t.empty() ? NAN : std::stod(t); };
    std::string family = cell[0].substr(1, cell[0].size() - 2);
    rows.push_back({family, num(cell[1]), num(cell[2]), num(cell[3]), num(cell[4]), num(cell[5]), num(cell[6]),
                    num(cell[7]), num(cell[8])});
  }
  return rows;
}

double logit(double p) { return std::log(p / (1 - p)); }

// Log density, d1 and d2 of one observation at eta.
struct Point {
  double l, d1, d2, fisher;
};
Point evaluate(const Family& family, const Link& link, double y, double w, double eta, double eta_zi,
               const std::vector<double>& params) {
  Point p{};
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

}  // namespace

TEST_CASE("family log densities equal R's dbinom, dpois, dnbinom, dgamma, dbeta, glmmTMB's zero models and zoib") {
  auto& registry = testing::build_tree_plugins();
  const links::ScalarLink<links::Identity> identity;
  std::map<std::string, int> checked;
  for (const auto& row : read_densities()) {
    auto family = registry.create_family(row.family, "test");
    std::vector<double> params;
    const double given[] = {row.theta, row.param2, row.param3};
    for (std::size_t k = 0; k < family->parameters().size() && k < 3; ++k) params.push_back(given[k]);
    const Point p = evaluate(*family, identity, row.y, row.weight, row.mu, logit(row.pi > 0 ? row.pi : 1e-300), params);
    CAPTURE(row.family);
    CAPTURE(row.y);
    CAPTURE(row.mu);
    CHECK(p.l == doctest::Approx(row.logp).epsilon(1e-10));
    ++checked[row.family];
  }
  CHECK(checked.size() == 11);
}

TEST_CASE("family derivatives in eta agree with finite differences for every link") {
  auto& registry = testing::build_tree_plugins();
  const std::vector<double> etas = {-2.0, -0.3, 0.4, 1.7};
  for (const auto& name : registry.names("family")) {
    auto family = registry.create_family(name, "test");
    if (family->support() == Support::OrderedCategories) family->set_response({{"a", "b", "c", "d"}, {1, 2, 3, 4}});
    std::vector<double> params;
    for (const auto& p : family->parameters())
      params.push_back(p.scale == ParameterScale::Log ? 1.7 : p.scale == ParameterScale::Increasing ? params.back() + 0.8 : 0.3);
    using Responses = std::vector<std::pair<double, double>>;
    Responses responses;
    switch (family->support()) {
      case Support::Binomial: responses = {{0.0, 1}, {1.0, 1}, {0.3, 10}}; break;
      case Support::Counts: responses = {{0, 1}, {1, 1}, {4, 2}}; break;
      case Support::PositiveReal: responses = {{0.2, 1}, {1, 1}, {4, 2}}; break;
      case Support::UnitInterval: responses = {{0.05, 1}, {0.5, 1}, {0.9, 2}}; break;
      case Support::ClosedUnitInterval: responses = {{0, 1}, {1, 1}, {0.05, 1}, {0.9, 2}}; break;
      case Support::Real: responses = {{-1, 1}, {0.5, 1}, {3, 2}}; break;
      case Support::OrderedCategories: responses = {{0, 1}, {1, 1}, {2, 1}, {3, 2}}; break;  // level indices
    }
    const bool unit_mean = family->support() == Support::UnitInterval || family->support() == Support::ClosedUnitInterval;
    for (const auto& link_name : family->links()) {
      auto link = make_builtin_link(link_name);
      REQUIRE(link);
      for (double eta : etas) {
        if (link_name == "identity" || link_name == "inverse") eta = std::abs(eta) + 0.5;  // a valid mean
        if (unit_mean && link_name == "identity") eta = 0.2 + 0.15 * std::abs(eta);
        for (auto [y, w] : responses) {
          CAPTURE(name);
          CAPTURE(link_name);
          CAPTURE(eta);
          CAPTURE(y);
          const double h = 1e-5, eta_zi = -0.4;
          const Point p = evaluate(*family, *link, y, w, eta, eta_zi, params);
          const Point up = evaluate(*family, *link, y, w, eta + h, eta_zi, params);
          const Point down = evaluate(*family, *link, y, w, eta - h, eta_zi, params);
          CHECK(p.d1 == doctest::Approx((up.l - down.l) / (2 * h)).epsilon(1e-6));
          CHECK(p.d2 == doctest::Approx((up.d1 - down.d1) / (2 * h)).epsilon(1e-5));
        }
      }
    }
  }
}

TEST_CASE("Fisher weights are w mu_eta^2 / V(mu), equal to -d2 for canonical links") {
  auto& registry = testing::build_tree_plugins();
  auto binomial = registry.create_family("binomial", "test");
  auto poisson = registry.create_family("poisson", "test");
  auto logit_link = make_builtin_link("logit");
  auto log_link = make_builtin_link("log");
  auto probit = make_builtin_link("probit");
  const Point b = evaluate(*binomial, *logit_link, 0.3, 10, 0.7, 0, {});
  CHECK(b.fisher == doctest::Approx(-b.d2));
  const double mu = 1 / (1 + std::exp(-0.7));
  CHECK(b.fisher == doctest::Approx(10 * mu * (1 - mu)));
  const Point p = evaluate(*poisson, *log_link, 3, 2, 0.4, 0, {});
  CHECK(p.fisher == doctest::Approx(-p.d2));
  CHECK(p.fisher == doctest::Approx(2 * std::exp(0.4)));
  // probit is not canonical: expected and observed information differ
  const Point q = evaluate(*binomial, *probit, 1.0, 1, 0.7, 0, {});
  const double dens = std::exp(-0.245) / std::sqrt(2 * M_PI), m = 0.5 * std::erfc(-0.7 / std::sqrt(2.0));
  CHECK(q.fisher == doctest::Approx(dens * dens / (m * (1 - m))));
  CHECK(q.fisher != doctest::Approx(-q.d2));
}

TEST_CASE("families reject responses outside their support, naming the value") {
  auto& registry = testing::build_tree_plugins();
  auto poisson = registry.create_family("poisson", "test");
  const double y[] = {1, -1, 2.5}, w[] = {1, 1, 1};
  auto problem = poisson->check_response({{y, 3}, {w, 3}});
  REQUIRE(problem);
  CHECK(problem->row == 1);
  CHECK(problem->reason.find("-1") != std::string::npos);
  auto binomial = registry.create_family("binomial", "test");
  const double prop[] = {0.5, 1.2}, trials[] = {4, 5};
  auto bad = binomial->check_response({{prop, 2}, {trials, 2}});
  REQUIRE(bad);
  CHECK(bad->row == 1);
  CHECK(bad->reason.find("6 successes of 5 trials") != std::string::npos);
  const double binary[] = {2}, one[] = {1};
  CHECK(binomial->check_response({{binary, 1}, {one, 1}})->reason.find("0 or 1") != std::string::npos);
}

TEST_CASE("the mean on the response scale includes the zero part") {
  auto& registry = testing::build_tree_plugins();
  CHECK(registry.create_family("zip", "t")->mean(3.0, 0.25, {}) == doctest::Approx(2.25));
  const double theta[] = {2.0};
  const double p0 = std::pow(2.0 / 5.0, 2.0);  // NB2(0; mu = 3, theta = 2)
  CHECK(registry.create_family("hurdle_nb2", "t")->mean(3.0, 0.25, theta) == doctest::Approx(0.75 * 3 / (1 - p0)));
  CHECK(registry.create_family("hurdle_poisson", "t")->mean(3.0, 0.25, {}) == doctest::Approx(0.75 * 3 / (1 - std::exp(-3.0))));
  // zoib: (1 - zoi) mu + zoi coi; the other new families' mean is mu
  const double zoib_params[] = {5.0, 0.2, 0.7};
  CHECK(registry.create_family("zoib", "t")->mean(0.4, 0.0, zoib_params) == doctest::Approx(0.8 * 0.4 + 0.2 * 0.7));
  const double one[] = {2.0};
  for (const char* name : {"nb1", "gamma", "beta"}) CHECK(registry.create_family(name, "t")->mean(0.4, 0.0, one) == doctest::Approx(0.4));
}

TEST_CASE("the families of the SDK issue reject responses outside their support") {
  auto& registry = testing::build_tree_plugins();
  auto first_bad = [&](const char* name, std::vector<double> y) {
    std::vector<double> w(y.size(), 1.0);
    auto problem = registry.create_family(name, "t")->check_response({{y.data(), y.size()}, {w.data(), w.size()}});
    return problem ? long(problem->row) : -1L;
  };
  CHECK(first_bad("nb1", {0, 3, -1}) == 2);
  CHECK(first_bad("nb1", {0, 2.5}) == 1);
  CHECK(first_bad("gamma", {0.1, 3, 0}) == 2);
  CHECK(first_bad("gamma", {-2}) == 0);
  CHECK(first_bad("beta", {0.2, 0.99, 1}) == 2);
  CHECK(first_bad("beta", {0.0}) == 0);
  CHECK(first_bad("zoib", {0, 1, 0.3}) == -1);
  CHECK(first_bad("zoib", {0, 1.2}) == 1);
  const double y[] = {0.5}, negative[] = {-1};
  CHECK(registry.create_family("beta", "t")->check_response({{y, 1}, {negative, 1}})->reason.find("weights") != std::string::npos);
}
