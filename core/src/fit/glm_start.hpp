#pragma once
// Start values for beta: the GLM without random effects, fitted by IRLS as R's glm.fit
// (lme4 starts glmer this way).
#include <weft/family.hpp>
#include <weft/model.hpp>

#include <span>

namespace weft::fit {

// beta maximising sum log p(y | X beta + offset) with the family parameters fixed at
// `params`; a zero model, if any, is switched off (zero probability ~ 0). Returns zeros if
// IRLS cannot find finite values.
Vector glm_start(const ModelMatrices& model, const Family& family, const Link& link,
                 std::span<const double> params);

}  // namespace weft::fit
