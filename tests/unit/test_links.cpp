// Built-in links: values as R's make.link(), derivatives against finite differences.
#include <doctest/doctest.h>

#include <weft/link.hpp>

#include <cmath>

using namespace weft;

TEST_CASE("links give R's values") {
  // R: plogis(0.3), pnorm(0.3), 1 - exp(-exp(0.3)), exp(0.3), 1/0.3
  CHECK(make_builtin_link("logit")->linkinv(0.3) == doctest::Approx(0.574442516811659).epsilon(1e-14));
  CHECK(make_builtin_link("probit")->linkinv(0.3) == doctest::Approx(0.617911422188953).epsilon(1e-14));
  CHECK(make_builtin_link("cloglog")->linkinv(0.3) == doctest::Approx(0.740723134009172).epsilon(1e-14));
  CHECK(make_builtin_link("log")->linkinv(0.3) == doctest::Approx(1.349858807576003).epsilon(1e-14));
  CHECK(make_builtin_link("inverse")->linkinv(0.3) == doctest::Approx(1 / 0.3));
  CHECK(make_builtin_link("probit")->linkfun(0.617911422188953) == doctest::Approx(0.3).epsilon(1e-12));
  CHECK(make_builtin_link("cloglog")->linkfun(0.740723134009172) == doctest::Approx(0.3).epsilon(1e-12));
  CHECK(make_builtin_link("nonsense") == nullptr);
}

TEST_CASE("link derivatives agree with finite differences") {
  for (const auto& name : builtin_link_names()) {
    auto link = make_builtin_link(name);
    for (double eta : {-3.0, -0.5, 0.25, 2.0}) {
      if (name == "inverse") eta = std::abs(eta) + 0.5;
      CAPTURE(name);
      CAPTURE(eta);
      const double h = 1e-6;
      double mu, d1, d2, up, down, d1_up, d1_down, unused;
      const double e[] = {eta, eta + h, eta - h};
      double m[3], g[3], g2[3];
      link->inverse(e, m, g, g2);
      mu = m[0], d1 = g[0], d2 = g2[0], up = m[1], down = m[2], d1_up = g[1], d1_down = g[2];
      (void)unused;
      (void)mu;
      CHECK(d1 == doctest::Approx((up - down) / (2 * h)).epsilon(1e-7));
      CHECK(d2 == doctest::Approx((d1_up - d1_down) / (2 * h)).epsilon(1e-6));
    }
  }
}

TEST_CASE("links keep mu inside the family's range on extreme linear predictors, as R does") {
  auto logit = make_builtin_link("logit");
  CHECK(logit->linkinv(800) < 1.0);
  CHECK(logit->linkinv(-800) > 0.0);
  CHECK(make_builtin_link("probit")->linkinv(-40) > 0.0);
  CHECK(make_builtin_link("log")->linkinv(-800) > 0.0);
}
