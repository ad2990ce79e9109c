#pragma once
// Start values for beta: the GLM without random effects, fitted by IRLS as R's glm.fit
// (lme4 starts glmer this way).
#include <weft/family.hpp>
#include <weft/integrator/model.hpp>

#include <span>

namespace weft::fit {

// beta maximising sum log p(y | X beta + offset) with the family parameters fixed at
// `params`; a zero model, if any, is switched off (zero probability ~ 0). Returns zeros if
// IRLS cannot find finite values.
Vector glm_start(const ModelMatrices& model, const Family& family, const Link& link,
                 std::span<const double> params);

// Start values for theta: for each scalar term (1 | g), the method-of-moments SD of the
// level means of the GLM's working residuals beyond their sampling variance, clamped to
// [0.1, 3]; lme4's 1 (identity T) for vector terms. lme4 starts every theta at 1, and the
// optimum is the same from either start; a start near the optimum saves most of the work on
// large data sets. With `scale` (lmer's sigma, to which theta is relative there) the SD is
// divided by it before the clamp.
Vector theta_start(const ModelMatrices& model, const Family& family, const Link& link, std::span<const double> params,
                   const Vector& beta, double scale = 1.0);

}  // namespace weft::fit
