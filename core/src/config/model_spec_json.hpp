#pragma once
// A ModelSpec as JSON, in the result document's "model" block: what `weft simulate` and
// `weft compare` need to rebuild the fitted model's design from its data (R keeps the model
// frame in the fit object; weft keeps the recipe and re-reads the data file).
#include "config/model_spec.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace weft::config {

// Paths are written absolute, so the document can be used from another folder.
nlohmann::json spec_to_json(const ModelSpec& spec);

// The spec again; InputError naming `where` when the block is missing or malformed.
ModelSpec spec_from_json(const nlohmann::json& block, const std::string& where);

}  // namespace weft::config
