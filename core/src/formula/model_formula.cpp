#include "formula/model_formula.hpp"

#include "formula/deparse.hpp"

#include <algorithm>

namespace weft::formula {

ModelFormula analyse_model_formula(FormulaSource source) {
  ModelFormula model;
  model.source = std::move(source);
  model.parsed = parse_formula(model.source);
  if (!model.parsed.lhs)
    fail_at(model.source, "no response before '~' (expected 'response ~ terms')", model.parsed.tilde_offset);
  model.response = model.parsed.lhs.get();
  std::vector<const Node*> bars;
  model.fixed = expand_terms(*model.parsed.rhs, model.source, &bars, "");
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
