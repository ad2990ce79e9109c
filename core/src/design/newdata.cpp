// build_newdata: the fitted design on new rows, through the same variable evaluation, term
// coding and matrix code as build_model, with factor levels taken from the description.
#include "design/model_builder.hpp"

#include "design/column_cells.hpp"
#include "design/description.hpp"
#include "design/design_variables.hpp"
#include "design/factor_evaluation.hpp"
#include "design/grouping_levels.hpp"
#include "design/model_matrix.hpp"
#include "design/response.hpp"
#include "formula/parser.hpp"
#include "util/text.hpp"

#include <weft/errors.hpp>

#include <optional>

namespace weft::design {

namespace {

// Joins up to `limit` levels for a message.
std::string some_levels(const std::vector<std::string>& levels, std::size_t limit = 10) {
  std::string out;
  for (std::size_t i = 0; i < levels.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += "'" + printable(levels[i], 30) + "'";
  }
  if (levels.size() > limit) out += ", ... (" + std::to_string(levels.size()) + " levels)";
  return out;
}

// A factor used in X or in a random term's columns has no column for a level it never saw.
void reject_unseen_levels(const VariableSpec& spec, const formula::Node& node, const std::vector<int>& codes,
                          const data::DataFrame& data) {
  for (std::size_t r = 0; r < codes.size(); ++r) {
    if (codes[r] >= 0) continue;
    const formula::Node& inner = factor_source(node);
    const std::string known = " (levels: " + some_levels(spec.levels) + ")";
    if (inner.is(formula::NodeKind::Name)) {
      const data::Column& column = *data.find(inner.text);
      throw InputError(cell_location(data, column, r) + ": level " + describe_cell(column, r) + " of " + spec.label +
                       " was not seen when the model was fitted" + known);
    }
    throw InputError(data.where(r) + ": " + spec.label + " has a level that was not seen when the model was fitted" +
                     known);
  }
}

}  // namespace

NewDataDesign build_newdata(const nlohmann::json& description, const data::DataFrame& all_rows,
                            bool with_random_effects) {
  DesignSpec spec = design_from_json(description);

  // The variables this prediction needs: all of them, or without random effects only those of
  // X, X_zi and the offsets (so --population needs no grouping columns, as lme4's re.form = NA).
  std::vector<bool> needed(spec.variables.size(), with_random_effects);
  auto need_matrix = [&](const MatrixSpec& m) {
    for (const auto& term : m.terms)
      for (int v : term.variables) needed[std::size_t(v)] = true;
  };
  need_matrix(spec.fixed);
  if (spec.zi) need_matrix(*spec.zi);
  for (int v : spec.offset_variables) needed[std::size_t(v)] = true;

  // Parse every stored expression first: the sources must stay in place while nodes point at them.
  std::vector<formula::FormulaSource> sources;
  sources.reserve(spec.variables.size());
  for (const auto& v : spec.variables)
    sources.push_back({"model description: variable " + printable(v.label, 60), v.expression});
  std::vector<formula::NodePtr> nodes;
  std::vector<VariableExpression> expressions;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    nodes.push_back(formula::parse_expression(sources[i]));
    expressions.push_back({nodes.back().get(), &sources[i]});
  }
  check_variable_expressions(spec.variables, expressions);

  // Rows with a missing value in a column a needed variable reads get no prediction.
  std::vector<std::string> names;
  for (std::size_t i = 0; i < spec.variables.size(); ++i)
    if (needed[i]) formula::collect_names(*nodes[i], names);
  if (spec.offset_column) names.push_back(*spec.offset_column);
  std::vector<std::size_t> missing;
  for (std::size_t r = 0; r < all_rows.rows(); ++r)
    for (const auto& name : names) {
      const data::Column* column = all_rows.find(name);
      if (column && data::is_missing(column->kind[r])) {
        missing.push_back(r);
        break;
      }
    }
  NewDataDesign out;
  out.newdata_rows = Index(all_rows.rows());
  std::optional<data::DataFrame> complete;
  if (!missing.empty()) {
    complete.emplace(data::drop_rows(all_rows, missing));
    for (std::size_t r = 0, m = 0; r < all_rows.rows(); ++r) {
      if (m < missing.size() && missing[m] == r) ++m;
      else out.rows.push_back(Index(r));
    }
  }
  const data::DataFrame& newdata = complete ? *complete : all_rows;
  const Index n = Index(newdata.rows());
  std::vector<VariableSpec> used_specs;
  std::vector<VariableExpression> used_expressions;
  for (std::size_t i = 0; i < spec.variables.size(); ++i)
    if (needed[i]) {
      used_specs.push_back(spec.variables[i]);
      used_expressions.push_back(expressions[i]);
    }
  const std::vector<VariableValues> used_values = evaluate_variables(used_specs, used_expressions, newdata, false);
  std::vector<VariableValues> values(spec.variables.size());
  for (std::size_t i = 0, k = 0; i < spec.variables.size(); ++i)
    if (needed[i]) values[i] = used_values[k++];
  for (std::size_t i = 0; i < spec.variables.size(); ++i)
    if (needed[i] && spec.variables[i].kind == VariableKind::Factor && !spec.variables[i].grouping)
      reject_unseen_levels(spec.variables[i], *nodes[i], values[i].codes, newdata);

  out.X = select_columns(build_model_matrix(spec.fixed, spec.variables, values, n), spec.fixed.kept);
  out.X_zi = spec.zi ? select_columns(build_model_matrix(*spec.zi, spec.variables, values, n), spec.zi->kept)
                     : Matrix(n, 0);
  out.offset = spec.offset_column ? offset_column_values(newdata, *spec.offset_column) : Vector::Zero(n);
  for (int v : spec.offset_variables) out.offset += Eigen::Map<const Vector>(values[std::size_t(v)].numbers.data(), n);
  if (!with_random_effects) return out;
  for (const auto& term : spec.random) {
    out.level.push_back(code_group_levels(term, values, n));
    out.values.push_back(build_model_matrix(term.matrix, spec.variables, values, n));
  }
  return out;
}

}  // namespace weft::design
