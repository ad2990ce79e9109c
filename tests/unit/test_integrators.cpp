// The integrator plugins at known parameter values: lme4's cbpp deviances (Laplace and
// AGQ with 25 points, the full log-likelihood) and AGQ's model checks. The cbpp matrices are
// built by hand here so these tests do not depend on the formula code.
#include <doctest/doctest.h>

#include "plugin_fixture.hpp"

#include <fstream>
#include <sstream>

namespace {

using namespace weft;

// lme4's cbpp: cbind(incidence, size - incidence) ~ factor(period) + (1 | herd).
ModelMatrices cbpp() {
  std::ifstream in(std::string(WEFT_SOURCE_DIR) + "/configs/data/cbpp.csv");
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  std::vector<int> herd, incidence, size, period;
  while (std::getline(in, line)) {
    for (char& c : line)
      if (c == '"') c = ' ';
    std::stringstream s(line);
    std::string cell[4];
    for (auto& c : cell) std::getline(s, c, ',');
    herd.push_back(std::stoi(cell[0]));
    incidence.push_back(std::stoi(cell[1]));
    size.push_back(std::stoi(cell[2]));
    period.push_back(std::stoi(cell[3]));
  }
  const Index n = Index(herd.size());
  ModelMatrices m;
  m.y.resize(n);
  m.weights.resize(n);
  m.offset = Vector::Zero(n);
  m.X = Matrix::Zero(n, 4);
  std::vector<Eigen::Triplet<double>> z;
  for (Index i = 0; i < n; ++i) {
    m.y(i) = double(incidence[i]) / size[i];
    m.weights(i) = size[i];
    m.X(i, 0) = 1;
    if (period[i] > 1) m.X(i, period[i] - 1) = 1;
    z.emplace_back(i, herd[i] - 1, 1.0);
  }
  m.Z.resize(n, 15);
  m.Z.setFromTriplets(z.begin(), z.end());
  m.fixef_names = {"(Intercept)", "factor(period)2", "factor(period)3", "factor(period)4"};
  RandomEffectTerm term;
  term.group = "herd";
  term.columns = {"(Intercept)"};
  for (int j = 1; j <= 15; ++j) term.levels.push_back(std::to_string(j));
  m.terms.push_back(term);
  return m;
}

ModelParameters at(double theta, std::vector<double> beta) {
  ModelParameters p;
  p.theta = Vector::Constant(1, theta);
  p.beta = Eigen::Map<Vector>(beta.data(), Index(beta.size()));
  return p;
}

double deviance(const std::string& integrator, std::map<std::string, std::string> options, const ModelMatrices& m,
                const ModelParameters& p) {
  auto& registry = testing::build_tree_plugins();
  auto family = registry.create_family("binomial", "test");
  auto link = make_builtin_link("logit");
  auto integ = registry.create_integrator(integrator, "test");
  integ->configure(Options("config.yaml", "integrator", options));
  auto likelihood = integ->bind(m, *family, *link, {});
  return likelihood->deviance(p);
}

}  // namespace

TEST_CASE("Laplace deviance at lme4's cbpp optimum is lme4's -2 logLik") {
  const ModelMatrices m = cbpp();
  const auto p = at(0.642261385924, {-1.39853205917, -0.992332794162, -1.12867223311, -1.58031393903});
  CHECK(deviance("laplace", {}, m, p) == doctest::Approx(2 * 92.0262818715).epsilon(1e-10));
  // logit is canonical: the observed Hessian gives the same approximation
  CHECK(deviance("laplace", {{"hessian", "observed"}}, m, p) == doctest::Approx(2 * 92.0262818715).epsilon(1e-10));
}

TEST_CASE("AGQ with 25 points at lme4's nAGQ = 25 optimum gives the full log-likelihood") {
  const ModelMatrices m = cbpp();
  const auto p = at(0.647518472015, {-1.39923046773, -0.991403652643, -1.12781946613, -1.57947070271});
  CHECK(deviance("agq", {{"points", "25"}}, m, p) == doctest::Approx(2 * 91.9833690373).epsilon(1e-9));
}

TEST_CASE("AGQ with one point is the Laplace approximation") {
  const ModelMatrices m = cbpp();
  const auto p = at(0.9, {-1.2, -1.0, -1.0, -1.5});
  CHECK(deviance("agq", {{"points", "1"}}, m, p) == doctest::Approx(deviance("laplace", {}, m, p)).epsilon(1e-12));
}

TEST_CASE("AGQ refuses models lme4 refuses, and bad point counts") {
  ModelMatrices m = cbpp();
  m.terms.push_back(m.terms[0]);
  m.terms[1].group = "period";
  auto& registry = testing::build_tree_plugins();
  auto family = registry.create_family("binomial", "test");
  auto link = make_builtin_link("logit");
  auto agq = registry.create_integrator("agq", "test");
  agq->configure(Options("config.yaml", "integrator", {{"points", "10"}}));
  CHECK_THROWS_WITH_AS(agq->bind(m, *family, *link, {}), doctest::Contains("exactly one grouping factor"), InputError);
  for (const char* bad : {"0", "-3", "2.5", "many", "1000000"})
    CHECK_THROWS_WITH_AS(agq->configure(Options("config.yaml", "integrator", {{"points", bad}})),
                         doctest::Contains("integrator.points"), InputError);
}
