#include "design/design_variables.hpp"

#include "design/basis_functions.hpp"
#include "design/factor_evaluation.hpp"
#include "design/numeric_evaluation.hpp"
#include "formula/deparse.hpp"

#include <algorithm>

namespace weft::design {

std::vector<int> VariableTable::add_terms(const formula::TermsModel& terms, const formula::FormulaSource& source,
                                          const std::string& role) {
  std::vector<int> global(terms.variables.size(), -1);
  for (std::size_t v = 0; v < terms.variables.size(); ++v) {
    const bool is_offset = std::find(terms.offsets.begin(), terms.offsets.end(), int(v)) != terms.offsets.end();
    if (!is_offset && !terms.uses(int(v))) continue;
    global[v] = add(*terms.variables[v], source, is_offset ? "offset in the formula" : role, false);
  }
  return global;
}

int VariableTable::add_grouping(const formula::Node& node, const formula::FormulaSource& source,
                                const std::string& role) {
  return add(node, source, role, true);
}

int VariableTable::add(const formula::Node& node, const formula::FormulaSource& source, const std::string& role,
                       bool grouping) {
  std::string label = formula::deparse(node);
  for (std::size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].label == label && specs_[i].grouping == grouping) return int(i);
  VariableSpec spec;
  spec.label = std::move(label);
  // As written, so that new data re-parses exactly the same expression (numbers keep all
  // their digits); nodes made by the program have no text and are written by deparse.
  spec.expression = node.end > node.begin ? source.text.substr(node.begin, node.end - node.begin) : spec.label;
  spec.role = role;
  spec.grouping = grouping;
  spec.kind = grouping ? VariableKind::Factor : VariableKind::Numeric;
  specs_.push_back(std::move(spec));
  expressions_.push_back({&node, &source});
  return int(specs_.size()) - 1;
}

void check_variable_expressions(const std::vector<VariableSpec>& specs,
                                const std::vector<VariableExpression>& expressions) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const formula::Node& node = *expressions[i].node;
    const bool factor_call = formula::strip_parens(node).is_call("factor") || formula::strip_parens(node).is_call("as.factor");
    if (specs[i].grouping || factor_call || specs[i].kind == VariableKind::Factor)
      check_factor_expression(node, *expressions[i].source);
    else if (is_basis_call(node))
      check_basis_expression(node, *expressions[i].source);
    else
      check_numeric_expression(node, *expressions[i].source);
  }
}

std::vector<VariableValues> evaluate_variables(std::vector<VariableSpec>& specs,
                                               const std::vector<VariableExpression>& expressions,
                                               const data::DataFrame& data, bool learn, const RowShards* shards) {
  std::vector<VariableValues> values(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    VariableSpec& spec = specs[i];
    const formula::Node& node = *expressions[i].node;
    const formula::FormulaSource& source = *expressions[i].source;
    if (learn && !spec.grouping)
      spec.kind = is_factor_expression(node, data, shards) ? VariableKind::Factor : VariableKind::Numeric;
    if (spec.kind == VariableKind::Numeric && is_basis_call(node))
      values[i].numbers = evaluate_basis(node, source, data, spec, learn, shards);
    else if (spec.kind == VariableKind::Numeric)
      values[i].numbers = evaluate_numeric(node, source, data, spec.role);
    else if (learn)
      values[i].codes = learn_factor(node, source, data, spec, shards);
    else
      values[i].codes = code_factor(node, source, data, spec);
  }
  return values;
}

}  // namespace weft::design
