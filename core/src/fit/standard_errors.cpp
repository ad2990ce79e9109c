// standard_errors: 2 H^-1 by blocks (pipeline.hpp).
#include "fit/covariance.hpp"
#include "fit/pipeline.hpp"

#include <cmath>
#include <limits>

namespace weft::fit {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<Index> range(Index begin, Index count) {
  std::vector<Index> out;
  for (Index i = 0; i < count; ++i) out.push_back(begin + i);
  return out;
}

// The indices of `within` that are not in `of`.
std::vector<Index> complement(const std::vector<Index>& of, const std::vector<Index>& within) {
  std::vector<Index> out;
  for (Index i : within)
    if (std::find(of.begin(), of.end(), i) == of.end()) out.push_back(i);
  return out;
}

// sqrt of the diagonal of a covariance block, NaN where the block is unavailable.
Vector root_diagonal(const Matrix& covariance, Index count) {
  if (covariance.size() == 0) return Vector::Constant(count, kNaN);
  return covariance.diagonal().cwiseSqrt();
}

}  // namespace

StandardErrors standard_errors(const ParameterLayout& layout, const Matrix& hessian, HessianKind convention,
                               const ModelParameters& at, const Matrix& beta_covariance) {
  StandardErrors se;
  const std::vector<Index> all = range(0, layout.size());
  const std::vector<Index> beta_idx = range(layout.beta_begin(), layout.p());
  const std::vector<Index> family_idx = range(layout.family_begin(), layout.n_family_estimated());
  const std::vector<Index> zi_idx = range(layout.zi_begin(), layout.p_zi());
  // lme4 (expected) conditions beta's covariance on the family parameters; TMB on nothing.
  std::vector<Index> beta_context = complement(beta_idx, all);
  if (convention == HessianKind::Expected) beta_context = complement(family_idx, beta_context);
  // The likelihood's own covariance of beta where it has one (lmer's sigma^2 (RX'RX)^-1).
  const Index p = at.beta.size();
  const Matrix cov_beta = beta_covariance.rows() == p && p > 0 ? beta_covariance
                          : layout.p() == p                     ? covariance_block(hessian, beta_idx, beta_context)
                                                                : Matrix();
  const Matrix cov_zi = covariance_block(hessian, zi_idx, complement(zi_idx, all));
  se.beta = root_diagonal(cov_beta, p);
  se.beta_zi = root_diagonal(cov_zi, layout.p_zi());
  se.missing = (cov_beta.size() == 0 && p > 0) || (cov_zi.size() == 0 && layout.p_zi() > 0);

  se.family = Vector::Constant(layout.n_family_estimated(), kNaN);
  const auto& parameters = layout.family_parameters();
  for (Index e = 0; e < layout.n_family_estimated(); ++e) {
    const std::size_t k = layout.estimated_family_parameter(e);
    const Index i = layout.family_begin() + e;
    const Matrix v = covariance_block(hessian, {i}, complement({i}, all));
    if (v.size() == 0) {
      se.missing = true;
      continue;
    }
    const double sd_x = std::sqrt(v(0, 0)), value = at.family[k];
    switch (parameters[k].scale) {  // delta method back to the natural scale
      case ParameterScale::Log: se.family(e) = value * sd_x; break;
      case ParameterScale::Logit: se.family(e) = value * (1 - value) * sd_x; break;
      case ParameterScale::Identity: se.family(e) = sd_x; break;
    }
  }
  return se;
}

}  // namespace weft::fit
