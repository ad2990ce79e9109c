#include "report/text_summary.hpp"

#include "report/significance.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace weft::report {

namespace {

// printf into a std::string.
template <class... Args>
std::string format(const char* pattern, Args... args) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

std::string pad(const std::string& s, std::size_t width, bool left = true) {
  if (s.size() >= width) return s;
  return left ? s + std::string(width - s.size(), ' ') : std::string(width - s.size(), ' ') + s;
}

std::string number(double v, int significant = 4) {
  if (!std::isfinite(v)) return "NA";
  return format("%.*g", significant, v);
}

// The coefficient table: Estimate, Std. Error, then z value and Pr(>|z|) (glmer), t value
// without p-values (lmer), or z value without p-values (clmm's threshold table).
enum class TestColumns { ZWithP, T, Z };
std::string coefficient_table(const fit::NamedValues& estimates, const fit::NamedValues& se,
                              TestColumns columns = TestColumns::ZWithP) {
  const bool p_values = columns == TestColumns::ZWithP;
  std::size_t name_width = 0;
  for (const auto& e : estimates) name_width = std::max(name_width, e.first.size());
  std::ostringstream out;
  out << pad("", name_width)
      << (p_values ? "  Estimate Std. Error z value Pr(>|z|)    \n"
                   : columns == TestColumns::T ? "  Estimate Std. Error t value\n" : "  Estimate Std. Error z value\n");
  for (std::size_t j = 0; j < estimates.size(); ++j) {
    double s = NAN;  // matched by name: fixed parameters have no standard error
    for (const auto& [name, value] : se)
      if (name == estimates[j].first) s = value;
    const double b = estimates[j].second;
    const double z = b / s;
    out << pad(estimates[j].first, name_width) << pad(format("%.4f", b), 10, false) << pad(std::isfinite(s) ? format("%.4f", s) : "NA", 11, false)
        << pad(std::isfinite(z) ? format("%.3f", z) : "NA", 8, false);
    if (p_values) {
      const double p = std::erfc(std::abs(z) / std::sqrt(2.0));
      out << pad(std::isfinite(p) ? (p < 2e-16 ? "< 2e-16" : number(p, 3)) : "NA", 9, false) << " " << significance_stars(p);
    }
    out << "\n";
  }
  if (p_values) out << kSignificanceLegend;
  return out.str();
}

std::string random_effects_table(const fit::FitResult& r) {
  std::size_t gw = std::isfinite(r.residual_sd) ? 8 : 6, nw = 4;
  for (const auto& term : r.random) {
    gw = std::max(gw, term.group.size());
    for (const auto& t : term.terms) nw = std::max(nw, t.size());
  }
  bool any_corr = false;
  for (const auto& term : r.random) any_corr = any_corr || term.terms.size() > 1;
  std::ostringstream out;
  out << " " << pad("Groups", gw) << " " << pad("Name", nw) << " Variance Std.Dev." << (any_corr ? " Corr" : "") << "\n";
  for (const auto& term : r.random)
    for (std::size_t c = 0; c < term.terms.size(); ++c) {
      out << " " << pad(c == 0 ? term.group : "", gw) << " " << pad(term.terms[c], nw) << " "
          << pad(number(term.sd[c] * term.sd[c]), 8) << " " << pad(number(term.sd[c]), 8);
      for (std::size_t k = 0; k < c; ++k) out << " " << pad(std::isfinite(term.corr(c, k)) ? format("%.2f", term.corr(c, k)) : "NaN", 5, false);
      out << "\n";
    }
  if (std::isfinite(r.residual_sd))  // lmer's and glmmTMB's "Residual" row of a gaussian fit
    out << " " << pad("Residual", gw) << " " << pad("", nw) << " " << pad(number(r.residual_sd * r.residual_sd), 8) << " "
        << pad(number(r.residual_sd), 8) << "\n";
  out << "Number of obs: " << r.nobs << ", groups:  ";
  for (std::size_t g = 0; g < r.ngroups.size(); ++g)
    out << (g ? "; " : "") << r.ngroups[g].first << ", " << r.ngroups[g].second;
  out << "\n";
  if (r.n_omitted > 0)  // na_action: omit, in R's words (summary.lm)
    out << "  (" << r.n_omitted << (r.n_omitted == 1 ? " observation" : " observations")
        << " deleted due to missingness)\n";
  return out.str();
}

}  // namespace

// confint()'s table: one row per parameter (lme4's names: sd_(Intercept)|herd, cor_..., sigma).
static std::string confint_table(const fit::ConfidenceIntervals& c) {
  std::vector<std::pair<std::string, fit::Interval>> rows;
  for (const auto& r : c.random)
    for (std::size_t t = 0; t < r.terms.size() && t < r.sd.size(); ++t) rows.emplace_back("sd_" + r.terms[t] + "|" + r.group, r.sd[t]);
  for (const auto& k : c.corr) rows.emplace_back("cor_" + k.terms[1] + "." + k.terms[0] + "|" + k.group, k.interval);  // lme4: cor_Days.(Intercept)
  for (const auto& f : c.family_parameters) rows.push_back(f);
  for (const auto& f : c.fixef) rows.push_back(f);
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  const double tail = 100.0 * (1.0 - c.level) / 2.0;
  std::ostringstream out;
  out << pad("", width, true) << " " << pad(format("%.1f %%", tail), 12, false) << " "
      << pad(format("%.1f %%", 100.0 - tail), 12, false) << "\n";
  for (const auto& [name, i] : rows)
    out << pad(name, width, true) << " " << pad(number(i.lower, 6), 12, false) << " " << pad(number(i.upper, 6), 12, false) << "\n";
  return out.str();
}

