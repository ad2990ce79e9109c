#include "inference/confidence_intervals.hpp"

#include <weft/errors.hpp>

#include "fit/estimation.hpp"
#include "fit/pipeline.hpp"
#include "inference/natural_coordinates.hpp"
#include "util/parallel.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

namespace weft::inference {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The model's likelihood as profiles need it: an LMM's sigma held (not profiled), so that SDs
// on the data's scale and sigma are coordinates of their own.
struct ProfileSetup {
  BindOptions options;
  std::optional<std::size_t> scale;
  bool beta_profiled = false;
};

ProfileSetup profile_setup(const fit::PreparedModel& pm, bool reml) {
  ProfileSetup s;
  s.options = fit::bind_options(pm, reml);
  const ProfiledBlocks blocks = fit::bind_likelihood(pm, pm.built.matrices, s.options)->profiled();
  s.scale = blocks.scale;
  if (s.scale) s.options.fixed_family_parameters[*s.scale] = true;
  s.beta_profiled = blocks.beta;
  return s;
}

NaturalCoordinates coordinates_for(const fit::PreparedModel& pm, const ModelMatrices& model, const ProfileSetup& s) {
  return NaturalCoordinates(model, pm.family->parameters(), pm.fixed_family_parameters, !s.beta_profiled, s.scale);
}

// Hessian of the deviance in y at y^ (central differences of gradients), symmetrised.
Matrix natural_hessian(NaturalDeviance& f, const Vector& y) {
  const Index n = y.size();
  Matrix H(n, n);
  for (Index i = 0; i < n; ++i) {
    const double h = 1e-4 * std::max(1.0, std::abs(y(i)));
    Vector up = y, down = y, gu, gd;
    up(i) += h;
    down(i) -= h;
    f.value_and_gradient(up, gu);
    f.value_and_gradient(down, gd);
    H.col(i) = (gu - gd) / (2 * h);
  }
  f(y);
  return (H + H.transpose()) / 2;
}

// Solves zeta(v) = target (zeta increasing in v) on the side of v^ where target lies: steps
// out from v^ (first step: the Wald end), secant extrapolation until bracketed, then the
// Illinois variant of regula falsi. Returns the box's end when zeta never reaches target
// inside it (an SD whose profile reaches 0).
double profile_end(const std::function<double(double)>& zeta, double v_hat, double se, double target, double lower,
                   double upper) {
  const double sign = target > 0 ? 1.0 : -1.0;
  const double bound = sign > 0 ? upper : lower;
  if (!(std::isfinite(se) && se > 0)) se = 0.1 * std::max(1.0, std::abs(v_hat));
  double a = v_hat, fa = -target;
  double v = std::clamp(v_hat + target * se, lower, upper);
  double fv = kNaN;
  for (int step = 0;; ++step) {
    fv = zeta(v) - target;
    if (!std::isfinite(fv)) fv = sign * std::numeric_limits<double>::max();  // a wall: past the end
    if (fv * sign >= 0) break;
    if (v == bound || step == 40) return bound;
    const double slope = (fv - fa) / (v - a);
    double next = slope > 0 ? v - fv / slope : v + 2 * (v - a);
    const double last = std::abs(v - a);
    next = v + sign * std::clamp(std::abs(next - v), 0.2 * last, 4.0 * last);
    a = v;
    fa = fv;
    v = std::clamp(next, lower, upper);
  }
  // Bracketed between a (f < 0 side) and v.
  double b = v, fb = fv;
  int kept = 0;
  for (int it = 0; it < 60; ++it) {
    const double c = (a * fb - b * fa) / (fb - fa);
    const double fc = zeta(c) - target;
    if (!std::isfinite(fc) || std::abs(fc) < 1e-6 || std::abs(b - a) < 1e-10 * (1 + std::abs(c))) return c;
    if ((fc > 0) == (fb > 0)) {
      b = c;
      fb = fc;
      if (++kept > 1) fa /= 2;  // Illinois: the end kept twice weighs half
    } else {
      a = c;
      fa = fc;
      kept = 0;
    }
  }
  return (a * fb - b * fa) / (fb - fa);
}

Vector scales_from(const Matrix& H) {
  Vector s(H.rows());
  for (Index i = 0; i < H.rows(); ++i) s(i) = std::isfinite(H(i, i)) && H(i, i) > 1e-8 ? std::sqrt(H(i, i)) : 1.0;
  return s;
}

Vector drop(const Vector& v, Index k) {
  Vector out(v.size() - 1);
  out << v.head(k), v.tail(v.size() - k - 1);
  return out;
}

// The minimum of the deviance over y with y(held) = value, from `start` (the nuisance of the
// last point, a warm start).
double profiled_deviance(const fit::PreparedModel& pm, MarginalLikelihood& likelihood, const NaturalCoordinates& coords,
                         Index held, double value, Vector& start, const Vector& scale) {
  NaturalDeviance f(likelihood, coords, held, value);
  Vector lower(coords.size()), upper(coords.size());
  for (Index k = 0; k < coords.size(); ++k) {
    lower(k) = coords.entry(k).lower;
    upper(k) = coords.entry(k).upper;
  }
  const Vector z0 = f.reduced(start).cwiseMax(f.reduced(lower)).cwiseMin(f.reduced(upper));
  if (z0.size() == 0) return f(z0);
  const OptimizerResult r =
      fit::minimize_scaled(f, *pm.optimizer, z0, f.reduced(lower), f.reduced(upper), held < 0 ? scale : drop(scale, held));
  if (std::isfinite(r.value)) start = f.full(r.x);
  return r.value;
}

}  // namespace

