#pragma once
// The parameters as confint() reports them, as one vector y: beta (unless the likelihood
// profiles it), then per random-effects term its SDs and correlations (lme4's sd_ and cor_
// parameters, on the scale of the data: an LMM's theta times sigma), then the estimated family
// parameters on their optimisation scale (log sigma, ...), then the zero model's coefficients.
// Profile likelihoods hold one element of y and minimise the deviance over the others (lme4's
// profile() works on the same sd/cor scale, so that a profile of an SD can reach 0).
#include <weft/family.hpp>
#include <weft/integrator/integrator.hpp>

#include "fit/deviance_function.hpp"

#include <optional>
#include <string>
#include <vector>

namespace weft::inference {

class NaturalCoordinates {
 public:
  enum class Kind { FixedEffect, StandardDeviation, Correlation, FamilyParameter, ZeroModel };
  struct Entry {
    Kind kind;
    std::size_t term = 0;   // random-effects term (SD, correlation)
    Index i = 0, j = 0;     // SD of column i; correlation of columns i > j; beta/zero-model index
    std::size_t family = 0;  // index into Family::parameters()
    double lower = -std::numeric_limits<double>::infinity(), upper = std::numeric_limits<double>::infinity();
  };

  // `scale`: the family parameter theta is relative to (an LMM's sigma, held by the caller
  // rather than profiled by the likelihood); `beta_in_y`: false when the likelihood profiles beta.
  NaturalCoordinates(const ModelMatrices& model, std::vector<FamilyParameterInfo> family_parameters,
                     std::vector<std::optional<double>> fixed, bool beta_in_y, std::optional<std::size_t> scale);

  Index size() const { return Index(entries_.size()); }
  const Entry& entry(Index k) const { return entries_[std::size_t(k)]; }
  // The parameters at y; false where y has no covariance (a correlation matrix that is not
  // positive definite).
  bool parameters(const Vector& y, ModelParameters& out) const;
  Vector coordinates(const ModelParameters& at) const;
  // Every block of `at` as one vector [beta | theta | family | beta_zi] (for chain rules).
  static Vector flatten(const ModelParameters& at);

 private:
  const std::vector<RandomEffectTerm>& terms_;
  Index p_, n_theta_, p_zi_;
  std::vector<FamilyParameterInfo> family_parameters_;
  std::vector<std::optional<double>> fixed_;
  bool beta_in_y_;
  std::optional<std::size_t> scale_;
  std::vector<Entry> entries_;
};

// The deviance as a function of y without one held element (held < 0: of all of y), with
// its gradient by the chain rule through the likelihood's analytic gradient where it has one.
class NaturalDeviance final : public fit::DifferentiableFunction {
 public:
  NaturalDeviance(MarginalLikelihood& likelihood, const NaturalCoordinates& coordinates, Index held = -1,
                  double held_value = 0.0)
      : likelihood_(likelihood), coordinates_(coordinates), held_(held), held_value_(held_value) {}
  double operator()(const Vector& z) override;
  double value_and_gradient(const Vector& z, Vector& gradient) override;
  Vector full(const Vector& z) const;  // y from z
  Vector reduced(const Vector& y) const;  // z from y
  const char* stage() const override { return "profile"; }

 private:
  MarginalLikelihood& likelihood_;
  const NaturalCoordinates& coordinates_;
  Index held_;
  double held_value_;
};

}  // namespace weft::inference
