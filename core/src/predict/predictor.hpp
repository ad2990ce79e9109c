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

// `result_name` names the result file in messages. Throws InputError for a document that is
// not a weft result, or new data the model cannot take.
std::vector<double> predict(const nlohmann::json& result, const std::string& result_name,
                            const data::DataFrame& newdata, const PredictOptions& options,
                            registry::PluginRegistry& registry);

}  // namespace weft::predict
