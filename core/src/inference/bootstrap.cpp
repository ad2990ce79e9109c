#include "inference/bootstrap.hpp"

#include <weft/errors.hpp>

#include "fit/estimation.hpp"
#include "inference/simulation.hpp"
#include "progress/progress.hpp"
#include "util/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

namespace weft::inference {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The family parameters the fit estimated: those with SEs, and an LMM's profiled sigma.
std::vector<std::string> estimated_family_parameters(const fit::FitResult& r) {
  std::vector<std::string> names;
  for (const auto& [name, se] : r.family_parameters_se) names.push_back(name);
  if (!r.residual_sd_name.empty() && std::find(names.begin(), names.end(), r.residual_sd_name) == names.end())
    names.push_back(r.residual_sd_name);
  return names;
}

// Calls visit(name, value) for every reported parameter, in confint()'s row order.
template <class Visit>
void for_each_reported(const fit::FitResult& r, Visit&& visit) {
  for (const auto& term : r.random)
    for (std::size_t c = 0; c < term.terms.size(); ++c) visit("sd_" + term.terms[c] + "|" + term.group, term.sd[c]);
  for (const auto& term : r.random)
    for (std::size_t c = 0; c < term.terms.size(); ++c)
      for (std::size_t d = c + 1; d < term.terms.size(); ++d)
        visit("cor_" + term.terms[d] + "." + term.terms[c] + "|" + term.group, term.corr(Index(d), Index(c)));
  for (const auto& name : estimated_family_parameters(r))
    for (const auto& [pname, value] : r.family_parameters)
      if (pname == name) visit(name, value);
  for (const auto& [name, value] : r.fixef) visit(name, value);
}

// R's quantile(type = 7) of the finite values.
double quantile7(std::vector<double> v, double p) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const double h = (double(v.size()) - 1) * p;
  const auto lo = std::size_t(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - double(lo)) * (v[hi] - v[lo]);
}

}  // namespace

std::vector<std::string> reported_parameter_names(const fit::FitResult& result) {
  std::vector<std::string> out;
  for_each_reported(result, [&](const std::string& name, double) { out.push_back(name); });
  return out;
}

std::vector<double> reported_parameter_values(const fit::FitResult& result) {
  std::vector<double> out;
  for_each_reported(result, [&](const std::string&, double value) { out.push_back(value); });
  return out;
}

void require_replicates(std::size_t nsim) {
  if (nsim < 2) throw InputError("--nsim: the bootstrap needs at least 2 replicates, got " + std::to_string(nsim));
}

BootstrapResult parametric_bootstrap(const fit::PreparedModel& pm, const fit::FittedModel& fitted, std::size_t nsim,
                                     std::uint64_t seed, double level) {
  require_replicates(nsim);
  if (!pm.family->can_simulate())
    throw InputError(pm.config_name + ": family '" + pm.family->name() +
                     "' cannot simulate responses (its plugin has no simulate()), so it cannot be bootstrapped");
  BootstrapResult out;
  out.names = reported_parameter_names(fitted.result);
  out.draws = Matrix::Constant(Index(nsim), Index(out.names.size()), kNaN);
  out.converged.assign(nsim, 0);
  const SimulationPoint at = simulation_point(fitted);
  const ResponseSimulator simulator(pm, at, false);
  progress::Task task(progress::current(), "bootstrap", nsim);
  std::mutex count_mutex;
  parallel_for(nsim, [&](std::size_t d) {
    ModelMatrices simulated = pm.built.matrices;
    DrawStream random(seed, d);
    simulated.y = simulator.draw(random);
    fit::EstimateOptions options;
    options.reml = fitted.reml;
    options.matrices = &simulated;
    options.start = &fitted.estimates;
    bool failed = false;
    try {
      const fit::FittedModel refit = fit::estimate_model(pm, options);
      const std::vector<double> values = reported_parameter_values(refit.result);
      if (values.size() == out.names.size())
        for (std::size_t k = 0; k < values.size(); ++k) out.draws(Index(d), Index(k)) = values[k];
      out.converged[d] = refit.result.converged ? 1 : 0;
    } catch (const InputError&) {
      failed = true;  // a simulated data set the model cannot take (e.g. all zeros): as bootMer, a missing row
    }
    {
      std::lock_guard<std::mutex> lock(count_mutex);
      if (failed) ++out.n_failed;
      else if (!out.converged[d]) ++out.n_not_converged;
    }
    task.advance(1);
  });

  // Percentile intervals in the ConfidenceIntervals layout of the fit's own parameters.
  const double tail = (1.0 - level) / 2.0;
  std::vector<fit::Interval> rows(out.names.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Vector column = out.draws.col(Index(k));
    const std::vector<double> v(column.data(), column.data() + column.size());
    rows[k] = {quantile7(v, tail), quantile7(v, 1.0 - tail)};
  }
  fit::ConfidenceIntervals& ci = out.intervals;
  ci.method = "boot";
  ci.level = level;
  ci.replicates = nsim;
  ci.seed = seed;
  ci.failed = out.n_failed;
  ci.not_converged = out.n_not_converged;
  std::size_t k = 0;
  const fit::FitResult& r = fitted.result;
  for (const auto& term : r.random) {
    fit::ConfidenceIntervals::StandardDeviations sds{term.group, term.terms, {}};
    for (std::size_t c = 0; c < term.terms.size(); ++c) sds.sd.push_back(rows[k++]);
    ci.random.push_back(sds);
  }
  for (const auto& term : r.random)
    for (std::size_t c = 0; c < term.terms.size(); ++c)
      for (std::size_t d = c + 1; d < term.terms.size(); ++d)
        ci.corr.push_back({term.group, {term.terms[c], term.terms[d]}, rows[k++]});
  for (const auto& name : estimated_family_parameters(r)) ci.family_parameters.emplace_back(name, rows[k++]);
  for (const auto& [name, value] : r.fixef) ci.fixef.emplace_back(name, rows[k++]);
  return out;
}

}  // namespace weft::inference
