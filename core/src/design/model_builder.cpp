// build_model: lme4's lFormula/glFormula step. The formula is taken apart (formula/), its
// variables evaluated once on the data, X built as R's model.matrix and checked for rank as
// lme4 does, Z laid out as mkReTrms, and everything data-dependent recorded in the
// description so build_newdata (newdata.cpp) can rebuild the same columns.
#include "design/model_builder.hpp"

#include "design/description.hpp"
#include "design/design_variables.hpp"
#include "design/grouping_levels.hpp"
#include "design/model_matrix.hpp"
#include "design/random_design.hpp"
#include "design/rank_deficiency.hpp"
#include "design/response.hpp"
#include "design/term_coding.hpp"
#include "distributed/shard_agreement.hpp"
#include "formula/deparse.hpp"
#include "formula/model_formula.hpp"

#include <weft/errors.hpp>

#include <algorithm>
#include <optional>
#include <utility>

namespace weft::design {

namespace {

// One random term while the model is built: its spec and its rows, before lme4's reordering.
struct PendingRandomTerm {
  RandomTermSpec spec;
  TermRows rows;
};

Matrix checked_for_rank(Matrix all, MatrixSpec& spec, const std::string& which,
                        std::vector<std::string>& warnings, const RowShards* shards) {
  spec.kept = full_rank_columns(all, shards);
  if (spec.kept.size() < spec.columns.size())
    warnings.push_back(rank_deficiency_message(spec.columns.size() - spec.kept.size(), which));
  return select_columns(std::move(all), spec.kept);  // X itself where every column is kept
}

// What '.' stands for: every column the response, the grouping factors, weights, offset and
// the `groups:` shorthand do not use.
formula::DotColumns dot_columns(const ModelRequest& request, const data::DataFrame& data) {
  formula::DotColumns dot{data.names(), request.groups};
  if (request.weights) dot.excluded.push_back(*request.weights);
  if (request.offset) dot.excluded.push_back(*request.offset);
  return dot;
}

formula::ModelFormula main_formula(const ModelRequest& request, const data::DataFrame& data) {
  const formula::DotColumns dot = dot_columns(request, data);
  return formula::analyse_model_formula({request.config_name + ": formula", request.formula}, &dot);
}

// The names read by the variables a terms model keeps (and its offsets).
void used_names(const formula::TermsModel& terms, std::vector<std::string>& names) {
  for (std::size_t v = 0; v < terms.variables.size(); ++v) {
    const bool offset = std::find(terms.offsets.begin(), terms.offsets.end(), int(v)) != terms.offsets.end();
    if (offset || terms.uses(int(v))) formula::collect_names(*terms.variables[v], names);
  }
}

}  // namespace

std::vector<std::size_t> incomplete_rows(const ModelRequest& request, const data::DataFrame& data) {
  const formula::ModelFormula main = main_formula(request, data);
  std::vector<std::string> names;
  formula::collect_names(*main.response, names);
  used_names(main.fixed, names);
  for (const auto& term : main.random) {
    used_names(term.lhs, names);
    for (const formula::Node* atom : term.group.atoms) formula::collect_names(*atom, names);
  }
  if (request.zero_model) {
    const auto zi = formula::analyse_one_sided_formula({request.config_name + ": zi", request.zi_formula.value_or("~ 1")},
                                                      "random effects in zi are not supported");
    used_names(zi.fixed, names);
  }
  names.insert(names.end(), request.groups.begin(), request.groups.end());
  if (request.weights) names.push_back(*request.weights);
  if (request.offset) names.push_back(*request.offset);
  std::vector<bool> missing(data.rows(), false);
  for (const auto& name : names) {
    const data::Column* column = data.find(name);
    if (!column) continue;  // build_model names it
    for (std::size_t r = 0; r < data.rows(); ++r)
      if (data::is_missing(column->kind[r])) missing[r] = true;
  }
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < missing.size(); ++r)
    if (missing[r]) rows.push_back(r);
  return rows;
}

