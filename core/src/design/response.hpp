#pragma once
// The response, prior weights and offsets of a model, as R's glm/glmer take them:
//   y                  y; weights = the weights column or 1
//   cbind(s, f)        binomial: y = s / (s + f) (0 when s + f = 0), weights = prior x (s + f)
//   s / n              binomial (interlace's form): y = s / n, weights = the weights column or n
//   y with levels      ordered categories: y = the 0-based index of the row's level (a column,
//                      factor(column) or a numeric expression), weights = the weights column or 1
#include "data/data_frame.hpp"
#include "formula/ast.hpp"
#include "formula/source.hpp"

#include <weft/family.hpp>
#include <weft/integrator/model.hpp>
#include <weft/integrator/row_shards.hpp>

#include <optional>
#include <string>

namespace weft::design {

struct Response {
  Vector y;
  Vector weights;
  ResponseLevels levels;  // a response with levels: the levels that occur, in order
};

// What kind of response the family takes.
enum class ResponseKind { Values, Binomial, Levels };

// Checks, before data is read, that the response's form suits the family.
void check_response_form(const formula::Node& lhs, const formula::FormulaSource& source, ResponseKind kind);

// How the levels of a response with levels are ordered: `given` (the family map's `levels:`,
// named by `levels_key` in messages, e.g. "config.yaml: family.levels"), else numbers in
// numeric order; text without `given` is an InputError that says how to give the order
// (`family_name` in its example). Levels that never occur are left out, as R's ordinal does.
struct LevelOrder {
  std::optional<std::vector<std::string>> given;
  std::string levels_key = "family.levels";
  std::string family_name = "ordinal";
};

// A response with levels: y = each row's index among the levels that occur (in order), their
// total prior weights. A single level is an InputError (nothing to model).
Response evaluate_level_response(const formula::Node& lhs, const formula::FormulaSource& source,
                                 const data::DataFrame& data, const std::optional<std::string>& weights_column,
                                 const LevelOrder& order, const RowShards* shards = nullptr);

// Errors name the row: "data.csv: row 5 (line 6): response cbind(incidence, size - incidence):
// successes (3) exceed trials (2)"; weights must be finite and non-negative.
Response evaluate_response(const formula::Node& lhs, const formula::FormulaSource& source,
                           const data::DataFrame& data, const std::optional<std::string>& weights_column);

// The `offset:` column's values (finite numbers in every row).
Vector offset_column_values(const data::DataFrame& data, const std::string& column);

}  // namespace weft::design
