#include "inference/natural_coordinates.hpp"

#include "fit/parameter_layout.hpp"

#include <Eigen/Cholesky>

#include <cmath>
#include <limits>

namespace weft::inference {

NaturalCoordinates::NaturalCoordinates(const ModelMatrices& model, std::vector<FamilyParameterInfo> family_parameters,
                                       std::vector<std::optional<double>> fixed, bool beta_in_y,
                                       std::optional<std::size_t> scale)
    : terms_(model.terms), p_(model.p()), n_theta_(model.n_theta()), p_zi_(model.X_zi.cols()),
      family_parameters_(std::move(family_parameters)), fixed_(std::move(fixed)), beta_in_y_(beta_in_y),
      scale_(scale) {
  if (beta_in_y_)
    for (Index b = 0; b < p_; ++b) entries_.push_back({Kind::FixedEffect, 0, b, 0, 0});
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    for (Index i = 0; i < terms_[t].k(); ++i) {
      Entry e{Kind::StandardDeviation, t, i, 0, 0};
      e.lower = 0.0;
      entries_.push_back(e);
    }
    for (Index j = 0; j < terms_[t].k(); ++j)
      for (Index i = j + 1; i < terms_[t].k(); ++i) {
        Entry e{Kind::Correlation, t, i, j, 0};
        e.lower = -1.0 + 1e-9;
        e.upper = 1.0 - 1e-9;
        entries_.push_back(e);
      }
  }
  for (std::size_t k = 0; k < family_parameters_.size(); ++k) {
    if (fixed_[k]) continue;
    Entry e{Kind::FamilyParameter, 0, 0, 0, k};
    if (family_parameters_[k].scale != ParameterScale::Identity) {  // as ParameterLayout's box
      e.lower = -fit::ParameterLayout::kFamilyParameterBound;
      e.upper = fit::ParameterLayout::kFamilyParameterBound;
    }
    entries_.push_back(e);
  }
  for (Index b = 0; b < p_zi_; ++b) entries_.push_back({Kind::ZeroModel, 0, b, 0, 0});
}

bool NaturalCoordinates::parameters(const Vector& y, ModelParameters& out) const {
  out.beta = Vector::Zero(p_);
  out.theta = Vector::Zero(n_theta_);
  out.beta_zi = Vector::Zero(p_zi_);
  out.family.assign(family_parameters_.size(), 0.0);
  for (std::size_t k = 0; k < fixed_.size(); ++k)
    if (fixed_[k]) out.family[k] = *fixed_[k];
  // Family parameters first (in order: an Increasing one builds on the one before it).
  for (Index k = 0; k < size(); ++k) {
    const Entry& e = entries_[std::size_t(k)];
    if (e.kind == Kind::FamilyParameter)
      out.family[e.family] = fit::from_optimizer_scale(family_parameters_[e.family].scale, y(k),
                                                       e.family > 0 ? out.family[e.family - 1] : 0.0);
  }
  const double s = scale_ ? out.family[*scale_] : 1.0;
  std::vector<Vector> sd(terms_.size());
  std::vector<Matrix> corr(terms_.size());
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    sd[t] = Vector::Zero(terms_[t].k());
    corr[t] = Matrix::Identity(terms_[t].k(), terms_[t].k());
  }
  for (Index k = 0; k < size(); ++k) {
    const Entry& e = entries_[std::size_t(k)];
    switch (e.kind) {
      case Kind::FixedEffect: out.beta(e.i) = y(k); break;
      case Kind::ZeroModel: out.beta_zi(e.i) = y(k); break;
      case Kind::StandardDeviation: sd[e.term](e.i) = y(k); break;
      case Kind::Correlation: corr[e.term](e.i, e.j) = corr[e.term](e.j, e.i) = y(k); break;
      case Kind::FamilyParameter: break;
    }
  }
  // T = diag(sd) chol(R) / s: T T' s^2 = diag(sd) R diag(sd), linear in the SDs (so an SD
  // of 0 is an ordinary point) and with lme4's non-negative diagonal.
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    Eigen::LLT<Matrix> llt(corr[t]);
    if (llt.info() != Eigen::Success) return false;
    const Matrix T = sd[t].asDiagonal() * Matrix(llt.matrixL()) / s;
    for (Index c = 0; c < T.cols(); ++c)
      for (Index r = c; r < T.rows(); ++r) out.theta(terms_[t].first_theta + terms_[t].theta_index(r, c)) = T(r, c);
  }
  return out.theta.allFinite();
}

