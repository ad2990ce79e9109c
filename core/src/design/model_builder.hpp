#pragma once
// Formula + data -> the model's matrices (lme4's lFormula/glFormula step), and the same
// design rebuilt on new data for predictions.
#include <weft/integrator/model.hpp>

#include <nlohmann/json.hpp>

#include "data/data_frame.hpp"
#include "design/response.hpp"

#include <optional>
#include <string>
#include <vector>

namespace weft::design {

struct ModelRequest {
  std::string formula;                     // lme4 syntax, two-sided
  std::optional<std::string> zi_formula;   // one-sided, fixed effects only; "~ 1" if absent
  std::vector<std::string> groups;         // `groups:` shorthand: (1 | name) for each
  std::optional<std::string> weights;      // prior-weights column
  std::optional<std::string> offset;       // offset column (added to any offset() terms)
  bool binomial_response = false;          // cbind(s, f) and s / n are allowed (binomial family)
  bool level_response = false;             // a response with levels (Support::OrderedCategories):
  LevelOrder level_order;                  //   y = the level's index, levels in this order
  bool absorb_intercept = false;           // X without its intercept column (the family's
                                           // parameters take its place); the formula needs one
  bool zero_model = false;                 // build X_zi from zi_formula
  std::string config_name = "config.yaml"; // named in formula errors: "config.yaml: formula: ..."
  // Under mpirun: the data are this process's rows, and what the design learns from rows
  // (levels, scale()/poly() constants, the rank check) is learned from every process's
  // (distributed/shard_agreement.hpp); the matrices then hold this process's rows. Null: one process.
  const RowShards* shards = nullptr;
};

struct BuiltModel {
  ModelMatrices matrices;
  // Everything predict needs to rebuild the design on new data (variables, factor levels,
  // contrasts, terms, offsets, random-term structure); stored as the result's "model" block.
  nlohmann::json description;
  std::string response;               // the response as written, e.g. "cbind(incidence, size - incidence)"
  ResponseLevels response_levels;     // a response with levels: the levels that occur, in order
  std::vector<std::string> warnings;  // e.g. rank-deficient columns dropped, as lme4 says
};

// The rows with a missing value (empty, NA or NaN) in a column the model uses: the response,
// every covariate of a term it keeps, offsets, grouping factors, weights (lme4's na.omit, which
// looks at the model frame). Ascending. Columns the model does not use are not looked at.
std::vector<std::size_t> incomplete_rows(const ModelRequest& request, const data::DataFrame& data);

// Throws InputError naming the file/key/column/row for anything the data or formula cannot
// give: unknown columns, functions or syntax (with the position in the formula), missing or
// non-finite cells in used columns, text where a number is needed, negative weights, a
// cbind/proportion response for a non-binomial family, successes < 0 or > trials.
BuiltModel build_model(const ModelRequest& request, const data::DataFrame& data);

// The design of a fitted model evaluated on new data (no response needed).
struct NewDataDesign {
  Matrix X;       // columns in the fitted fixef order
  Matrix X_zi;    // columns in the fitted zi order (0 columns without a zero model)
  Vector offset;  // all offsets, 0 where none
  // For each random term (fitted order): each row's level index in the fitted term's
  // levels, or -1 for a level not seen in fitting (its effects are zero, as lme4's
  // allow.new.levels = TRUE), and the values of the term's k columns in that row.
  std::vector<std::vector<Index>> level;
  std::vector<Matrix> values;
  // The newdata rows the matrices hold: rows with a missing value (empty, NA, NaN) in a column
  // the prediction needs are left out (their predictions are missing, as R's na.exclude).
  // Empty when every row is there.
  std::vector<Index> rows;
  Index newdata_rows = 0;
};

// Throws InputError for a malformed description, missing columns, bad cells, or a fixed-effect
// factor level the fitted model never saw. Rows with missing values are left out (`rows`). Without random effects (population predictions)
// `level` and `values` are empty and the grouping columns are not needed.
NewDataDesign build_newdata(const nlohmann::json& description, const data::DataFrame& newdata,
                            bool with_random_effects = true);

}  // namespace weft::design