BuiltModel build_model(const ModelRequest& request, const data::DataFrame& data) {
  using formula::FormulaSource;
  const Index n = Index(data.rows());

  // Formulas: every syntax error before any data is read.
  formula::ModelFormula main = main_formula(request, data);
  const std::size_t formula_random_terms = main.random.size();
  for (const auto& group : request.groups) formula::add_group_intercept(main, group);
  std::optional<formula::ModelFormula> zi;
  if (request.zero_model)
    zi = formula::analyse_one_sided_formula({request.config_name + ": zi", request.zi_formula.value_or("~ 1")},
                                            "random effects in zi are not supported");
  const ResponseKind response_kind = request.level_response      ? ResponseKind::Levels
                                     : request.binomial_response ? ResponseKind::Binomial
                                                                 : ResponseKind::Values;
  check_response_form(*main.response, main.source, response_kind);
  if (request.absorb_intercept && !main.fixed.intercept)
    throw InputError(request.config_name + ": formula: the family's parameters take the intercept's place, so the "
                                           "formula needs one: remove '0 +' or '- 1' (" + request.formula + ")");

  VariableTable table;
  const std::vector<int> fixed_variables = table.add_terms(main.fixed, main.source, "covariate in the formula");
  std::vector<std::vector<int>> lhs_variables;
  std::vector<std::vector<int>> group_variables;
  for (std::size_t t = 0; t < main.random.size(); ++t) {
    const auto& term = main.random[t];
    lhs_variables.push_back(table.add_terms(term.lhs, main.source, "covariate in the formula"));
    const std::string role = t < formula_random_terms ? "grouping factor in the formula" : "grouping factor in groups";
    std::vector<int> atoms;
    for (const formula::Node* atom : term.group.atoms) atoms.push_back(table.add_grouping(*atom, main.source, role));
    group_variables.push_back(std::move(atoms));
  }
  std::vector<int> zi_variables;
  if (zi) zi_variables = table.add_terms(zi->fixed, zi->source, "covariate in the zi formula");
  check_variable_expressions(table.specs(), table.expressions());

  // Data: response and weights, offsets, then every variable.
  BuiltModel built;
  built.response = formula::deparse(*main.response);
  built.warnings = main.warnings;
  ModelMatrices& m = built.matrices;
  Response response = request.level_response
                          ? evaluate_level_response(*main.response, main.source, data, request.weights, request.level_order,
                                                    request.shards)
                          : evaluate_response(*main.response, main.source, data, request.weights);
  built.response_levels = std::move(response.levels);
  m.y = std::move(response.y);
  m.weights = std::move(response.weights);
  m.offset = request.offset ? offset_column_values(data, *request.offset) : Vector::Zero(n);
  std::vector<VariableValues> values = evaluate_variables(table.specs(), table.expressions(), data, true, request.shards);
  const std::vector<VariableSpec>& variables = table.specs();

  DesignSpec spec;
  spec.formula = request.formula;
  if (zi) spec.zi_formula = zi->source.text;
  spec.response = built.response;
  spec.offset_column = request.offset;
  for (int v : main.fixed.offsets) {
    const int global = fixed_variables[std::size_t(v)];
    spec.offset_variables.push_back(global);
    m.offset += Eigen::Map<const Vector>(values[std::size_t(global)].numbers.data(), n);
  }

  spec.fixed = code_terms(main.fixed, fixed_variables, variables, data.source);
  m.X = checked_for_rank(build_model_matrix(spec.fixed, variables, values, n), spec.fixed, "fixed-effect",
                         built.warnings, request.shards);
  if (request.absorb_intercept && !spec.fixed.kept.empty() && spec.fixed.kept.front() == 0) {
    // The family's parameters take the intercept's place (R's clm codes factors with the
    // intercept, then drops its column).
    spec.fixed.kept.erase(spec.fixed.kept.begin());
    m.X = Matrix(m.X.rightCols(m.X.cols() - 1));
  }
  m.fixef_names = spec.fixed.kept_columns();
  if (zi) {
    spec.zi = code_terms(zi->fixed, zi_variables, variables, data.source);
    m.X_zi = checked_for_rank(build_model_matrix(*spec.zi, variables, values, n), *spec.zi, "zero-inflation",
                              built.warnings, request.shards);
    m.zi_names = spec.zi->kept_columns();
  } else {
    m.X_zi = Matrix(n, 0);
  }

  std::vector<PendingRandomTerm> pending;
  std::vector<Index> levels_per_term;
  for (std::size_t t = 0; t < main.random.size(); ++t) {
    PendingRandomTerm term;
    term.spec.group = main.random[t].group.label;
    term.spec.group_variables = group_variables[t];
    term.spec.matrix = code_terms(main.random[t].lhs, lhs_variables[t], variables, data.source);
    term.rows.level = learn_group_levels(term.spec, variables, values, n, request.shards);
    term.rows.values = build_model_matrix(term.spec.matrix, variables, values, n);
    levels_per_term.push_back(Index(term.spec.levels.size()));
    pending.push_back(std::move(term));
  }
  std::vector<TermRows> rows;
  for (std::size_t t : lme4_term_order(levels_per_term)) {
    RandomEffectTerm term;
    term.group = pending[t].spec.group;
    term.columns = pending[t].spec.matrix.columns;
    term.levels = pending[t].spec.levels;
    m.terms.push_back(std::move(term));
    rows.push_back(std::move(pending[t].rows));
    spec.random.push_back(std::move(pending[t].spec));
  }
  lay_out_terms(m.terms);
  m.Z = assemble_z(m.terms, rows, n);
  if (request.shards) {
    m.shards = request.shards;
    m.rows_in_all_shards = Index(distributed::summed_over_processes(request.shards, double(n)));
  }

  spec.variables = variables;
  built.description = design_to_json(spec);
  return built;
}

}  // namespace weft::design
