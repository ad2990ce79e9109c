#pragma once
// Which rows each process reads under `mpirun -n K weft fit` (issue 16). A table in several
// files (data: [part00.csv, ...]): process r reads files r, r + K, r + 2K, ... and nothing
// else (the interface's rule). One file: every process reads it and keeps the r-th of K
// blocks of its rows. The design is then built from these rows alone, learning what it learns
// from rows over every process (shard_agreement.hpp, ModelRequest::shards).
#include "config/model_spec.hpp"
#include "data/data_frame.hpp"

#include <weft/integrator/row_shards.hpp>

#include <vector>

namespace weft::distributed {

// The files (indices into the list) process `shard` of `shards` reads.
std::vector<std::size_t> files_of_shard(std::size_t files, int shard, int shards);

// This process's rows of the model's data. InputError when it has no file (more processes than
// files) or its files' header differs from process 0's ("part01.csv: columns ... differ from
// part00.csv's ...").
data::DataFrame read_rows_of_this_process(const config::ModelSpec& spec, const RowShards& shards);

}  // namespace weft::distributed
