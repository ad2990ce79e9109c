#pragma once
// A model's rows may be one shard of a table split over processes (MPI, `mpirun -n K weft fit`).
// The likelihood is a sum over rows, so everything an integrator forms from the rows (the log
// density, gradients, the Gram matrices M'WM, X'WX, M'WX, X'Wz, per-group sums) is a sum of the
// shards' parts: each process forms its part from its rows and RowShards::sum adds the parts
// (MPI_Allreduce), after which every process holds the same totals and takes the same steps.
// Everything not a sum over rows (theta, u, beta, the Cholesky factor of A) is the same on every
// process. On one process ModelMatrices::shards is null and the helpers below do nothing.
// Part of the integrator-author layer (WEFT_INTEGRATOR_ABI_VERSION).
#include <Eigen/Core>

#include <cstddef>
#include <vector>

namespace weft {

class RowShards {
 public:
  virtual ~RowShards() = default;
  // Processes holding rows of the model (K), and this one's number (0 ... K - 1).
  virtual int count() const = 0;
  virtual int index() const = 0;
  // values <- the sum of every shard's values, in place; the same bits on every shard.
  virtual void sum(double* values, std::size_t size) const = 0;
  // Every shard's `local` concatenated in shard order, on every shard (for sparsity patterns:
  // the union of the shards' patterns is the pattern of the sum).
  virtual std::vector<int> concatenate(const std::vector<int>& local) const = 0;
};

// x summed over the shards (x itself without shards).
inline double sum_over_shards(const RowShards* shards, double x) {
  if (shards) shards->sum(&x, 1);
  return x;
}

// Sums a dense vector or matrix over the shards, in place.
template <class Derived>
void sum_over_shards(const RowShards* shards, Eigen::PlainObjectBase<Derived>& m) {
  if (shards && m.size() > 0) shards->sum(m.data(), std::size_t(m.size()));
}

inline void sum_over_shards(const RowShards* shards, std::vector<double>& values) {
  if (shards && !values.empty()) shards->sum(values.data(), values.size());
}

// A product over this process's rows (X'WX, M'd1, ...) evaluated and summed over the shards.
template <class Expression>
typename Expression::PlainObject summed_over_shards(const RowShards* shards, const Expression& rows) {
  typename Expression::PlainObject total = rows;
  sum_over_shards(shards, total);
  return total;
}

}  // namespace weft
