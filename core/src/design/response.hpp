#pragma once
// The response, prior weights and offsets of a model, as R's glm/glmer take them:
//   y                  y; weights = the weights column or 1
//   cbind(s, f)        binomial: y = s / (s + f) (0 when s + f = 0), weights = prior x (s + f)
//   s / n              binomial (interlace's form): y = s / n, weights = the weights column or n
#include "data/data_frame.hpp"
#include "formula/ast.hpp"
#include "formula/source.hpp"

#include <weft/integrator/model.hpp>

#include <optional>
#include <string>

namespace weft::design {

struct Response {
  Vector y;
  Vector weights;
};

// Checks, before data is read, that the response's form suits the family.
void check_response_form(const formula::Node& lhs, const formula::FormulaSource& source, bool binomial);

// Errors name the row: "data.csv: row 5 (line 6): response cbind(incidence, size - incidence):
// successes (3) exceed trials (2)"; weights must be finite and non-negative.
Response evaluate_response(const formula::Node& lhs, const formula::FormulaSource& source,
                           const data::DataFrame& data, const std::optional<std::string>& weights_column);

// The `offset:` column's values (finite numbers in every row).
Vector offset_column_values(const data::DataFrame& data, const std::string& column);

}  // namespace weft::design
