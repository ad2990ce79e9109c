#pragma once
// The levels of a random term's grouping factor on every row. One grouping variable: its own
// levels. An interaction g1:g2 (and the nested b:a of (1 | a/b)): the combinations present,
// ordered by the first variable's level, then the second's (lme4's %i%), labelled "x:y".
#include "design/design_spec.hpp"
#include "design/variable_values.hpp"

#include <weft/integrator/model.hpp>
#include <weft/integrator/row_shards.hpp>

#include <vector>

namespace weft::design {

// Training: fills spec.levels (and spec.level_codes for interactions) from the rows; returns
// each row's level. With `shards` (mpirun), an interaction's levels are the combinations
// present on any process.
std::vector<Index> learn_group_levels(RandomTermSpec& spec, const std::vector<VariableSpec>& variables,
                                      const std::vector<VariableValues>& values, Index rows,
                                      const RowShards* shards = nullptr);

// New data: each row's index in spec.levels, -1 where any grouping variable has an unseen
// level or the combination never occurred in fitting.
std::vector<Index> code_group_levels(const RandomTermSpec& spec, const std::vector<VariableValues>& values,
                                     Index rows);

}  // namespace weft::design
