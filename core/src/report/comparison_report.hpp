#pragma once
// The model comparison (weft compare) as lme4's print of anova(m1, m2): "Data:", "Models:", a
// line per model, the table and the significance legend; and as a JSON document.
#include "inference/model_comparison.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace weft::report {

// R 4.2's print.anova: printCoefmat with digits 5 (npar to deviance zapped and formatted
// together per column, Chisq rounded to 4 decimals, p-values by format.pval with 4 digits).
// Long tables are not wrapped at 80 columns as R would.
std::string comparison_text(const inference::ModelComparison& comparison);

// {"data": ..., "models": [{"name", "config", "formula", "converged", "npar", "AIC", "BIC",
//  "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)"}]}: the table's columns under lme4's
// names, null where the table is empty (the first row's test).
nlohmann::ordered_json comparison_document(const inference::ModelComparison& comparison);

}  // namespace weft::report