std::string text_summary(const fit::FitResult& r) {
  std::ostringstream out;
  const bool reml = r.criterion == "REML";
  const bool ordered = !r.response_levels.empty();  // clmm's layout for a response with levels
  if (r.linear_mixed_model) {
    out << "Linear mixed model fit by " << (reml ? "REML" : "maximum likelihood") << " [weft]\n";
  } else {
    out << (ordered ? "Cumulative link mixed model" : "Generalized linear mixed model") << " fit by "
        << (reml ? "REML" : "maximum likelihood") << " ("
        << (r.points > 1 ? "Adaptive Gauss-Hermite Quadrature, nAGQ = " + std::to_string(r.points) : std::string("Laplace Approximation"))
        << ") [weft]\n";
    out << " Family: " << r.family << "  ( " << r.link << " )";
    for (const auto& [key, value] : r.family_options) out << ", " << key << ": " << value;
    out << "\n";
  }
  out << "Formula: " << r.formula << "\n";
  if (ordered) {
    out << "Response levels: ";
    for (std::size_t k = 0; k < r.response_levels.size(); ++k) out << (k ? " < " : "") << r.response_levels[k];
    out << "\n";
  }
  if (!r.zi_formula.empty()) out << "Zero model: " << r.zi_formula << "\n";
  out << "   Data: " << r.data_name << "\n";
  out << "Integrator: " << r.integrator << " (hessian: " << r.hessian << "), optimizer: " << r.optimizer << "\n\n";
  if (r.linear_mixed_model && reml) {
    out << "REML criterion at convergence: " << format("%.1f", r.deviance) << "\n\n";
  } else {
    out << "     AIC      BIC   logLik " << (reml ? "-2*logL" : "deviance") << " df.resid \n";
    out << pad(format("%.1f", r.aic), 8, false) << " " << pad(format("%.1f", r.bic), 8, false) << " "
        << pad(format("%.1f", r.loglik), 8, false) << " " << pad(format("%.1f", r.deviance), 8, false) << " "
        << pad(std::to_string(r.df_resid), 8, false) << " \n\n";
  }
  out << "Random effects:\n" << random_effects_table(r) << "\n";
  std::vector<std::size_t> shown;  // family parameters besides the residual SD (shown as "Residual")
  for (std::size_t k = 0; k < r.family_parameters.size(); ++k)
    if (r.family_parameters[k].first != r.residual_sd_name) shown.push_back(k);
  if (r.parameters_are_intercepts) {
    // clmm's layout: the coefficients, then the thresholds as a table of their own.
    out << "Coefficients:\n" << coefficient_table(r.fixef, r.se);
    out << "\nThreshold coefficients:\n" << coefficient_table(r.family_parameters, r.family_parameters_se, TestColumns::Z);
    bool same = r.derived.size() == r.family_parameters.size();
    for (std::size_t k = 0; same && k < r.derived.size(); ++k) same = r.derived[k].first == r.family_parameters[k].first;
    if (!r.derived.empty() && !same) out << "\nImplied thresholds:\n" << coefficient_table(r.derived, r.derived_se, TestColumns::Z);
  } else if (!shown.empty()) {
    out << "Family parameters:";
    for (std::size_t k : shown) {
      out << " " << r.family_parameters[k].first << " = " << number(r.family_parameters[k].second, 5);
      for (const auto& [name, se] : r.family_parameters_se)
        if (name == r.family_parameters[k].first) out << " (SE " << number(se, 3) << ")";
    }
    out << "\n\n";
  }
  if (!r.parameters_are_intercepts)
    out << (r.zi_fixef.empty() ? "Fixed effects:\n" : "Conditional model fixed effects:\n")
        << coefficient_table(r.fixef, r.se, r.linear_mixed_model ? TestColumns::T : TestColumns::ZWithP);
  if (!r.zi_fixef.empty()) out << "\nZero model fixed effects (logit):\n" << coefficient_table(r.zi_fixef, r.zi_se);
  if (r.confint) {
    const auto& c = *r.confint;
    const std::string method = c.method == "wald" ? "Wald"
                               : c.method == "boot"
                                   ? "parametric bootstrap percentiles, " + std::to_string(c.replicates) +
                                         " replicates, seed " + std::to_string(c.seed)
                                   : c.method;
    out << "\nConfidence intervals (" << method << ", level " << number(c.level, 3) << "):\n" << confint_table(c);
    if (c.method == "boot" && (c.failed > 0 || c.not_converged > 0))
      out << c.failed << " refits failed (left out), " << c.not_converged << " did not converge (kept)\n";
  }
  if (!r.converged) out << "\nThe optimizer did not converge: the estimates are not reliable.\n";
  for (const auto& w : r.warnings) out << (r.converged ? "\n" : "") << "warning: " << w << "\n";
  return out.str();
}

}  // namespace weft::report
