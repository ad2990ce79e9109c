#pragma once
// One variable evaluated on every row of a data set.
#include <vector>

namespace weft::design {

struct VariableValues {
  std::vector<double> numbers;  // numeric variables: rows x VariableSpec::width(), column by column
  std::vector<int> codes;       // factors: index into the variable's levels; -1 for an unseen level
};

}  // namespace weft::design
