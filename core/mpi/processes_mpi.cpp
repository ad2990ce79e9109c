// K processes over MPI_COMM_WORLD (Open MPI). Sums are MPI_Allreduce; every process then holds
// the same totals and takes the same optimizer steps (the optimizer runs identically on all).
#include "processes.hpp"

#include "distributed/shard_agreement.hpp"

#include <weft/errors.hpp>

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

namespace weft::processes {

namespace {

bool started = false;
int world_size = 1, world_rank = 0;

class MpiRowShards final : public RowShards {
 public:
  int count() const override { return world_size; }
  int index() const override { return world_rank; }
  void sum(double* values, std::size_t size) const override {
    // In pieces below INT_MAX elements (MPI counts are int).
    constexpr std::size_t kPiece = std::size_t(1) << 30;
    for (std::size_t begin = 0; begin < size; begin += kPiece) {
      const int n = int(std::min(kPiece, size - begin));
      MPI_Allreduce(MPI_IN_PLACE, values + begin, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    }
  }
  std::vector<int> concatenate(const std::vector<int>& local) const override {
    const int mine = int(local.size());
    std::vector<int> counts(static_cast<std::size_t>(world_size)), offsets(static_cast<std::size_t>(world_size), 0);
    MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
    for (std::size_t r = 1; r < counts.size(); ++r) offsets[r] = offsets[r - 1] + counts[r - 1];
    std::vector<int> all(std::size_t(offsets.back() + counts.back()));
    MPI_Allgatherv(local.data(), mine, MPI_INT, all.data(), counts.data(), offsets.data(), MPI_INT, MPI_COMM_WORLD);
    return all;
  }
};

const MpiRowShards shards;

// The agreed failure as the CLI's errors: InputError (exit 2) or an internal error.
[[noreturn]] void rethrow(const distributed::AgreedFailure& e) {
  if (e.input_error) throw InputError(e.what());
  throw std::runtime_error(e.what());
}

// True when this process was started by mpirun (Open MPI or a PMIx launcher).
bool under_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_RANK") != nullptr;
}

}  // namespace

void start(int* argc, char*** argv) {
  if (!under_mpirun()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
  started = true;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
}

void stop() {
  if (started) MPI_Finalize();
  started = false;
}

int count() { return world_size; }
int rank() { return world_rank; }
const RowShards* row_shards() { return world_size > 1 ? &shards : nullptr; }

void on_every_process(const std::function<void()>& step) {
  if (world_size == 1) {
    step();
    return;
  }
  // The vote is distributed::agree_on_failures, the same one the design's exchanges cast
  // before each exchange (shard_agreement.hpp): a process that failed here meets the others
  // wherever they are.
  std::optional<std::string> message;
  bool input_error = false;
  try {
    step();
  } catch (const distributed::AgreedFailure& e) {
    rethrow(e);
  } catch (const InputError& e) {
    message = e.what();
    input_error = true;
  } catch (const std::exception& e) {
    message = e.what();
  }
  try {
    distributed::agree_on_failures(shards, message ? &*message : nullptr, input_error);
  } catch (const distributed::AgreedFailure& e) {
    rethrow(e);
  }
}

}  // namespace weft::processes
