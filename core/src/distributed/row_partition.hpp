#pragma once
// Which rows of a model each process holds under `mpirun -n K weft fit` (issue 16), and the
// model cut down to them. The design is built from the whole table first (factor levels,
// contrasts, scale() constants and rank checks are then those of one process), then each
// process keeps only its rows of y, X, Z, weights and offsets; the likelihood's sums over rows
// are completed with RowShards::sum (weft/integrator/row_shards.hpp).
#include "data/data_frame.hpp"
#include "fit/prepared_model.hpp"

#include <weft/integrator/model.hpp>

#include <vector>

namespace weft::distributed {

// The model rows process `shard` of `shards` holds, ascending. A table read from several files
// (data: [part00.csv, ...]): the rows of files shard, shard + K, shard + 2K, ... (the interface's
// rule). One file: the shard-th of K contiguous blocks of rows.
// `source_rows`: each model row's row as read (PreparedModel::source_rows; empty: the same).
std::vector<Index> rows_of_shard(const data::DataFrame& data, const std::vector<std::size_t>& source_rows,
                                 Index model_rows, int shard, int shards);

// `model` with only `rows`; sums over rows go through `shards`.
ModelMatrices keep_rows(const ModelMatrices& model, const std::vector<Index>& rows, const RowShards& shards);

// The prepared model with this process's rows only.
void keep_rows_of_this_process(fit::PreparedModel& model, const data::DataFrame& data, const RowShards& shards);

}  // namespace weft::distributed
