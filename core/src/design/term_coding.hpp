#pragma once
// How R's model.matrix codes the terms of a formula:
//  - a factor in a term is coded by treatment contrasts (first level dropped) when the term
//    without that factor is in the model (a subset of an earlier term; the empty term counts,
//    R's TermCode), and by indicator columns for all its levels otherwise: y ~ x:f gives
//    x:fa, x:fb, x:fc; y ~ x + x:f gives x:fb, x:fc;
//  - without an intercept, the first factor of the first term that has one gets all levels
//    (y ~ 0 + f);
//  - columns of an interaction vary the first variable fastest and are named "a:b", factors
//    as variable label + level ("factor(period)2", "FoodTreatmentSatiated:SexParentMale").
#include "design/design_spec.hpp"
#include "formula/terms.hpp"

#include <string>
#include <vector>

namespace weft::design {

// `global[v]` is the index in `variables` of the terms model's variable v. A factor with
// fewer than two levels is an InputError, as R's contrasts() makes it; `data_name` names
// the data in that message.
MatrixSpec code_terms(const formula::TermsModel& terms, const std::vector<int>& global,
                      const std::vector<VariableSpec>& variables, const std::string& data_name);

}  // namespace weft::design
