#pragma once
// The result document (`weft fit --format json`), as the contract lays it out.
#include "fit/fit_result.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace weft::report {

nlohmann::ordered_json result_document(const fit::FitResult& result);

// JSON text that is always valid UTF-8 (invalid bytes in factor levels become U+FFFD) with
// non-finite numbers written as null.
std::string dump(const nlohmann::ordered_json& document);

}  // namespace weft::report
