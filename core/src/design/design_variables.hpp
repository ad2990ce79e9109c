#pragma once
// The variables of a model's formulas, each once (R identifies variables by their label), with
// the parsed expression each is evaluated from. Training and new data evaluate them with the
// same code; only where factor levels come from differs.
#include "data/data_frame.hpp"
#include "design/design_spec.hpp"
#include "design/variable_values.hpp"
#include "formula/ast.hpp"
#include "formula/source.hpp"
#include "formula/terms.hpp"

#include <weft/integrator/row_shards.hpp>

#include <string>
#include <vector>

namespace weft::design {

struct VariableExpression {
  const formula::Node* node = nullptr;
  const formula::FormulaSource* source = nullptr;  // where node's positions point
};

class VariableTable {
 public:
  // Index in specs() of each of the terms model's variables that a term or offset uses (-1 for
  // a variable only in a removed term), adding the ones not seen before.
  std::vector<int> add_terms(const formula::TermsModel& terms, const formula::FormulaSource& source,
                             const std::string& role);
  // A variable right of '|': always a factor, and kept apart from a numeric covariate of the same name.
  int add_grouping(const formula::Node& node, const formula::FormulaSource& source, const std::string& role);
  int add(const formula::Node& node, const formula::FormulaSource& source, const std::string& role, bool grouping);

  std::vector<VariableSpec>& specs() { return specs_; }
  const std::vector<VariableExpression>& expressions() const { return expressions_; }

 private:
  std::vector<VariableSpec> specs_;
  std::vector<VariableExpression> expressions_;
};

// Syntax checks that need no data (formula errors come before data errors).
void check_variable_expressions(const std::vector<VariableSpec>& specs,
                                const std::vector<VariableExpression>& expressions);

// Every variable on every row. learn = true (training): each variable's kind and factor levels
// are taken from the data and written into `specs`. learn = false (new data): the stored kinds
// and levels are used, and a level never seen gets code -1. `shards` (mpirun, learn only): the
// kinds, levels and constants are learned from every process's rows (shard_agreement.hpp).
std::vector<VariableValues> evaluate_variables(std::vector<VariableSpec>& specs,
                                               const std::vector<VariableExpression>& expressions,
                                               const data::DataFrame& data, bool learn,
                                               const RowShards* shards = nullptr);

}  // namespace weft::design
