#pragma once
// The processes of one run of the CLI: K under `mpirun -n K weft ...`, else one (issue 16).
// Built from processes_mpi.cpp (Open MPI, -DWEFT_MPI=ON, the default where MPI is found) or
// processes_single.cpp; only the `weft` executable links it (the kernel and the Python module
// see rows through weft/integrator/row_shards.hpp alone).
#include <weft/integrator/row_shards.hpp>

#include <functional>

namespace weft::processes {

// MPI_Init when started by mpirun (MPI_THREAD_SERIALIZED: the command runs on a thread with a
// large stack, one thread at a time); nothing otherwise. stop() is MPI_Finalize.
void start(int* argc, char*** argv);
void stop();

int count();  // K (1 without mpirun)
int rank();   // 0 ... K - 1
// Process 0 writes results, messages and progress; the others stay silent.
inline bool reports() { return rank() == 0; }

// The RowShards over every process (MPI_Allreduce); null on one process.
const RowShards* row_shards();

// Runs `step` on every process and agrees on its outcome: when it throws InputError on any
// process, every process throws the message of the lowest such rank, prefixed "rank r: " —
// so a shard that is missing or malformed on one process stops all of them with one line, and
// none waits forever in a collective. Other exceptions propagate as they are.
void on_every_process(const std::function<void()>& step);

}  // namespace weft::processes