fit::ConfidenceIntervals confidence_intervals(const fit::PreparedModel& pm, const fit::FittedModel& fitted,
                                              const std::string& method, double level) {
  if (method == "profile" && fitted.reml) {
    // lme4 profiles a REML fit by ML (its profile's deviance is the ML one); Wald stays REML's.
    fit::EstimateOptions ml;
    ml.reml = false;
    return confidence_intervals(pm, fit::estimate_model(pm, ml), method, level);
  }
  const fit::FitResult& result = fitted.result;
  const double z = boost::math::quantile(boost::math::normal(), (1.0 + level) / 2.0);
  const ModelMatrices& model = pm.built.matrices;
  const ProfileSetup setup = profile_setup(pm, fitted.reml);
  const NaturalCoordinates coords = coordinates_for(pm, model, setup);
  const Vector y_hat = coords.coordinates(fitted.estimates);

  std::unique_ptr<MarginalLikelihood> likelihood = fit::bind_likelihood(pm, model, setup.options);
  NaturalDeviance deviance(*likelihood, coords);
  const Matrix H = natural_hessian(deviance, y_hat);
  const Vector scale = scales_from(H);
  Eigen::LDLT<Matrix> ldlt(H);
  Vector se = Vector::Constant(coords.size(), kNaN);
  if (ldlt.info() == Eigen::Success && coords.size() > 0) {
    const Matrix cov = 2.0 * ldlt.solve(Matrix::Identity(H.rows(), H.cols()));
    for (Index k = 0; k < coords.size(); ++k)
      if (cov(k, k) > 0) se(k) = std::sqrt(cov(k, k));
  }

  // intervals[k] for y's entries; fixed effects of a profiled beta separately.
  std::vector<fit::Interval> intervals(std::size_t(coords.size()));
  std::vector<fit::Interval> fixef(result.fixef.size());
  if (method == "wald") {
    for (std::size_t j = 0; j < fixef.size(); ++j)
      fixef[j] = {result.fixef[j].second - z * result.se[j].second, result.fixef[j].second + z * result.se[j].second};
    for (Index k = 0; k < coords.size(); ++k) {
      const auto& e = coords.entry(k);
      const double v = y_hat(k), s = se(k);
      fit::Interval& out = intervals[std::size_t(k)];
      switch (e.kind) {
        case NaturalCoordinates::Kind::StandardDeviation:  // log scale, as glmmTMB
          if (v > 0) out = {v * std::exp(-z * s / v), v * std::exp(z * s / v)};
          break;
        case NaturalCoordinates::Kind::Correlation:  // atanh scale
          out = {std::tanh(std::atanh(v) - z * s / (1 - v * v)), std::tanh(std::atanh(v) + z * s / (1 - v * v))};
          break;
        case NaturalCoordinates::Kind::FamilyParameter: {  // the optimisation scale
          const auto scale_of = pm.family->parameters()[e.family].scale;
          const double previous = e.family > 0 ? fitted.estimates.family[e.family - 1] : 0.0;
          out = {fit::from_optimizer_scale(scale_of, v - z * s, previous),
                 fit::from_optimizer_scale(scale_of, v + z * s, previous)};
          break;
        }
        default: out = {v - z * s, v + z * s};
      }
    }
  } else {
    struct Task {
      Index entry;  // y's element held, or -1: fixed effect `fixef` through the offset
      std::size_t fixef = 0;
    };
    std::vector<Task> tasks;
    for (Index k = 0; k < coords.size(); ++k) {
      const auto& e = coords.entry(k);
      if (e.kind == NaturalCoordinates::Kind::ZeroModel) continue;
      if (e.kind == NaturalCoordinates::Kind::FamilyParameter &&
          pm.family->parameters()[e.family].scale == ParameterScale::Increasing)
        continue;  // an increment, not a parameter users read (ordinal thresholds: left for later)
      tasks.push_back({k});
    }
    if (setup.beta_profiled)
      for (std::size_t j = 0; j < fixef.size(); ++j) tasks.push_back({-1, j});
    parallel_for(tasks.size(), [&](std::size_t t) {
      const Task task = tasks[t];
      if (task.entry >= 0) {
        std::unique_ptr<MarginalLikelihood> own = fit::bind_likelihood(pm, model, setup.options);
        NaturalDeviance at_hat(*own, coords);
        const double d_hat = at_hat(y_hat);
        const Index k = task.entry;
        Vector start = y_hat;
        auto zeta = [&](double v) {
          const double d = profiled_deviance(pm, *own, coords, k, v, start, scale);
          return (v < y_hat(k) ? -1.0 : 1.0) * std::sqrt(std::max(0.0, d - d_hat));
        };
        const auto& e = coords.entry(k);
        fit::Interval out;
        out.lower = profile_end(zeta, y_hat(k), se(k), -z, e.lower, e.upper);
        start = y_hat;
        out.upper = profile_end(zeta, y_hat(k), se(k), z, e.lower, e.upper);
        if (e.kind == NaturalCoordinates::Kind::FamilyParameter) {
          const auto scale_of = pm.family->parameters()[e.family].scale;
          const double previous = e.family > 0 ? fitted.estimates.family[e.family - 1] : 0.0;
          out = {fit::from_optimizer_scale(scale_of, out.lower, previous),
                 fit::from_optimizer_scale(scale_of, out.upper, previous)};
        }
        intervals[std::size_t(k)] = out;
        if (e.kind == NaturalCoordinates::Kind::FixedEffect) fixef[std::size_t(e.i)] = out;
        return;
      }
      // beta_j held through the offset: the model without column j, offset + v x_j (lme4's profile).
      const Index j = Index(task.fixef);
      ModelMatrices reduced = model;
      const Index p = model.p();
      reduced.X.resize(model.n(), p - 1);
      reduced.X << model.X.leftCols(j), model.X.rightCols(p - j - 1);
      reduced.fixef_names.erase(reduced.fixef_names.begin() + j);
      const NaturalCoordinates reduced_coords = coordinates_for(pm, reduced, setup);
      std::unique_ptr<MarginalLikelihood> own = fit::bind_likelihood(pm, model, setup.options);
      const double d_hat = NaturalDeviance(*own, coords)(y_hat);
      const double b_hat = result.fixef[task.fixef].second;
      Vector start = y_hat;
      auto zeta = [&](double v) {
        ModelMatrices shifted = reduced;
        shifted.offset = model.offset + v * model.X.col(j);
        std::unique_ptr<MarginalLikelihood> at_v = fit::bind_likelihood(pm, shifted, setup.options);
        const double d = profiled_deviance(pm, *at_v, reduced_coords, -1, 0.0, start, scale);
        return (v < b_hat ? -1.0 : 1.0) * std::sqrt(std::max(0.0, d - d_hat));
      };
      const double inf = std::numeric_limits<double>::infinity();
      fixef[task.fixef].lower = profile_end(zeta, b_hat, result.se[task.fixef].second, -z, -inf, inf);
      start = y_hat;
      fixef[task.fixef].upper = profile_end(zeta, b_hat, result.se[task.fixef].second, z, -inf, inf);
    });
  }

  fit::ConfidenceIntervals out;
  out.method = method;
  out.level = level;
  for (std::size_t j = 0; j < fixef.size(); ++j) out.fixef.emplace_back(result.fixef[j].first, fixef[j]);
  for (std::size_t t = 0; t < model.terms.size(); ++t) {
    const auto& term = model.terms[t];
    fit::ConfidenceIntervals::StandardDeviations sds{term.group, term.columns, {}};
    for (Index k = 0; k < coords.size(); ++k) {
      const auto& e = coords.entry(k);
      if (e.term != t) continue;
      if (e.kind == NaturalCoordinates::Kind::StandardDeviation) sds.sd.push_back(intervals[std::size_t(k)]);
      if (e.kind == NaturalCoordinates::Kind::Correlation)
        out.corr.push_back({term.group, {term.columns[std::size_t(e.j)], term.columns[std::size_t(e.i)]}, intervals[std::size_t(k)]});
    }
    out.random.push_back(sds);
  }
  for (Index k = 0; k < coords.size(); ++k) {
    const auto& e = coords.entry(k);
    if (e.kind == NaturalCoordinates::Kind::FamilyParameter &&
        pm.family->parameters()[e.family].scale != ParameterScale::Increasing)
      out.family_parameters.emplace_back(pm.family->parameters()[e.family].name, intervals[std::size_t(k)]);
  }
  return out;
}

}  // namespace weft::inference
