#pragma once
// Residuals of a fitted model, conditional on the random effects' modes (lme4's and glmmTMB's
// residuals(), DHARMa's simulateResiduals):
//  - response: y - E[y | b^]
//  - pearson:  (y - E y) / sqrt(Var(y) / w), Var(y) the family's variance at the fitted mean,
//    dispersion included (glmmTMB's; for an LMM lme4 leaves sigma in, sqrt(w)(y - mu));
//  - deviance: sign(y - E y) sqrt(2 (log p(y | mu = y) - log p(y | mu))), the unit deviance's
//    root as R's glm (for a conditionally normal family times sigma, so that an LMM's are
//    sqrt(w)(y - mu) as lme4's); not defined for zero-inflated, hurdle or ordinal families;
//  - quantile: DHARMa's scaled residuals: the randomised probability integral transform of y
//    among nsim responses simulated with new random effects (DHARMa's default for lme4 fits),
//    (#{sim < y} + U (#{sim = y} + 1)) / (nsim + 1), U ~ U(0, 1); uniform on (0, 1) when the
//    model is right (Dunn & Smyth 1996; Hartig, DHARMa vignette).
#include "inference/simulation.hpp"

#include <cstdint>
#include <string>

namespace weft::inference {

enum class ResidualType { Response, Pearson, Deviance, Quantile };

// "response", "pearson", "deviance" or "quantile"; InputError naming `key` otherwise.
ResidualType residual_type(const std::string& text, const std::string& key);

// One residual per row of the model's data. nsim and seed are used by quantile residuals only.
Vector residuals(const fit::PreparedModel& model, const SimulationPoint& at, ResidualType type, std::size_t nsim = 250,
                 std::uint64_t seed = 1);

// E[y | b^] per row on the response's scale (lme4's fitted()).
Vector fitted_means(const fit::PreparedModel& model, const SimulationPoint& at);

}  // namespace weft::inference
