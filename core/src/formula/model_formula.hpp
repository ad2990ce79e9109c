#pragma once
// A model formula taken apart the way lme4 does: response, fixed-effect terms (nobars) and
// random-effect terms (findbars). Owns the syntax tree its parts point into.
#include "formula/ast.hpp"
#include "formula/parser.hpp"
#include "formula/random_terms.hpp"
#include "formula/source.hpp"
#include "formula/terms.hpp"

#include <string>
#include <vector>

namespace weft::formula {

struct ModelFormula {
  FormulaSource source;
  ParsedFormula parsed;
  const Node* response = nullptr;  // null for a one-sided formula
  TermsModel fixed;
  std::vector<RandomTerm> random;
  std::vector<NodePtr> extra_nodes;  // nodes made for the `groups:` shorthand
  std::vector<std::string> warnings;  // as R's, e.g. the response dropped from the right-hand side
};

// What '.' on the right-hand side stands for (R's "all other columns"): the data's columns,
// in order, less the response's columns, the grouping factors' columns and `excluded` (weights,
// offset, the `groups:` shorthand). lme4 would put the grouping factors in as fixed effects too.
struct DotColumns {
  std::vector<std::string> columns;
  std::vector<std::string> excluded;
};

// "response ~ fixed + (lhs | g) ...". Errors for a missing response and everything the parser
// and the term expansion reject; '.' is one unless `dot` says what it stands for.
ModelFormula analyse_model_formula(FormulaSource source, const DotColumns* dot = nullptr);

// "~ terms" with fixed effects only (the zi formula); a random term is an error saying
// `random_error`, a response or offset() too.
ModelFormula analyse_one_sided_formula(FormulaSource source, const std::string& random_error);

// Adds (1 | name) for the `groups:` shorthand.
void add_group_intercept(ModelFormula& formula, const std::string& column_name);

}  // namespace weft::formula
