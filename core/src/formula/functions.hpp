#pragma once
// The functions a formula may call, and how many arguments each takes. Anything else is an
// "unknown function" error that lists these.
#include <string>
#include <string_view>
#include <vector>

namespace weft::formula {

enum class FunctionRole {
  Math,      // log, log2, log10, log1p, exp, sqrt, abs: element-wise on numbers
  AsIs,      // I(expr): arithmetic inside is arithmetic, not formula operators
  Factor,    // factor(x), as.factor(x): x as a categorical variable
  Offset,    // offset(expr): added to the linear predictor, not a column of X
  Cbind,     // cbind(successes, failures): binomial response only
  Basis,     // scale(x), poly(x, k): columns built with constants learned from the training data
             // (R's makepredictcall carries them to new data); a term of their own only
};

struct KnownFunction {
  std::string_view name;
  FunctionRole role;
  int min_arguments;
  int max_arguments;
};

// The function called `name`, or nullptr.
const KnownFunction* find_function(std::string_view name);

// All known names, in the order they are listed in messages.
std::vector<std::string> known_function_names();

// "factor, as.factor, log, ..." for error messages.
std::string known_function_list();

}  // namespace weft::formula
