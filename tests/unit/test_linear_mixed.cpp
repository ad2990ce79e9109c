// Linear mixed models (issue 13): lmer's profiled deviance and REML criterion
// (LinearMixedLikelihood) against lme4's numbers at given theta -- Dyestuff and sleepstudy, as
// pinned by docs/numerics.md and lme4's test-lmer.R --, REML against ML, sigma held fixed, the
// relative Gram against a dense product, and glmmTMB's REML for a GLMM (RemlPirlsLikelihood)
// against glmmTMB's logLik at its estimates.
#include <doctest/doctest.h>

#include <weft/integrator/linear_mixed.hpp>

#include "config/model_spec.hpp"
#include "fit/prepared_model.hpp"
#include "plugin_fixture.hpp"

#include <cmath>

namespace {

using namespace weft;

struct Bound {
  fit::PreparedModel model;
  std::unique_ptr<MarginalLikelihood> likelihood;
  const ModelMatrices& m() const { return model.built.matrices; }
};

// The lmm/ reference case `name`, bound with the criterion `reml` (and `--set` values).
Bound bind_case(const std::string& name, bool reml, const std::vector<std::string>& set = {}) {
  Bound b{testing::prepared_case(std::string(WEFT_SOURCE_DIR) + "/tests/reference/lmm/" + name, set), nullptr};
  BindOptions bind;
  bind.reml = reml;
  for (const auto& f : b.model.fixed_family_parameters) bind.fixed_family_parameters.push_back(f.has_value());
  b.likelihood = b.model.integrator->bind(b.m(), *b.model.family, *b.model.link, bind);
  return b;
}

ModelParameters at_theta(const Bound& b, std::vector<double> theta) {
  ModelParameters at;
  at.theta = Eigen::Map<const Vector>(theta.data(), Index(theta.size()));
  at.beta = Vector::Zero(b.m().p());
  at.family = {1.0};
  return at;
}

double sigma_of(const MarginalLikelihood& likelihood) {
  ModelParameters at;
  at.family = {0.0};
  likelihood.profiled_values(at);
  return at.family[0];
}

}  // namespace

TEST_CASE("Dyestuff: lmer's REML criterion, sigma, beta and vcov at given theta (test-lmer.R, numerics.md)") {
  Bound b = bind_case("dyestuff_reml", true);
  auto& l = *b.likelihood;
  CHECK(l.reml());
  CHECK(l.profiled().beta);
  REQUIRE(l.profiled().scale == std::size_t(0));
  // as.function(fm1)(1) and (0), test-lmer.R
  CHECK(l.deviance(at_theta(b, {1.0})) == doctest::Approx(319.792389042002).epsilon(1e-11));
  CHECK(l.deviance(at_theta(b, {0.0})) == doctest::Approx(326.023232155879).epsilon(1e-11));
  // at lmer's optimum: REMLcrit 319.6542768423, sigma 49.5101, SE 19.38341
  CHECK(l.deviance(at_theta(b, {0.848323783218823})) == doctest::Approx(319.654276842257).epsilon(1e-11));
  ModelParameters at = at_theta(b, {0.848323783218823});
  l.profiled_values(at);
  CHECK(at.beta(0) == doctest::Approx(1527.5).epsilon(1e-12));
  CHECK(at.family[0] == doctest::Approx(49.5100999656347).epsilon(1e-9));
  const Matrix v = l.beta_covariance();
  REQUIRE(v.rows() == 1);
  CHECK(std::sqrt(v(0, 0)) == doctest::Approx(19.3834121787528).epsilon(1e-9));
}

TEST_CASE("Dyestuff and sleepstudy: lmer's ML deviance; REML differs by log|RX|^2 and the degrees of freedom") {
  Bound ml = bind_case("dyestuff_ml", false);
  CHECK_FALSE(ml.likelihood->reml());
  CHECK(ml.likelihood->deviance(at_theta(ml, {0.752580695252293})) == doctest::Approx(327.327059881135).epsilon(1e-11));
  CHECK(sigma_of(*ml.likelihood) == doctest::Approx(49.5100999511903).epsilon(1e-8));
  CHECK(std::sqrt(ml.likelihood->beta_covariance()(0, 0)) == doctest::Approx(17.694553502833).epsilon(1e-8));

  const std::vector<double> theta{0.966741773967412, 0.0151690588960361, 0.230909953207795};
  Bound reml = bind_case("sleepstudy_reml", true);
  Bound ml2 = bind_case("sleepstudy_reml", false);
  const double d_reml = reml.likelihood->deviance(at_theta(reml, theta));
  const double d_ml = ml2.likelihood->deviance(at_theta(ml2, theta));
  CHECK(d_reml == doctest::Approx(1743.62827195995).epsilon(1e-11));
  CHECK(d_ml == doctest::Approx(1751.985866432).epsilon(1e-11));  // own_evaluation.ML_deviance
  {  // the pieces, lme4's devcomp (the registry's likelihood is wrapped: a direct one here)
    BindOptions options;
    options.reml = true;
    LinearMixedLikelihood lmm(reml.m(), *reml.model.family, options);
    CHECK(lmm.deviance(at_theta(reml, theta)) == doctest::Approx(d_reml).epsilon(1e-14));
    CHECK(lmm.log_det_L() == doctest::Approx(75.9613332063768).epsilon(1e-11));
    CHECK(lmm.log_det_RX() == doctest::Approx(8.27605283510608).epsilon(1e-11));
    CHECK(lmm.pwrss() == doctest::Approx(116579.321470273).epsilon(1e-11));
  }
  // d_R - d = log|RX|^2 + (n - p)(1 + log(2 pi r2 / (n - p))) - n (1 + log(2 pi r2 / n))
  const double n = 180, p = 2, r2 = 116579.321470273, ldRX2 = 8.27605283510608;
  CHECK(d_reml - d_ml ==
        doctest::Approx(ldRX2 + (n - p) * (1 + std::log(2 * M_PI * r2 / (n - p))) - n * (1 + std::log(2 * M_PI * r2 / n)))
            .epsilon(1e-10));
  CHECK(sigma_of(*reml.likelihood) == doctest::Approx(25.5917957216753).epsilon(1e-10));
  CHECK(sigma_of(*ml2.likelihood) == doctest::Approx(25.5917957216753 * std::sqrt(178.0 / 180.0)).epsilon(1e-10));
}

