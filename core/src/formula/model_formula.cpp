#include "formula/model_formula.hpp"

#include "formula/deparse.hpp"

#include <algorithm>

namespace weft::formula {

namespace {

// The columns right of every '|' in the tree (the grouping factors).
void collect_grouping_names(const Node& node, std::vector<std::string>& names) {
  if (node.is_bar()) {
    collect_names(node.rhs(), names);
    return;
  }
  for (const auto& child : node.children) collect_grouping_names(*child, names);
}

// The name nodes '.' stands for, made in `model.extra_nodes`.
std::vector<const Node*> dot_nodes(ModelFormula& model, const DotColumns& dot) {
  std::vector<std::string> used;
  collect_names(*model.response, used);
  collect_grouping_names(*model.parsed.rhs, used);
  used.insert(used.end(), dot.excluded.begin(), dot.excluded.end());
  std::vector<const Node*> out;
  for (const auto& column : dot.columns) {
    if (column.empty() || column == "." || std::find(used.begin(), used.end(), column) != used.end()) continue;
    model.extra_nodes.push_back(make_name(column));
    out.push_back(model.extra_nodes.back().get());
  }
  return out;
}

}  // namespace

ModelFormula analyse_model_formula(FormulaSource source, const DotColumns* dot) {
  ModelFormula model;
  model.source = std::move(source);
  model.parsed = parse_formula(model.source);
  if (!model.parsed.lhs)
    fail_at(model.source, "no response before '~' (expected 'response ~ terms')", model.parsed.tilde_offset);
  model.response = model.parsed.lhs.get();
  std::vector<const Node*> bars;
  std::vector<const Node*> dot_columns;
  if (dot) dot_columns = dot_nodes(model, *dot);
  model.fixed = expand_terms(*model.parsed.rhs, model.source, &bars, "", dot ? &dot_columns : nullptr);
  // R's model.matrix gives the response no column on the right-hand side.
  const std::string response = deparse(*model.response);
  auto& terms = model.fixed.terms;
  const auto is_response = [&](const Term& t) {
    return t.size() == 1 && model.fixed.variable_labels[std::size_t(t[0])] == response;
  };
  if (std::any_of(terms.begin(), terms.end(), is_response)) {
    terms.erase(std::remove_if(terms.begin(), terms.end(), is_response), terms.end());
    model.warnings.push_back("the response appeared on the right-hand side and was dropped");
  }
  model.random = expand_random_terms(bars, model.source);
  return model;
}

ModelFormula analyse_one_sided_formula(FormulaSource source, const std::string& random_error) {
  ModelFormula model;
  model.source = std::move(source);
  model.parsed = parse_formula(model.source);
  if (model.parsed.lhs)
    fail_at(model.source, "expected a one-sided formula '~ terms', without a response", model.parsed.lhs->begin);
  model.fixed = expand_terms(*model.parsed.rhs, model.source, nullptr, random_error);
  if (!model.fixed.offsets.empty())
    fail_at(model.source, "offset() is not supported here",
            model.fixed.variables[std::size_t(model.fixed.offsets.front())]->begin);
  return model;
}

void add_group_intercept(ModelFormula& formula, const std::string& column_name) {
  formula.extra_nodes.push_back(make_name(column_name));
  formula.random.push_back(intercept_term(*formula.extra_nodes.back()));
}

}  // namespace weft::formula
