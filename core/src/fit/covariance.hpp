#pragma once
// Covariance of estimates from the Hessian H of the deviance (-2 log L): 2 H^-1, block by
// block, robust to directions the deviance is flat in (a variance parameter at zero).
#include <weft/integrator/model.hpp>

#include <vector>

namespace weft::fit {

// Covariance of the parameters `wanted` (indices into H) from the sub-Hessian on `wanted`
// plus `others`: 2 (H_ww - H_wo H_oo^+ H_ow)^-1, with H_oo^+ a pseudo-inverse (eigenvalues
// below 1e-8 of the largest are dropped). Returns an empty matrix when the result is not
// positive definite.
Matrix covariance_block(const Matrix& hessian, const std::vector<Index>& wanted, const std::vector<Index>& others);

}  // namespace weft::fit
