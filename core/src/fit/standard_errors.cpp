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

  // Family parameters: the joint covariance of their optimisation coordinates, carried to the
  // natural scale by the layout's Jacobian J (delta method: J V J'); ordered parameters need
  // the whole block, since each moves with every increment before it.
  const Index nf = layout.n_family_estimated();
  const Index n_all = Index(layout.family_parameters().size());
  se.family = Vector::Constant(nf, kNaN);
  se.family_covariance = Matrix::Constant(n_all, n_all, kNaN);
  if (nf == 0) return se;
  const Matrix J = layout.family_jacobian(at);
  const Matrix v = covariance_block(hessian, family_idx, complement(family_idx, all));
  if (v.size() > 0) {
    se.family_covariance = J * v * J.transpose();
    for (Index e = 0; e < nf; ++e) {
      const Index k = Index(layout.estimated_family_parameter(e));
      se.family(e) = std::sqrt(se.family_covariance(k, k));
    }
    return se;
  }
  // The block is not positive definite: each parameter's own variance where it has one.
  for (Index e = 0; e < nf; ++e) {
    const Index k = Index(layout.estimated_family_parameter(e)), i = layout.family_begin() + e;
    const Matrix one = covariance_block(hessian, {i}, complement({i}, all));
    if (one.size() == 0 || (J.row(k).array() != 0).count() != 1) {
      se.missing = true;
      continue;
    }
    se.family(e) = std::abs(J(k, e)) * std::sqrt(one(0, 0));
  }
  return se;
}

}  // namespace weft::fit
