// The analytic gradient of the Laplace deviance (PenalizedIrls::gradient) against central
// differences of the deviance, on R-made reference models covering correlated slopes, crossed
// factors, a non-canonical link with Fisher weights, an estimated family parameter and a zero
// model; and the selected inverse it relies on against a dense inverse.
#include <doctest/doctest.h>

#include <weft/integrator/selected_inverse.hpp>

#include "config/model_spec.hpp"
#include "fit/deviance_function.hpp"
#include "fit/glm_start.hpp"
#include "fit/prepared_model.hpp"
#include "plugin_fixture.hpp"

namespace {

using namespace weft;

struct Loaded {
  fit::PreparedModel model;
  std::unique_ptr<MarginalLikelihood> likelihood;
};

Loaded load(const std::string& name, const std::vector<std::string>& set = {}) {
  Loaded l{testing::prepared_case(std::string(WEFT_SOURCE_DIR) + "/tests/reference/cases/" + name, set), nullptr};
  l.likelihood = l.model.integrator->bind(l.model.built.matrices, *l.model.family, *l.model.link, {});
  return l;
}

// Compares the analytic gradient with central differences at a point near the start.
void check_gradient(const std::string& name, bool beta_profiled, const std::vector<std::string>& set = {}) {
  CAPTURE(name);
  CAPTURE(beta_profiled);
  Loaded l = load(name, set);
  const ModelMatrices& m = l.model.built.matrices;
  const fit::ParameterLayout layout(m, l.model.family->parameters(), l.model.fixed_family_parameters);
  ModelParameters start = layout.start(m);
  start.beta = fit::glm_start(m, *l.model.family, *l.model.link, start.family);
  start.theta *= 0.7;  // off the diagonal start, and off any optimum
  for (Index i = 0; i < start.beta_zi.size(); ++i) start.beta_zi(i) = 0.3 - 0.2 * double(i);
  fit::DevianceFunction f(*l.likelihood, layout, beta_profiled, &start);
  Vector x = f.from_layout(layout.pack(start));
  for (Index i = 0; i < x.size(); ++i) x(i) += 0.01 * double(i % 3);  // correlations and slopes move too
  // The analytic path must be the one taken (value_and_gradient would fall back to differences).
  {
    ModelParameters at = f.parameters(x), g;
    double deviance = 0;
    REQUIRE(l.likelihood->has_gradient());
    REQUIRE((beta_profiled ? l.likelihood->deviance_gradient_with_beta_in_inner_problem(at, deviance, g)
                           : l.likelihood->deviance_gradient(at, deviance, g)));
  }
  Vector analytic;
  f.value_and_gradient(x, analytic);
  const Vector numeric = fit::central_gradient(f.as_function(), x, fit::difference_steps(x, 1e-5));
  REQUIRE(analytic.size() == numeric.size());
  for (Index i = 0; i < x.size(); ++i) {
    CAPTURE(i);
    CHECK(analytic(i) == doctest::Approx(numeric(i)).epsilon(1e-5).scale(std::max(1.0, numeric.cwiseAbs().maxCoeff() * 1e-2)));
  }
}

}  // namespace

TEST_CASE("Laplace gradient: correlated random slopes, Poisson") { check_gradient("slopes_correlated", false); }
TEST_CASE("Laplace gradient: crossed factors, binomial with trials") { check_gradient("crossed", false); }
TEST_CASE("Laplace gradient: probit with Fisher weights (lme4) and exact weights (glmmTMB)") {
  check_gradient("probit_expected", false);
  check_gradient("probit_observed", false);
}
TEST_CASE("Laplace gradient: NB2 theta estimated") { check_gradient("nb2_estimated_glmmtmb", false); }
TEST_CASE("Laplace gradient: zero-inflated Poisson with a random slope") { check_gradient("zip_random_slope", false); }
TEST_CASE("Laplace gradient: uncorrelated slopes and nesting") {
  check_gradient("slopes_uncorrelated", false);
  check_gradient("nested", false);
}
TEST_CASE("first-stage gradient (beta in the inner problem)") {
  check_gradient("slopes_correlated", true);
  check_gradient("probit_expected", true);
  check_gradient("nb2_estimated_lme4", true);
  check_gradient("zip_random_slope", true);
}

TEST_CASE("AGQ gradient: binary and Poisson data, canonical and probit links, Fisher and exact weights") {
  check_gradient("agq_sparse_binary_10", false);
  check_gradient("agq_sparse_binary_25", false);
  check_gradient("agq_poisson_10", false);
  check_gradient("agq_sparse_binary_5", false, {"link=probit"});
  check_gradient("agq_sparse_binary_5", false, {"link=probit", "integrator.hessian=observed"});
  check_gradient("agq_sparse_binary_5", true);
}

namespace {
// Every entry of S on A's pattern (lower triangle given) against the dense inverse.
void check_selected_inverse(const SparseMatrix& A) {
  SelectedInverse::Factor factor(A);
  REQUIRE(factor.info() == Eigen::Success);
  SelectedInverse S;
  S.compute(factor);
  const Matrix lower = Matrix(A);
  const Matrix full = lower + lower.transpose() - Matrix(lower.diagonal().asDiagonal());
  const Matrix inverse = full.inverse();
  for (int k = 0; k < A.outerSize(); ++k)
    for (SparseMatrix::InnerIterator it(A, k); it; ++it) {
      CHECK(S(int(it.row()), int(it.col())) == doctest::Approx(inverse(it.row(), it.col())).epsilon(1e-12));
      CHECK(S(int(it.col()), int(it.row())) == doctest::Approx(inverse(it.row(), it.col())).epsilon(1e-12));
    }
}
}  // namespace

TEST_CASE("selected inverse with a dense tail (crossed factors) equals the dense inverse") {
  // Z'Z + I of 300 "students" crossed with 150 "lecturers" (each student rates 6): eliminating
  // the students leaves the lecturers' block dense, which is inverted by dense algebra.
  const int students = 300, lecturers = 150;
  std::vector<Eigen::Triplet<double>> t;
  std::vector<double> lecturer_count(lecturers, 0.0);
  for (int s = 0; s < students; ++s) {
    t.emplace_back(s, s, 7.0);
    for (int r = 0; r < 6; ++r) {
      const int d = (s * 7 + r * 31 + (s * r) % 13) % lecturers;
      t.emplace_back(students + d, s, 0.9);
      lecturer_count[std::size_t(d)] += 0.9;
    }
  }
  for (int d = 0; d < lecturers; ++d) t.emplace_back(students + d, students + d, 1.0 + lecturer_count[std::size_t(d)]);
  SparseMatrix A(students + lecturers, students + lecturers);
  A.setFromTriplets(t.begin(), t.end());
  check_selected_inverse(A);
}

TEST_CASE("selected inverse equals the dense inverse on the factor's pattern") {
  // A sparse SPD matrix with fill: a 2-D grid Laplacian plus identity.
  const int side = 6, q = side * side;
  std::vector<Eigen::Triplet<double>> t;
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) {
      const int a = i * side + j;
      t.emplace_back(a, a, 5.0 + 0.1 * a);
      if (j + 1 < side) t.emplace_back(a + 1, a, -1.0);
      if (i + 1 < side) t.emplace_back(a + side, a, -1.3);
    }
  SparseMatrix A(q, q);
  A.setFromTriplets(t.begin(), t.end());
  check_selected_inverse(A);
}