Vector NaturalCoordinates::coordinates(const ModelParameters& at) const {
  Vector y(size());
  const double s = scale_ ? at.family[*scale_] : 1.0;
  for (Index k = 0; k < size(); ++k) {
    const Entry& e = entries_[std::size_t(k)];
    switch (e.kind) {
      case Kind::FixedEffect: y(k) = at.beta(e.i); break;
      case Kind::ZeroModel: y(k) = at.beta_zi(e.i); break;
      case Kind::FamilyParameter:
        y(k) = fit::to_optimizer_scale(family_parameters_[e.family].scale, at.family[e.family],
                                       e.family > 0 ? at.family[e.family - 1] : 0.0);
        break;
      case Kind::StandardDeviation:
      case Kind::Correlation: {
        const Matrix T = terms_[e.term].factor(at.theta);
        const Matrix S = T * T.transpose();
        if (e.kind == Kind::StandardDeviation) {
          y(k) = s * std::sqrt(S(e.i, e.i));
        } else {
          const double d = std::sqrt(S(e.i, e.i) * S(e.j, e.j));
          y(k) = d > 0 ? S(e.i, e.j) / d : 0.0;
        }
        break;
      }
    }
  }
  return y;
}

Vector NaturalCoordinates::flatten(const ModelParameters& at) {
  const Index nf = Index(at.family.size());
  Vector v(at.beta.size() + at.theta.size() + nf + at.beta_zi.size());
  v << at.beta, at.theta, Eigen::Map<const Vector>(at.family.data(), nf), at.beta_zi;
  return v;
}

Vector NaturalDeviance::full(const Vector& z) const {
  if (held_ < 0) return z;
  Vector y(z.size() + 1);
  y << z.head(held_), held_value_, z.tail(z.size() - held_);
  return y;
}

Vector NaturalDeviance::reduced(const Vector& y) const {
  if (held_ < 0) return y;
  Vector z(y.size() - 1);
  z << y.head(held_), y.tail(y.size() - held_ - 1);
  return z;
}

double NaturalDeviance::operator()(const Vector& z) {
  ModelParameters at;
  if (!coordinates_.parameters(full(z), at)) return std::numeric_limits<double>::infinity();
  return likelihood_.deviance(at);
}

double NaturalDeviance::value_and_gradient(const Vector& z, Vector& gradient) {
  const Vector y = full(z);
  ModelParameters at;
  gradient = Vector::Zero(z.size());
  if (!coordinates_.parameters(y, at)) return std::numeric_limits<double>::infinity();
  double value = 0;
  ModelParameters g;
  if (likelihood_.has_gradient() && likelihood_.deviance_gradient(at, value, g)) {
    if (g.beta.size() != at.beta.size()) g.beta = Vector::Zero(at.beta.size());  // profiled
    if (g.beta_zi.size() != at.beta_zi.size()) g.beta_zi = Vector::Zero(at.beta_zi.size());
    const Vector g_natural = NaturalCoordinates::flatten(g);
    // d(natural)/dz by central differences of the (cheap) map; the deviance's own gradient
    // is analytic.
    for (Index i = 0; i < z.size(); ++i) {
      const double h = 1e-6 * std::max(1.0, std::abs(z(i)));
      Vector up = z, down = z;
      up(i) += h;
      down(i) -= h;
      ModelParameters pu, pd;
      if (!coordinates_.parameters(full(up), pu) || !coordinates_.parameters(full(down), pd)) {
        if (!coordinates_.parameters(full(down = z), pd) || !coordinates_.parameters(full(up), pu)) continue;
        gradient(i) = g_natural.dot(NaturalCoordinates::flatten(pu) - NaturalCoordinates::flatten(pd)) / h;
        continue;
      }
      gradient(i) = g_natural.dot(NaturalCoordinates::flatten(pu) - NaturalCoordinates::flatten(pd)) / (2 * h);
    }
    return value;
  }
  value = likelihood_.deviance(at);
  for (Index i = 0; i < z.size(); ++i) {
    const double h = fit::DevianceFunction::kGradientStep * std::max(1.0, std::abs(z(i)));
    Vector up = z, down = z;
    up(i) += h;
    down(i) -= h;
    gradient(i) = ((*this)(up) - (*this)(down)) / (2 * h);
  }
  likelihood_.deviance(at);  // leave the modes at z
  return value;
}

}  // namespace weft::inference
