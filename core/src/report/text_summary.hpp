#pragma once
// An lme4-style summary of a fit (`weft fit`, the default --format text).
#include "fit/fit_result.hpp"

#include <string>

namespace weft::report {

std::string text_summary(const fit::FitResult& result);

}  // namespace weft::report
