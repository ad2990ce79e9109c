#include "inference/model_comparison.hpp"

#include <weft/errors.hpp>

#include "util/text.hpp"

#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>

namespace weft::inference {

namespace {

std::vector<std::string> names_of(const fit::NamedValues& values) {
  std::vector<std::string> names;
  for (const auto& entry : values) names.push_back(entry.first);
  return names;
}

// The first of `items` missing from `pool`; empty when none is.
std::string first_missing(const std::vector<std::string>& items, const std::vector<std::string>& pool) {
  for (const auto& item : items)
    if (std::find(pool.begin(), pool.end(), item) == pool.end()) return item;
  return {};
}

std::string term_text(const fit::RandomEffectSummary& term) {
  std::string text = "(";  // appended, not "(" + join(...): GCC 12 warns (-Wrestrict) on that
  text += join(term.terms, " + ");
  text += " | " + term.group + ")";
  return text;
}

bool covers(const fit::RandomEffectSummary& larger, const fit::RandomEffectSummary& smaller) {
  return larger.group == smaller.group && first_missing(smaller.terms, larger.terms).empty();
}

// Why `a` and `b` are not fitted to the same data; empty when they are.
std::string data_difference(const ComparedModel& a, const ComparedModel& b) {
  if (a.data_file != b.data_file) return "data files " + a.fit.data_name + " and " + b.fit.data_name;
  if (a.fit.nobs != b.fit.nobs)
    return std::to_string(a.fit.nobs) + " and " + std::to_string(b.fit.nobs) + " observations";
  if (a.fit.response != b.fit.response) return "responses " + a.fit.response + " and " + b.fit.response;
  return {};
}

// Why `smaller` is not nested in `larger` (the rules in the header); empty when it is.
std::string nesting_difference(const ComparedModel& smaller, const ComparedModel& larger) {
  const fit::FitResult& s = smaller.fit;
  const fit::FitResult& l = larger.fit;
  if (s.family != l.family || s.link != l.link)
    return "families " + s.family + "(" + s.link + ") and " + l.family + "(" + l.link + ")";
  const auto in_larger = " of " + smaller.config + " is not in " + larger.config;
  if (auto name = first_missing(names_of(s.fixef), names_of(l.fixef)); !name.empty())
    return "fixed effect " + name + in_larger;
  if (auto name = first_missing(names_of(s.zi_fixef), names_of(l.zi_fixef)); !name.empty())
    return "zero-inflation effect " + name + in_larger;
  if (auto name = first_missing(names_of(s.family_parameters_se), names_of(l.family_parameters_se)); !name.empty())
    return "estimated family parameter " + name + in_larger;
  for (const auto& term : s.random) {
    const bool covered =
        std::any_of(l.random.begin(), l.random.end(), [&](const auto& other) { return covers(other, term); });
    if (!covered) return "random term " + term_text(term) + " of " + smaller.config + " has no term with its columns in " + larger.config;
  }
  if (s.n_parameters == l.n_parameters) {
    const bool same = names_of(s.fixef) == names_of(l.fixef) && names_of(s.zi_fixef) == names_of(l.zi_fixef) &&
                      std::equal(s.random.begin(), s.random.end(), l.random.begin(), l.random.end(),
                                 [](const auto& a, const auto& b) { return a.group == b.group && a.terms == b.terms; });
    if (!same) return "both have " + std::to_string(s.n_parameters) + " parameters";
  }
  return {};
}

ComparisonRow row_of(const ComparedModel& model) {
  ComparisonRow row;
  row.name = model.name;
  row.config = model.config;
  row.formula = model.fit.formula;
  row.converged = model.fit.converged;
  row.npar = model.fit.n_parameters;
  row.aic = model.fit.aic;
  row.bic = model.fit.bic;
  row.loglik = model.fit.loglik;
  row.deviance = -2 * model.fit.loglik;
  return row;
}

}  // namespace

ModelComparison compare_models(const std::vector<ComparedModel>& models) {
  if (models.size() < 2) throw InputError("compare: give at least two model files");
  std::vector<const ComparedModel*> order;
  for (const auto& model : models) order.push_back(&model);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->fit.n_parameters < b->fit.n_parameters; });

  ModelComparison comparison;
  comparison.data_name = models.front().fit.data_name;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const ComparedModel& model = *order[i];
    ComparisonRow row = row_of(model);
    if (i > 0) {
      const ComparedModel& above = *order[i - 1];
      const auto pair = "compare: " + above.config + " and " + model.config;
      if (auto why = data_difference(above, model); !why.empty())
        throw InputError(pair + " were fitted to different data: " + why);
      if (auto why = nesting_difference(above, model); !why.empty())
        throw InputError(pair + " are not nested: " + why);
      const ComparisonRow& previous = comparison.rows.back();
      row.chisq = 2 * std::max(0.0, row.loglik - previous.loglik);
      row.df = row.npar - previous.npar;
      if (row.df > 0 && std::isfinite(row.chisq))
        row.p_value = boost::math::cdf(boost::math::complement(boost::math::chi_squared(double(row.df)), row.chisq));
    }
    comparison.rows.push_back(row);
  }
  return comparison;
}

}  // namespace weft::inference
