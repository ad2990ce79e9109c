#include "fit/parameter_layout.hpp"

#include <weft/errors.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace weft::fit {

double to_optimizer_scale(ParameterScale scale, double value, double previous) {
  switch (scale) {
    case ParameterScale::Log: return std::log(value);
    case ParameterScale::Logit: return std::log(value / (1.0 - value));
    case ParameterScale::Increasing: return std::log(value - previous);
    case ParameterScale::Identity: break;
  }
  return value;
}

double from_optimizer_scale(ParameterScale scale, double x, double previous) {
  switch (scale) {
    case ParameterScale::Log: return std::exp(x);
    case ParameterScale::Logit: return 1.0 / (1.0 + std::exp(-x));
    case ParameterScale::Increasing: return previous + std::exp(x);
    case ParameterScale::Identity: break;
  }
  return x;
}

ParameterLayout::ParameterLayout(const ModelMatrices& model, std::vector<FamilyParameterInfo> family_parameters,
                                 std::vector<std::optional<double>> fixed, ProfiledBlocks profiled)
    : n_theta_(model.n_theta()), p_model_(model.p()), p_(profiled.beta ? 0 : model.p()), p_zi_(model.X_zi.cols()),
      family_parameters_(std::move(family_parameters)), fixed_(std::move(fixed)), profiled_(profiled) {
  fixed_.resize(family_parameters_.size());
  if (profiled_.scale && *profiled_.scale >= family_parameters_.size()) profiled_.scale.reset();
  if (!family_parameters_.empty() && family_parameters_.front().scale == ParameterScale::Increasing)
    throw std::logic_error("family parameter '" + family_parameters_.front().name +
                           "' is Increasing but has no parameter before it");
  for (std::size_t k = 0; k < family_parameters_.size(); ++k)
    if (!fixed_[k] && !family_parameter_profiled(k)) estimated_.push_back(k);
  profiled_start_ = start(model);
}

Index ParameterLayout::n_profiled() const {
  Index n = profiled_.beta ? p_model_ : 0;
  for (std::size_t k = 0; k < family_parameters_.size(); ++k) n += family_parameter_profiled(k);
  return n;
}

bool ParameterLayout::family_parameter_bounded(Index k) const {
  return family_parameters_[estimated_[std::size_t(k)]].scale != ParameterScale::Identity;
}

ModelParameters ParameterLayout::unpack(const Vector& x) const {
  ModelParameters out;
  out.theta = x.segment(theta_begin(), n_theta_);
  out.beta = profiled_.beta ? profiled_start_.beta : Vector(x.segment(beta_begin(), p_));
  out.family.resize(family_parameters_.size());
  Index e = 0;  // in order: an Increasing parameter builds on the one before it
  for (std::size_t k = 0; k < family_parameters_.size(); ++k) {
    const double previous = k > 0 ? out.family[k - 1] : 0.0;
    if (fixed_[k]) out.family[k] = *fixed_[k];
    else if (family_parameter_profiled(k)) out.family[k] = profiled_start_.family[k];
    else out.family[k] = from_optimizer_scale(family_parameters_[k].scale, x(family_begin() + e++), previous);
  }
  out.beta_zi = x.segment(zi_begin(), p_zi_);
  return out;
}

Vector ParameterLayout::pack(const ModelParameters& at) const {
  Vector x(size());
  x.segment(theta_begin(), n_theta_) = at.theta;
  if (!profiled_.beta) x.segment(beta_begin(), p_) = at.beta;
  for (Index e = 0; e < n_family_estimated(); ++e) {
    const std::size_t k = estimated_[e];
    x(family_begin() + e) = to_optimizer_scale(family_parameters_[k].scale, at.family[k], k > 0 ? at.family[k - 1] : 0.0);
  }
  x.segment(zi_begin(), p_zi_) = at.beta_zi;
  return x;
}

Matrix ParameterLayout::family_jacobian(const ModelParameters& at) const {
  const Index n = Index(family_parameters_.size());
  Matrix J = Matrix::Zero(n, n_family_estimated());
  Index e = 0;
  for (Index k = 0; k < n; ++k) {
    if (fixed_[std::size_t(k)] || family_parameter_profiled(std::size_t(k))) continue;
    const double v = at.family[std::size_t(k)];
    switch (family_parameters_[std::size_t(k)].scale) {
      case ParameterScale::Log: J(k, e) = v; break;
      case ParameterScale::Logit: J(k, e) = v * (1.0 - v); break;
      case ParameterScale::Identity: J(k, e) = 1.0; break;
      case ParameterScale::Increasing:  // v = previous + exp(x): moves with the previous one too
        J.row(k) = J.row(k - 1);
        J(k, e) = v - at.family[std::size_t(k - 1)];
        break;
    }
    ++e;
  }
  return J;
}

ModelParameters ParameterLayout::start(const ModelMatrices& model) const {
  ModelParameters at;
  at.theta = model.theta_start();
  at.beta = Vector::Zero(p_model_);
  at.family.resize(family_parameters_.size());
  for (std::size_t k = 0; k < family_parameters_.size(); ++k)
    at.family[k] = fixed_[k] ? *fixed_[k] : family_parameters_[k].start;
  at.beta_zi = Vector::Zero(p_zi_);
  return at;
}

Vector ParameterLayout::lower(const ModelMatrices&) const {
  // theta is unbounded here (see canonical_theta): lme4's bound theta_diag >= 0 makes theta = 0,
  // where the deviance's gradient vanishes by symmetry, a point optimisers land on and stall at.
  Vector lo = Vector::Constant(size(), -std::numeric_limits<double>::infinity());
  for (Index e = 0; e < n_family_estimated(); ++e)
    if (family_parameter_bounded(e)) lo(family_begin() + e) = -kFamilyParameterBound;
  return lo;
}

Vector canonical_theta(const std::vector<RandomEffectTerm>& terms, Vector theta) {
  for (const auto& term : terms)
    for (Index c = 0; c < term.k(); ++c)
      if (theta(term.first_theta + term.theta_index(c, c)) < 0)
        for (Index r = c; r < term.k(); ++r) theta(term.first_theta + term.theta_index(r, c)) *= -1.0;
  return theta;
}

Vector ParameterLayout::upper() const {
  Vector hi = Vector::Constant(size(), std::numeric_limits<double>::infinity());
  for (Index e = 0; e < n_family_estimated(); ++e)
    if (family_parameter_bounded(e)) hi(family_begin() + e) = kFamilyParameterBound;
  return hi;
}

}  // namespace weft::fit
