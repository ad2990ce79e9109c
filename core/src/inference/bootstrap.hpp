#pragma once
// The parametric bootstrap (lme4's bootMer with type = "parametric", use.u = FALSE): nsim data
// sets simulated from the fit (simulation.hpp: new random effects each), each refitted from the
// estimates, by the fit's criterion; the percentile intervals of the refits' parameters
// (confint(method = "boot", boot.type = "perc")). Refits run on every core; replicate d always
// uses DrawStream(seed, d), so the draws do not depend on the number of threads.
#include "fit/fit_result.hpp"
#include "fit/fitted_model.hpp"
#include "fit/prepared_model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace weft::inference {

// The parameters confint() reports, flattened in its row order: SDs (sd_<term>|<group>),
// correlations (cor_<term1>.<term2>|<group>), estimated family parameters, fixed effects.
std::vector<std::string> reported_parameter_names(const fit::FitResult& result);
std::vector<double> reported_parameter_values(const fit::FitResult& result);

struct BootstrapResult {
  std::vector<std::string> names;  // reported_parameter_names of the fit
  Matrix draws;                    // nsim x names; a row of NaN where the refit failed
  // per replicate: the refit says converged (char, not vector<bool>: replicates on other threads
  // write neighbouring elements, and vector<bool> packs them into one word)
  std::vector<char> converged;
  std::size_t n_failed = 0;        // refits that ended in an error (rows of NaN)
  std::size_t n_not_converged = 0; // refits that ended without converging (kept, as bootMer)
  // Percentiles of the finite draws (R's quantile type 7), with the replicates, the seed and
  // the failed / not converged counts.
  fit::ConfidenceIntervals intervals;
};

// InputError unless nsim is enough for a bootstrap (callers check before they fit).
void require_replicates(std::size_t nsim);

BootstrapResult parametric_bootstrap(const fit::PreparedModel& model, const fit::FittedModel& fitted,
                                     std::size_t nsim, std::uint64_t seed, double level);

}  // namespace weft::inference
