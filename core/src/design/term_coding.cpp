#include "design/term_coding.hpp"

#include "util/text.hpp"

#include <weft/errors.hpp>

#include <algorithm>

namespace weft::design {

namespace {

bool is_subset(const formula::Term& part, const formula::Term& whole) {
  return std::includes(whole.begin(), whole.end(), part.begin(), part.end());
}

// R's TermCode: contrasts when the term without `variable` is empty or within an earlier term.
bool coded_by_contrasts(const std::vector<formula::Term>& terms, std::size_t term, int variable) {
  formula::Term rest;
  for (int v : terms[term])
    if (v != variable) rest.push_back(v);
  if (rest.empty()) return true;
  for (std::size_t earlier = 0; earlier < term; ++earlier)
    if (is_subset(rest, terms[earlier])) return true;
  return false;
}

std::vector<std::string> variable_column_names(const VariableSpec& spec, bool contrasts) {
  if (spec.kind == VariableKind::Numeric && spec.column_suffixes.empty()) return {spec.label};
  if (spec.kind == VariableKind::Numeric) {  // poly(x, 2)1, poly(x, 2)2 (model.matrix's names)
    std::vector<std::string> names;
    for (const auto& suffix : spec.column_suffixes) names.push_back(spec.label + suffix);
    return names;
  }
  std::vector<std::string> names;
  for (std::size_t l = contrasts ? 1 : 0; l < spec.levels.size(); ++l) names.push_back(spec.label + spec.levels[l]);
  return names;
}

// Names of a term's columns, the first variable varying fastest.
std::vector<std::string> term_column_names(const TermCoding& term, const std::vector<VariableSpec>& variables) {
  std::vector<std::string> names{""};
  for (std::size_t i = 0; i < term.variables.size(); ++i) {
    const auto parts = variable_column_names(variables[std::size_t(term.variables[i])], term.contrasts[i]);
    std::vector<std::string> next;
    next.reserve(names.size() * parts.size());
    for (const auto& part : parts)
      for (const auto& prefix : names) next.push_back(prefix.empty() ? part : prefix + ":" + part);
    names = std::move(next);
  }
  return names;
}

}  // namespace

MatrixSpec code_terms(const formula::TermsModel& terms, const std::vector<int>& global,
                      const std::vector<VariableSpec>& variables, const std::string& data_name) {
  MatrixSpec spec;
  spec.intercept = terms.intercept;
  for (std::size_t t = 0; t < terms.terms.size(); ++t) {
    TermCoding coding;
    coding.label = terms.term_label(t);
    for (int v : terms.terms[t]) {
      const VariableSpec& variable = variables[std::size_t(global[std::size_t(v)])];
      if (variable.kind == VariableKind::Factor && variable.levels.size() < 2)
        throw InputError(data_name + ": " + variable.label + " (" + variable.role + ") has only one level ('" +
                         printable(variable.levels.empty() ? "" : variable.levels[0], 40) +
                         "'); a factor in the model needs at least two (R: contrasts can be applied only to "
                         "factors with 2 or more levels)");
      coding.variables.push_back(global[std::size_t(v)]);
      coding.contrasts.push_back(coded_by_contrasts(terms.terms, t, v));
    }
    spec.terms.push_back(std::move(coding));
  }
  if (!spec.intercept) {
    // model.matrix: without an intercept the first factor found gets all its levels.
    bool done = false;
    for (auto& term : spec.terms) {
      for (std::size_t i = 0; i < term.variables.size() && !done; ++i)
        if (variables[std::size_t(term.variables[i])].kind == VariableKind::Factor) {
          term.contrasts[i] = false;
          done = true;
        }
      if (done) break;
    }
  }
  if (spec.intercept) spec.columns.push_back("(Intercept)");
  for (const auto& term : spec.terms) {
    auto names = term_column_names(term, variables);
    spec.columns.insert(spec.columns.end(), names.begin(), names.end());
  }
  spec.kept.resize(spec.columns.size());
  for (std::size_t c = 0; c < spec.kept.size(); ++c) spec.kept[c] = int(c);
  return spec;
}

}  // namespace weft::design
