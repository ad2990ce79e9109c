// The estimation pipeline's steps (core/src/fit/pipeline.hpp) on a fake MarginalLikelihood:
// a deviance written down in closed form, so each step's answer is known exactly.
#include <doctest/doctest.h>

#include <weft/errors.hpp>

#include "fit/pipeline.hpp"
#include "plugin_fixture.hpp"
#include "registry/guarded_plugins.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>

namespace {

using namespace weft;
using namespace weft::fit;

// One scalar term (theta) and one fixed effect (beta): the layout vector is [theta, beta].
ModelMatrices one_term_model() {
  ModelMatrices m;
  m.y = Vector::Zero(4);
  m.weights = Vector::Ones(4);
  m.offset = Vector::Zero(4);
  m.X = Matrix::Ones(4, 1);
  m.fixef_names = {"(Intercept)"};
  m.Z.resize(4, 2);
  m.Z.insert(0, 0) = 1;
  m.Z.insert(1, 0) = 1;
  m.Z.insert(2, 1) = 1;
  m.Z.insert(3, 1) = 1;
  RandomEffectTerm term;
  term.group = "g";
  term.columns = {"(Intercept)"};
  term.levels = {"a", "b"};
  m.terms.push_back(term);
  return m;
}

using Deviance = std::function<double(double theta, double beta)>;

// A MarginalLikelihood whose deviance is `d(theta, beta)`, without gradients (the kernel
// differentiates numerically) and without a first stage.
class FakeLikelihood final : public MarginalLikelihood {
 public:
  FakeLikelihood(Deviance d, HessianKind kind = HessianKind::Observed) : d_(std::move(d)), kind_(kind) {}
  double deviance(const ModelParameters& at) override {
    ++evaluations;
    if (throw_after >= 0 && evaluations > throw_after) throw registry::PluginError("fake.so: integrator plugin 'fake' failed");
    return d_(at.theta(0), at.beta(0));
  }
  const Vector& modes() const override { return modes_; }
  HessianKind hessian() const override { return kind_; }
  int evaluations = 0;
  int throw_after = -1;

 private:
  Deviance d_;
  HessianKind kind_;
  Vector modes_ = Vector::Zero(2);
};

struct Fixture {
  ModelMatrices model = one_term_model();
  ParameterLayout layout{model, {}, {}};
  FakeLikelihood likelihood;
  EstimationProblem problem{model, likelihood, layout};
  DevianceFunction deviance{likelihood, layout};
  explicit Fixture(Deviance d, HessianKind kind = HessianKind::Observed)
      : likelihood(std::move(d), kind), problem(model, likelihood, layout), deviance(likelihood, layout) {}
  // Held by the fixture: a static cache would outlive the plugin libraries at exit.
  std::map<std::string, std::unique_ptr<Optimizer>> optimizers;
  const Optimizer& optimizer(const char* name) {
    auto& o = optimizers[name];
    if (!o) {
      o = testing::build_tree_plugins().create_optimizer(name, "test");
      o->configure(Options());
    }
    return *o;
  }
};

Vector point(double theta, double beta) {
  Vector x(2);
  x << theta, beta;
  return x;
}

// The deviance of a normal mean with known variance, in (theta, beta), with minimum 10 at
// theta = 0.8, beta = -0.5; Hessian diag(8, 2) there.
double bowl(double theta, double beta) {
  return 10 + 4 * (std::abs(theta) - 0.8) * (std::abs(theta) - 0.8) + (beta + 0.5) * (beta + 0.5);
}

}  // namespace

TEST_CASE("joint_stage reaches a bowl's minimum, check_optimum passes it, standard errors are sqrt(2 H^-1)") {
  Fixture f(bowl);
  WorkCount work;
  for (const char* name : {"lbfgsb", "bobyqa"}) {
    CAPTURE(name);
    const Optimum o = joint_stage(f.problem, f.deviance, f.optimizer(name), point(0.3, 1.0), work, name);
    CHECK(o.status == TerminationStatus::Converged);
    CHECK(o.x(0) == doctest::Approx(0.8).epsilon(1e-4));
    CHECK(o.x(1) == doctest::Approx(-0.5).epsilon(1e-4));
    CHECK(o.deviance == doctest::Approx(10.0).epsilon(1e-9));
    const OptimumCheck c = check_optimum(f.problem, f.deviance, o);
    CHECK(c.passes(HessianKind::Observed));
    CHECK(c.negative_eigenvalues == 0);
    CHECK_FALSE(c.singular);
    const StandardErrors se = standard_errors(f.layout, c.derivatives.hessian, HessianKind::Observed, f.layout.unpack(o.x));
    CHECK(se.beta(0) == doctest::Approx(1.0).epsilon(1e-3));  // sqrt(2 / 2)
  }
  CHECK(work.evaluations > 0);
}

