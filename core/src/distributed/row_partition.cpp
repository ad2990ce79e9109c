#include "distributed/row_partition.hpp"

#include "distributed/shard_agreement.hpp"
#include "util/text.hpp"

#include <weft/errors.hpp>

namespace weft::distributed {

std::vector<std::size_t> files_of_shard(std::size_t files, int shard, int shards) {
  std::vector<std::size_t> mine;
  for (std::size_t f = std::size_t(shard); f < files; f += std::size_t(shards)) mine.push_back(f);
  return mine;
}

namespace {

data::DataFrame read_own_rows(const config::ModelSpec& spec, const RowShards& shards) {
  const int K = shards.count(), r = shards.index();
  if (spec.data_paths.size() <= 1) {
    // One file: every process reads it and keeps its block of rows (as read).
    data::DataFrame all = data::read_csv(spec.data_path, spec.data_name);
    const std::size_t n = all.rows(), begin = n * std::size_t(r) / std::size_t(K),
                      end = n * std::size_t(r + 1) / std::size_t(K);
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < n; ++i)
      if (i < begin || i >= end) others.push_back(i);
    return data::drop_rows(all, others);
  }
  const std::vector<std::size_t> files = files_of_shard(spec.data_paths.size(), r, K);
  if (files.empty())
    throw InputError("data: " + std::to_string(spec.data_paths.size()) + " files for " + std::to_string(K) +
                     " processes, so this one has none; give every process at least one file");
  std::vector<std::filesystem::path> paths;
  std::vector<std::string> names;
  for (std::size_t f : files) {
    paths.push_back(spec.data_paths[f]);
    names.push_back(spec.data_names[f]);
  }
  return data::read_csv_files(paths, names, 1);  // the whole table's row count is checked below
}

}  // namespace

data::DataFrame read_rows_of_this_process(const config::ModelSpec& spec, const RowShards& shards) {
  data::DataFrame data = read_own_rows(spec, shards);
  // Every process's header must be process 0's: one table, whichever process reads a file.
  const std::vector<std::string> names = data.names();
  std::string header;
  for (const std::string& name : names) header += name + '\0';
  const std::string first_file = data.file_names.empty() ? data.source : data.file_names.front();
  const std::vector<std::string> all = texts_of_every_shard(&shards, {header, first_file});
  std::vector<std::string> first_names;
  for (std::size_t begin = 0, end; (end = all[0].find('\0', begin)) != std::string::npos; begin = end + 1)
    first_names.push_back(all[0].substr(begin, end - begin));
  data::require_same_header(first_file, names, all[1], first_names);
  data::require_table_rows(spec.data_name, std::size_t(summed_over_processes(&shards, double(data.rows()))), 2);
  return data;
}

}  // namespace weft::distributed
