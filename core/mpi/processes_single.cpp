// One process: weft built without MPI (-DWEFT_MPI=OFF or no MPI found).
#include "processes.hpp"

namespace weft::processes {

void start(int*, char***) {}
void stop() {}
int count() { return 1; }
int rank() { return 0; }
const RowShards* row_shards() { return nullptr; }
void on_every_process(const std::function<void()>& step) { step(); }

}  // namespace weft::processes
