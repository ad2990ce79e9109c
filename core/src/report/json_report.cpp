#include "report/json_report.hpp"

#include <weft/version.hpp>

#include <algorithm>
#include <cmath>

namespace weft::report {

using nlohmann::ordered_json;

namespace {

// null for NaN/inf: strict JSON has no such numbers.
ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

ordered_json named(const fit::NamedValues& values) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, value] : values) out[name] = number(value);
  return out;
}

ordered_json matrix_rows(const Matrix& m) {
  ordered_json rows = ordered_json::array();
  for (Index r = 0; r < m.rows(); ++r) {
    ordered_json row = ordered_json::array();
    for (Index c = 0; c < m.cols(); ++c) row.push_back(number(m(r, c)));
    rows.push_back(row);
  }
  return rows;
}

// condvar: per level the k x k conditional covariance; condsd: per level the k conditional SDs.
ordered_json mode_block(const fit::ConditionalModes& modes) {
  ordered_json block{{"group", modes.group}, {"terms", modes.terms}, {"levels", modes.levels}, {"values", matrix_rows(modes.values)}};
  if (modes.condvar.empty()) return block;
  ordered_json condvar = ordered_json::array(), condsd = ordered_json::array();
  for (const Matrix& v : modes.condvar) {
    condvar.push_back(matrix_rows(v));
    condsd.push_back(matrix_rows(v.diagonal().cwiseMax(0.0).cwiseSqrt().transpose()).front());
  }
  block["condvar"] = condvar;
  block["condsd"] = condsd;
  return block;
}

// Level j's covariance of a group split into several terms (x || g): block diagonal, the
// blocks between terms are not reported (as lme4).
void append_condvar(ordered_json& block, const fit::ConditionalModes& modes) {
  if (!block.contains("condvar") || modes.condvar.size() != block["condvar"].size()) {
    block.erase("condvar");
    block.erase("condsd");
    return;
  }
  for (std::size_t j = 0; j < modes.condvar.size(); ++j) {
    auto& rows = block["condvar"][j];
    const std::size_t before = rows.size();
    const Matrix& v = modes.condvar[j];
    for (auto& row : rows)
      for (Index c = 0; c < v.cols(); ++c) row.push_back(0.0);
    for (Index r = 0; r < v.rows(); ++r) {
      ordered_json row = ordered_json::array();
      for (std::size_t c = 0; c < before; ++c) row.push_back(0.0);
      for (Index c = 0; c < v.cols(); ++c) row.push_back(number(v(r, c)));
      rows.push_back(row);
      block["condsd"][j].push_back(number(std::sqrt(std::max(v(r, r), 0.0))));
    }
  }
}

// `ranef` keyed by group; lme4 splits (x || g) into several terms of one group, which are
// merged here (same levels) so each group appears once.
ordered_json ranef_by_group(const std::vector<fit::ConditionalModes>& ranef) {
  ordered_json out = ordered_json::object();
  for (const auto& modes : ranef) {
    if (!out.contains(modes.group)) {
      ordered_json block = mode_block(modes);
      block.erase("group");
      out[modes.group] = block;
      continue;
    }
    auto& block = out[modes.group];
    for (const auto& t : modes.terms) block["terms"].push_back(t);
    for (Index j = 0; j < modes.values.rows() && j < Index(block["values"].size()); ++j)
      for (Index c = 0; c < modes.values.cols(); ++c) block["values"][j].push_back(number(modes.values(j, c)));
    append_condvar(block, modes);
  }
  return out;
}

ordered_json interval(const fit::Interval& i) { return ordered_json::array({number(i.lower), number(i.upper)}); }

ordered_json named_intervals(const std::vector<std::pair<std::string, fit::Interval>>& values) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, i] : values) out[name] = interval(i);
  return out;
}

// interface.md's "confint" block.
ordered_json confint_block(const fit::ConfidenceIntervals& c) {
  ordered_json out;
  out["method"] = c.method;
  out["level"] = c.level;
  out["fixef"] = named_intervals(c.fixef);
  out["random"] = ordered_json::array();
  for (const auto& r : c.random) {
    ordered_json sd = ordered_json::array();
    for (const auto& i : r.sd) sd.push_back(interval(i));
    out["random"].push_back(ordered_json{{"group", r.group}, {"terms", r.terms}, {"sd", sd}});
  }
  out["corr"] = ordered_json::array();
  for (const auto& k : c.corr)
    out["corr"].push_back(ordered_json{{"group", k.group}, {"terms", k.terms}, {"interval", interval(k.interval)}});
  out["family_parameters"] = named_intervals(c.family_parameters);
  if (c.method == "boot") {
    out["nsim"] = c.replicates;
    out["seed"] = c.seed;
    out["n_failed"] = c.failed;
    out["n_not_converged"] = c.not_converged;
  }
  return out;
}

}  // namespace

ordered_json result_document(const fit::FitResult& r) {
  ordered_json doc;
  doc["weft_version"] = WEFT_VERSION_STRING;
  doc["converged"] = r.converged;
  doc["warnings"] = r.warnings;
  doc["family"] = r.family;
  doc["link"] = r.link;
  doc["criterion"] = r.criterion;
  doc["family_parameters"] = named(r.family_parameters);
  doc["family_parameters_se"] = named(r.family_parameters_se);
  doc["derived_parameters"] = named(r.derived);
  doc["derived_parameters_se"] = named(r.derived_se);
  doc["response_levels"] = r.response_levels;
  doc["integrator"] = {{"name", r.integrator}, {"hessian", r.hessian}, {"points", r.points}};
  doc["optimizer"] = {{"name", r.optimizer},
                      {"iterations", r.iterations},
                      {"function_evaluations", r.function_evaluations},
                      {"status", r.optimizer_status},
                      {"route", r.optimizer_route}};
  doc["nobs"] = r.nobs;
  doc["n_omitted"] = r.n_omitted;
  ordered_json groups = ordered_json::object();
  for (const auto& [g, n] : r.ngroups) groups[g] = n;
  doc["ngroups"] = groups;
  doc["fixef"] = named(r.fixef);
  doc["se"] = named(r.se);
  doc["zi_fixef"] = named(r.zi_fixef);
  doc["zi_se"] = named(r.zi_se);
  ordered_json random = ordered_json::array();
  for (const auto& term : r.random) {
    ordered_json sd = ordered_json::array();
    for (double s : term.sd) sd.push_back(number(s));
    random.push_back({{"group", term.group}, {"terms", term.terms}, {"sd", sd}, {"corr", matrix_rows(term.corr)}});
  }
  doc["random"] = random;
  doc["loglik"] = number(r.loglik);
  doc["aic"] = number(r.aic);
  doc["bic"] = number(r.bic);
  doc["deviance"] = number(r.deviance);
  doc["df_resid"] = r.df_resid;
  doc["ranef"] = ranef_by_group(r.ranef);
  doc["model"] = r.model;
  doc["time_seconds"] = r.time_seconds;
  if (r.confint) doc["confint"] = confint_block(*r.confint);
  return doc;
}

std::string dump(const ordered_json& document) {
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace weft::report