TEST_CASE("sigma held fixed: the ML deviance at sigma = sigma^ equals the profiled one, and sigma is not profiled") {
  Bound profiled = bind_case("sleepstudy_ml", false);
  const std::vector<double> theta{0.929190605278248, 0.018165754720412, 0.222643205612618};
  const double d = profiled.likelihood->deviance(at_theta(profiled, theta));
  CHECK(d == doctest::Approx(1751.93934448899).epsilon(1e-11));
  const double sigma = sigma_of(*profiled.likelihood);
  Bound fixed = bind_case("sleepstudy_ml", false, {"family={name: gaussian, sigma: 25}"});
  ModelParameters at = at_theta(fixed, theta);
  at.family = {sigma};
  CHECK(fixed.likelihood->deviance(at) == doctest::Approx(d).epsilon(1e-12));
  at.family = {1.05 * sigma};
  CHECK(fixed.likelihood->deviance(at) > d);
}

TEST_CASE("the relative Gram Lambda' A Lambda + I matches the dense product for a correlated slope and crossed terms") {
  for (const std::string name : {"sleepstudy_reml", "penicillin_crossed", "pastes_nested"}) {
    CAPTURE(name);
    Bound b = bind_case(name, true);
    const ModelMatrices& m = b.m();
    const Matrix Z = Matrix(m.Z);
    const Matrix A = Z.transpose() * m.weights.asDiagonal() * Z;
    SparseMatrix lower = A.sparseView();
    lower = SparseMatrix(lower.triangularView<Eigen::Lower>());
    RelativeGram gram(lower, m.terms);
    Vector theta(m.n_theta());
    for (Index i = 0; i < theta.size(); ++i) theta(i) = 0.3 + 0.25 * double(i) - (i == 1 ? 0.6 : 0.0);
    const Matrix B = Matrix(gram.update(theta));
    RelativeCovarianceFactor lambda(m.terms);
    lambda.update(theta);
    const Matrix L = Matrix(lambda.lambda());
    const Matrix expected = L.transpose() * A * L + Matrix::Identity(m.q(), m.q());
    CHECK((Matrix(B.triangularView<Eigen::Lower>()) - Matrix(expected.triangularView<Eigen::Lower>())).cwiseAbs().maxCoeff() <
          1e-9 * expected.cwiseAbs().maxCoeff());
  }
}

TEST_CASE("glmmTMB's REML for a GLMM: beta joins u in the Laplace integral (logLik at glmmTMB's estimates)") {
  struct Case {
    const char* name;
    double sd, loglik;
  };
  for (const Case c : {Case{"glmmtmb_reml_poisson", 0.578165741772658, -376.325757165377},
                       Case{"glmmtmb_reml_binomial", 0.641323552387986, -252.756347971335}}) {
    CAPTURE(c.name);
    Bound b = bind_case(c.name, true);
    auto& l = *b.likelihood;
    CHECK(l.reml());
    CHECK(l.profiled().beta);
    CHECK_FALSE(l.profiled().scale);
    ModelParameters at = at_theta(b, {c.sd});
    at.family.clear();
    at.beta_zi = Vector();
    // the deviance is flat in theta at the optimum, so 1e-9 relative in theta is far below this
    CHECK(-0.5 * l.deviance(at) == doctest::Approx(c.loglik).epsilon(1e-9));
    l.profiled_values(at);
    CHECK(at.beta.size() == b.m().p());
    CHECK(l.beta_covariance().rows() == b.m().p());
  }
}

TEST_CASE("the analytic gradient of the profiled deviance and REML criterion matches central differences") {
  struct Case {
    const char* name;
    std::vector<std::string> set;
  };
  for (const Case& c : {Case{"sleepstudy_reml", {}}, Case{"penicillin_crossed", {}}, Case{"lme4test_prior_weights", {}},
                        Case{"factors", {}}, Case{"sleepstudy_ml", {"family={name: gaussian, sigma: 20}"}}}) {
    for (bool reml : {true, false}) {
      CAPTURE(c.name);
      CAPTURE(reml);
      Bound b = bind_case(c.name, reml, c.set);
      auto& l = *b.likelihood;
      REQUIRE(l.has_gradient());
      ModelParameters at = at_theta(b, {});
      at.theta = Vector(b.m().n_theta());
      for (Index i = 0; i < at.theta.size(); ++i) at.theta(i) = 0.6 + 0.15 * double(i) - (i == 1 ? 0.5 : 0.0);
      at.family = {20.0};
      double d = 0;
      ModelParameters g;
      REQUIRE(l.deviance_gradient(at, d, g));
      CHECK(d == doctest::Approx(l.deviance(at)).epsilon(1e-13));
      for (Index j = 0; j < at.theta.size(); ++j) {
        const double h = 1e-6;
        ModelParameters up = at, down = at;
        up.theta(j) += h;
        down.theta(j) -= h;
        const double numeric = (l.deviance(up) - l.deviance(down)) / (2 * h);
        CAPTURE(j);
        CHECK(g.theta(j) == doctest::Approx(numeric).epsilon(1e-5).scale(1.0));
      }
    }
  }
}
