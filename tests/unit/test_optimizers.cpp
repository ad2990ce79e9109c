// The optimiser plugins on functions with known minima, bounds and evaluation budgets.
#include <doctest/doctest.h>

#include "fit/finite_differences.hpp"
#include "plugin_fixture.hpp"

#include <cmath>

namespace {

using namespace weft;

// f(x) = (x0 - 3)^2 + 10 (x1 + 1)^2 + (x0 x1)^2 / 10 with x1 >= 0: minimum on the bound x1 = 0.
double bounded_quadratic(const Vector& x) {
  return std::pow(x(0) - 3, 2) + 10 * std::pow(x(1) + 1, 2) + std::pow(x(0) * x(1), 2) / 10;
}

double rosenbrock(const Vector& x) { return std::pow(1 - x(0), 2) + 100 * std::pow(x(1) - x(0) * x(0), 2); }

}  // namespace

TEST_CASE("both optimisers find the minimum, on a bound and in the interior") {
  auto& registry = testing::build_tree_plugins();
  for (const char* name : {"lbfgsb", "bobyqa"}) {
    CAPTURE(name);
    auto optimizer = registry.create_optimizer(name, "test");
    optimizer->configure(Options());
    fit::FiniteDifferenceObjective quadratic(bounded_quadratic, 1e-6);
    Vector lower(2), upper(2), start(2);
    lower << -HUGE_VAL, 0.0;
    upper << HUGE_VAL, HUGE_VAL;
    start << 0.5, 2.0;
    auto r = optimizer->minimize(quadratic, start, lower, upper);
    CHECK(r.status == TerminationStatus::Converged);
    CHECK(r.x(0) == doctest::Approx(3.0).epsilon(1e-5));
    CHECK(r.x(1) == doctest::Approx(0.0).epsilon(1e-6));
    CHECK(r.value == doctest::Approx(10.0).epsilon(1e-9));

    fit::FiniteDifferenceObjective banana(rosenbrock, 1e-7);
    lower << -5, -5;
    upper << 5, 5;
    start << -1.2, 1.0;
    r = optimizer->minimize(banana, start, lower, upper);
    CHECK(r.x(0) == doctest::Approx(1.0).epsilon(1e-3));
    CHECK(r.x(1) == doctest::Approx(1.0).epsilon(1e-3));
  }
}

TEST_CASE("max_evaluations stops an optimiser and says so") {
  auto& registry = testing::build_tree_plugins();
  for (const char* name : {"lbfgsb", "bobyqa"}) {
    CAPTURE(name);
    auto optimizer = registry.create_optimizer(name, "test");
    optimizer->configure(Options("config.yaml", "optimizer", {{"max_evaluations", "5"}}));
    fit::FiniteDifferenceObjective banana(rosenbrock, 1e-7);
    Vector start(2), lower = Vector::Constant(2, -5), upper = Vector::Constant(2, 5);
    start << -1.2, 1.0;
    const auto r = optimizer->minimize(banana, start, lower, upper);
    CHECK(r.status == TerminationStatus::BudgetExhausted);
    CHECK(r.evaluations <= 5);
    CHECK(r.message.find("max_evaluations") != std::string::npos);
  }
}

TEST_CASE("optimiser options are validated, naming the key") {
  auto& registry = testing::build_tree_plugins();
  auto optimizer = registry.create_optimizer("bobyqa", "test");
  CHECK_THROWS_WITH_AS(optimizer->configure(Options("config.yaml", "optimizer", {{"max_evaluations", "-1"}})),
                       doctest::Contains("config.yaml: optimizer.max_evaluations"), InputError);
  CHECK_THROWS_WITH_AS(optimizer->configure(Options("config.yaml", "optimizer", {{"tolerance", "-1e-8"}})),
                       doctest::Contains("optimizer.tolerance"), InputError);
}
