#pragma once
// A DesignSpec as JSON (the "model" block of a result) and back, checked on the way in so a
// hand-edited or truncated description is an InputError, never a crash.
//
// {
//   "design_version": 1,
//   "formula": "y ~ x + f + (1 | g)", "zi_formula": null, "response": "y",
//   "variables": [ {"label": "x", "expression": "x", "role": "covariate in the formula",
//                   "kind": "numeric", "grouping": false},
//                  {"label": "f", ..., "kind": "factor", "level_source": "text", "levels": ["a", "b"]},
//                  {"label": "scale(x)", ..., "basis": {"function": "scale", "center": 50.1, "scale": 9.8}},
//                  {"label": "poly(z, 2)", ..., "basis": {"function": "poly", "alpha": [a0, a1],
//                                                         "norm2": [1, n, |Z1|^2, |Z2|^2]}} ],
//   "fixed": {"intercept": true,
//             "terms": [{"label": "f", "variables": [1], "contrasts": [true]}],
//             "columns": ["(Intercept)", "x", "fb"], "kept": [0, 1, 2]},
//   "zi": null,
//   "offsets": [], "offset_column": null,
//   "random": [{"group": "g", "group_variables": [2], "matrix": {<as "fixed": the term's columns>},
//               "levels": ["g1", "g2"], "level_codes": []}]
// }
#include "design/design_spec.hpp"

#include <nlohmann/json.hpp>

namespace weft::design {

nlohmann::json design_to_json(const DesignSpec& spec);

// Throws InputError("model description: <where>: <what>") for anything malformed.
DesignSpec design_from_json(const nlohmann::json& description);

}  // namespace weft::design
