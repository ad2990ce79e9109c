#pragma once
// Predictions from a fitted model's result document on new data (lme4's predict.merMod
// with allow.new.levels = TRUE): eta = X beta + offset + Z b, with b = 0 for levels not seen
// in fitting and for every term when `population` is set.
#include "data/data_frame.hpp"
#include "registry/plugin_registry.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace weft::predict {

struct PredictOptions {
  bool link_scale = false;  // --type link (default: response)
  bool population = false;  // --population: random effects set to zero
};

// One row per new-data row. Link scale and one-column families: the column "prediction" (eta,
// or the family's mean including any zero part); families with several prediction columns
// (Family::prediction_columns: a response with levels gives one probability per level) on the
// response scale: those columns, and for a response with levels each row's most probable level.
struct Predictions {
  std::vector<std::string> columns;
  Matrix values;                     // rows x columns
  std::vector<std::string> classes;  // the most probable level per row (responses with levels)
};

// `result_name` names the result file in messages. Throws InputError for a document that is
// not a weft result, or new data the model cannot take.
Predictions predict(const nlohmann::json& result, const std::string& result_name, const data::DataFrame& newdata,
                    const PredictOptions& options, registry::PluginRegistry& registry);

}  // namespace weft::predict
