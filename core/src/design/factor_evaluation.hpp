#pragma once
// A factor on every row: factor(x), as.factor(x), a text column, or a grouping variable.
// Levels as R's factor() makes them from the rows used: text in byte order (the C locale the
// references use), numbers in numeric order written as as.character() writes them.
#include "data/data_frame.hpp"
#include "design/design_spec.hpp"
#include "formula/ast.hpp"
#include "formula/source.hpp"

#include <weft/integrator/row_shards.hpp>

#include <vector>

namespace weft::design {

// The expression whose values are the factor's levels: factor(x) -> x, (g) -> g.
const formula::Node& factor_source(const formula::Node& node);

// True when `node` is a factor on this data without being a grouping variable:
// factor(...)/as.factor(...), or the bare name of a column holding text.
bool is_factor_expression(const formula::Node& node, const data::DataFrame& data, const RowShards* shards = nullptr);

// Rejects non-factor syntax inside factor() before the data is read.
void check_factor_expression(const formula::Node& node, const formula::FormulaSource& source);

// Training: learns spec.levels and spec.level_source from the data; returns each row's level.
// With `shards` (mpirun), from every process's rows: a level has one index on every process.
std::vector<int> learn_factor(const formula::Node& node, const formula::FormulaSource& source,
                              const data::DataFrame& data, VariableSpec& spec, const RowShards* shards = nullptr);

// New data: each row's index in spec.levels, or -1 for a level the model never saw.
std::vector<int> code_factor(const formula::Node& node, const formula::FormulaSource& source,
                             const data::DataFrame& data, const VariableSpec& spec);

}  // namespace weft::design
