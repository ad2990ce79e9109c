#include "distributed/row_partition.hpp"

namespace weft::distributed {

std::vector<Index> rows_of_shard(const data::DataFrame& data, const std::vector<std::size_t>& source_rows,
                                 Index model_rows, int shard, int shards) {
  std::vector<Index> rows;
  if (data.file_names.size() > 1) {
    for (Index i = 0; i < model_rows; ++i) {
      const std::size_t as_read = source_rows.empty() ? std::size_t(i) : source_rows[std::size_t(i)];
      if (data.file_of(as_read) % std::size_t(shards) == std::size_t(shard)) rows.push_back(i);
    }
    return rows;
  }
  const Index begin = model_rows * shard / shards, end = model_rows * (shard + 1) / shards;
  for (Index i = begin; i < end; ++i) rows.push_back(i);
  return rows;
}

ModelMatrices keep_rows(const ModelMatrices& model, const std::vector<Index>& rows, const RowShards& shards) {
  const Eigen::Map<const Eigen::Matrix<Index, Eigen::Dynamic, 1>> index(rows.data(), Index(rows.size()));
  ModelMatrices part;
  part.y = model.y(index);
  part.weights = model.weights(index);
  part.offset = model.offset(index);
  part.X = model.X(index, Eigen::all);
  part.fixef_names = model.fixef_names;
  part.X_zi = model.X_zi.cols() > 0 ? Matrix(model.X_zi(index, Eigen::all)) : Matrix(Index(rows.size()), 0);
  part.zi_names = model.zi_names;
  // Z's rows: Z is column-major, so through its row-major copy.
  const Eigen::SparseMatrix<double, Eigen::RowMajor> Z = model.Z;
  std::vector<Eigen::Triplet<double>> entries;
  for (Index r = 0; r < Index(rows.size()); ++r)
    for (Eigen::SparseMatrix<double, Eigen::RowMajor>::InnerIterator it(Z, rows[std::size_t(r)]); it; ++it)
      entries.emplace_back(r, it.col(), it.value());
  part.Z.resize(Index(rows.size()), model.Z.cols());
  part.Z.setFromTriplets(entries.begin(), entries.end());
  part.Z.makeCompressed();
  part.terms = model.terms;
  part.shards = &shards;
  part.rows_in_all_shards = model.n();
  return part;
}

void keep_rows_of_this_process(fit::PreparedModel& model, const data::DataFrame& data, const RowShards& shards) {
  ModelMatrices& matrices = model.built.matrices;
  const std::vector<Index> rows =
      rows_of_shard(data, model.source_rows, matrices.n(), shards.index(), shards.count());
  matrices = keep_rows(matrices, rows, shards);
}

}  // namespace weft::distributed