TEST_CASE("check_optimum finds a saddle's negative curvature and its direction") {
  // A saddle at (1, 1): a minimum in theta, a maximum in beta.
  Fixture f([](double theta, double beta) { return (theta - 1) * (theta - 1) - 0.5 * (beta - 1) * (beta - 1); });
  Optimum saddle{point(1, 1), 0.0, TerminationStatus::Converged, "", "test"};
  const OptimumCheck c = check_optimum(f.problem, f.deviance, saddle);
  CHECK(c.negative_eigenvalues == 1);
  CHECK_FALSE(c.positive_definite);
  CHECK_FALSE(c.passes(HessianKind::Observed));
  CHECK_FALSE(c.passes(HessianKind::Expected));  // a saddle is never an optimum
  REQUIRE(c.descent_direction.size() == 2);
  CHECK(std::abs(c.descent_direction(1)) == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(std::abs(c.descent_direction(0)) < 1e-6);
}

TEST_CASE("polish_optimum takes a checked point near the minimum to it; it refuses far points and saddles") {
  // Not quadratic in beta: exp(beta) - beta, minimum 1 at beta = 0; theta's minimum at 0.8.
  Fixture f([](double theta, double beta) { return 10 + (theta - 0.8) * (theta - 0.8) + std::exp(beta) - beta; });
  WorkCount work;
  Optimum near{point(0.8 + 2e-5, 3e-5), 0.0, TerminationStatus::Converged, "", "lbfgsb"};
  near.deviance = f.deviance(near.x);
  OptimumCheck c = check_optimum(f.problem, f.deviance, near);
  REQUIRE(c.passes(HessianKind::Observed));
  const double measure_before = c.gradient_measure;
  CHECK(polish_optimum(f.problem, f.deviance, near, c, work) >= 1);
  CHECK(std::abs(near.x(0) - 0.8) < 1e-8);  // from 2e-5 away (the central-difference gradient's rounding)
  CHECK(std::abs(near.x(1)) < 1e-8);
  CHECK(near.deviance == doctest::Approx(11.0).epsilon(1e-14));
  CHECK(c.gradient_measure < 1e-3 * measure_before);

  // Flat in beta: lme4's check passes 0.1 from the minimum, but a step that long is a search.
  Fixture flat([](double theta, double beta) { return 10 + (theta - 0.8) * (theta - 0.8) + 1e-3 * beta * beta; });
  Optimum far{point(0.8, 0.1), 0.0, TerminationStatus::Converged, "", "lbfgsb"};
  far.deviance = flat.deviance(far.x);
  OptimumCheck far_check = check_optimum(flat.problem, flat.deviance, far);
  REQUIRE(far_check.passes(HessianKind::Observed));
  CHECK(polish_optimum(flat.problem, flat.deviance, far, far_check, work) == 0);
  CHECK(far.x == point(0.8, 0.1));

  Fixture saddle_model([](double theta, double beta) { return (theta - 1) * (theta - 1) - 0.5 * (beta - 1) * (beta - 1); });
  Optimum saddle{point(1 + 1e-6, 1 + 1e-6), 0.0, TerminationStatus::Converged, "", "lbfgsb"};
  OptimumCheck saddle_check = check_optimum(saddle_model.problem, saddle_model.deviance, saddle);
  CHECK(polish_optimum(saddle_model.problem, saddle_model.deviance, saddle, saddle_check, work) == 0);
}

TEST_CASE("escape steps off a saddle to the lower minimum and says how it got there") {
  // Two minima in beta (near +-1, the one near -1 lower by 0.5) with a saddle at beta ~ 0.0625
  // (where 4 beta (beta^2 - 1) + 0.25 = 0): a gradient-based optimizer there never leaves.
  Fixture f([](double theta, double beta) {
    return 100 + (theta - 0.7) * (theta - 0.7) + (beta * beta - 1) * (beta * beta - 1) + 0.25 * beta;
  });
  WorkCount work;
  Optimum o{point(0.7, 0.0627), 0.0, TerminationStatus::Converged, "", "lbfgsb"};
  o.deviance = f.deviance(o.x);
  OptimumCheck c = check_optimum(f.problem, f.deviance, o);
  REQUIRE_FALSE(c.passes(HessianKind::Observed));
  const EscapeRoutes routes{f.optimizer("lbfgsb"), &f.optimizer("bobyqa"), {}};
  const Optimum best = escape(f.problem, f.deviance, o, c, routes, work);
  CHECK(c.passes(HessianKind::Observed));
  CHECK(best.x(1) < -0.9);  // the lower of the two minima
  CHECK(best.x(0) == doctest::Approx(0.7).epsilon(1e-4));
  CHECK(best.route.find("negative-curvature") != std::string::npos);
}

TEST_CASE("a variance held at zero where the deviance curves down is no optimum; escape moves it") {
  // Even in theta (as every Laplace deviance is), with theta = 0 a local maximum in theta.
  Fixture f([](double theta, double beta) { return 50 + (theta * theta - 1) * (theta * theta - 1) + beta * beta; });
  Optimum at_zero{point(0, 0), 51.0, TerminationStatus::Converged, "", "lbfgsb"};
  OptimumCheck c = check_optimum(f.problem, f.deviance, at_zero);
  CHECK(c.singular);
  CHECK(c.negative_eigenvalues == 1);
  WorkCount work;
  const Optimum best = escape(f.problem, f.deviance, at_zero, c, {f.optimizer("lbfgsb"), nullptr, {}}, work);
  CHECK(std::abs(best.x(0)) == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(best.deviance == doctest::Approx(50.0).epsilon(1e-9));
  CHECK_FALSE(c.singular);
}

TEST_CASE("a boundary optimum (variance 0, deviance rising away from it) passes as singular") {
  Fixture f([](double theta, double beta) { return 20 + 3 * theta * theta + beta * beta; }, HessianKind::Expected);
  WorkCount work;
  const Optimum o = joint_stage(f.problem, f.deviance, f.optimizer("lbfgsb"), point(1.0, 1.0), work, "lbfgsb");
  const OptimumCheck c = check_optimum(f.problem, f.deviance, o);
  CHECK(c.singular);
  CHECK(c.passes(HessianKind::Expected));
}

TEST_CASE("a plugin error during an evaluation ends the run at once and is rethrown, not retried") {
  Fixture f(bowl);
  f.likelihood.throw_after = 12;
  WorkCount work;
  for (const char* name : {"lbfgsb", "bobyqa"}) {
    CAPTURE(name);
    f.likelihood.evaluations = 0;
    CHECK_THROWS_AS(joint_stage(f.problem, f.deviance, f.optimizer(name), point(0.3, 1.0), work, name), registry::PluginError);
    CHECK(f.likelihood.evaluations == 13);  // the failing call was the last one
  }
}

TEST_CASE("escape keeps the best point and reports failure where nothing passes") {
  // A ridge falling forever in beta: no optimum exists (an unbounded deviance); the escape
  // must stop, and the point must not pass.
  Fixture f([](double theta, double beta) { return (theta - 1) * (theta - 1) - 1e-3 * beta * beta * beta * beta; });
  Optimum o{point(1, 0.5), 0.0, TerminationStatus::Converged, "", "lbfgsb"};
  o.deviance = f.deviance(o.x);
  OptimumCheck c = check_optimum(f.problem, f.deviance, o);
  REQUIRE_FALSE(c.passes(HessianKind::Observed));
  WorkCount work;
  const Optimum best = escape(f.problem, f.deviance, o, c, {f.optimizer("lbfgsb"), &f.optimizer("bobyqa"), {}}, work);
  CHECK(best.deviance <= o.deviance);
  CHECK_FALSE(c.passes(HessianKind::Observed));
}

TEST_CASE("finite_start shrinks theta until the deviance is finite") {
  Fixture f([](double theta, double beta) { return std::abs(theta) > 0.3 ? HUGE_VAL : theta * theta + beta * beta; });
  ModelParameters s = f.layout.unpack(point(3.0, 0.5));
  s = finite_start(f.problem, s);
  CHECK(s.theta(0) == doctest::Approx(3.0 / 16));
  CHECK(s.beta(0) == 0.5);
}

TEST_CASE("start_values takes the user's start and checks it") {
  Fixture f(bowl);
  const auto poisson = testing::build_tree_plugins().create_family("poisson", "test");
  const Family& family = *poisson;
  const auto link = make_builtin_link("log");
  config::StartSpec user;
  user.theta = std::vector<double>{0.25};
  user.fixef = std::vector<double>{-1.5};
  const ModelParameters s = start_values(f.problem, family, *link, user, "m.yaml");
  CHECK(s.theta(0) == 0.25);
  CHECK(s.beta(0) == -1.5);
  user.theta = std::vector<double>{1, 2};
  CHECK_THROWS_WITH_AS(start_values(f.problem, family, *link, user, "m.yaml"),
                       "m.yaml: start.theta: expected 1 value (lme4's theta: the lower triangle of each term's factor), got 2",
                       InputError);
  user.theta.reset();
  user.family["theta"] = 2.0;
  CHECK_THROWS_WITH_AS(start_values(f.problem, family, *link, user, "m.yaml"),
                       "m.yaml: start.family.theta: family 'poisson' has no parameter 'theta'", InputError);
}
