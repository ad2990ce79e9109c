#pragma once
// The optimiser's vector x = [theta | beta | family parameters (transformed) | beta_zi] and
// its map to and from ModelParameters. Family parameters are optimised on their scale (log
// for theta, phi, shape, ...), as glmmTMB does; fixed ones are held out of x, and so are the
// blocks the likelihood determines itself (ProfiledBlocks: lmer's beta and sigma), whose
// values in unpack()'s result are only starts.
// for theta, phi, shape, ...), as glmmTMB does; ordered ones (ParameterScale::Increasing) as
// the log of their increment over the parameter before them, so any x gives ordered values;
// fixed ones are held out of x.
#include <weft/family.hpp>
#include <weft/integrator/integrator.hpp>

#include <optional>
#include <vector>

namespace weft::fit {

class ParameterLayout {
 public:
  // Family parameters stay within +-15 on their optimisation scale (theta in [3e-7, 3e6] on
  // the log scale): where the likelihood keeps rising to a limit (NB2 without
  // overdispersion: theta -> infinity) the optimiser stops at the bound and says so.
  // Identity-scale parameters (thresholds) are unbounded, as fixed effects are.
  static constexpr double kFamilyParameterBound = 15.0;

  // `fixed[k]` holds the value of family parameter k when it is fixed in the YAML.
  ParameterLayout(const ModelMatrices& model, std::vector<FamilyParameterInfo> family_parameters,
                  std::vector<std::optional<double>> fixed, ProfiledBlocks profiled = {});

  Index size() const { return n_theta_ + p_ + Index(estimated_.size()) + p_zi_; }
  Index theta_begin() const { return 0; }
  Index n_theta() const { return n_theta_; }
  Index beta_begin() const { return n_theta_; }
  Index p() const { return p_; }  // beta in x: 0 when the likelihood profiles beta
  Index family_begin() const { return n_theta_ + p_; }
  Index n_family_estimated() const { return Index(estimated_.size()); }
  Index zi_begin() const { return family_begin() + n_family_estimated(); }
  Index p_zi() const { return p_zi_; }
  // Index into Family::parameters() of the k-th estimated family parameter.
  std::size_t estimated_family_parameter(Index k) const { return estimated_[k]; }
  const std::vector<FamilyParameterInfo>& family_parameters() const { return family_parameters_; }
  bool family_parameter_fixed(std::size_t k) const { return fixed_[k].has_value(); }
  // True for a family parameter the likelihood profiles out (not fixed, not in x).
  bool family_parameter_profiled(std::size_t k) const { return profiled_.scale == k && !fixed_[k]; }
  const ProfiledBlocks& profiled() const { return profiled_; }
  // Estimated parameters the likelihood determines itself (counted in AIC/BIC as lmer does).
  Index n_profiled() const;
  // The values unpack() gives the profiled blocks: a start for the likelihood's first solve.
  void set_profiled_start(const ModelParameters& at) { profiled_start_ = at; }
  // True when the k-th estimated family parameter is held within +-kFamilyParameterBound.
  bool family_parameter_bounded(Index k) const;
  // d (every family parameter, natural scale) / d (the estimated ones' optimisation
  // coordinates) at `at`: diagonal but for ordered parameters, which move with every
  // increment before them.
  Matrix family_jacobian(const ModelParameters& at) const;

  ModelParameters unpack(const Vector& x) const;
  Vector pack(const ModelParameters& parameters) const;
  // Start: theta as lme4, family parameters at their fixed value or start value.
  ModelParameters start(const ModelMatrices& model) const;
  Vector lower(const ModelMatrices& model) const;
  Vector upper() const;

 private:
  Index n_theta_, p_model_, p_, p_zi_;
  std::vector<FamilyParameterInfo> family_parameters_;
  std::vector<std::optional<double>> fixed_;
  std::vector<std::size_t> estimated_;
  ProfiledBlocks profiled_;
  ModelParameters profiled_start_;
};

// theta with every term's factor T in lme4's form (non-negative diagonal): T and T D with
// D = diag(+-1) give the same covariance T T', so the optimiser may roam over negative
// diagonals and the result is mapped back here by flipping the sign of such columns.
Vector canonical_theta(const std::vector<RandomEffectTerm>& terms, Vector theta);

// Natural scale <-> optimisation scale of one family parameter; `previous` is the natural
// value of the parameter before it (used by ParameterScale::Increasing only).
double to_optimizer_scale(ParameterScale scale, double value, double previous = 0.0);
double from_optimizer_scale(ParameterScale scale, double x, double previous = 0.0);

}  // namespace weft::fit
