#pragma once
// What the processes of `mpirun -n K weft fit` agree on while each builds the design from its
// own rows only (issue 16): a factor's levels are the union of the labels every process saw,
// scale() and poly() constants come from sums over every row, the rank check sees every row.
// Each exchange is collective (every process calls it at the same point). A process whose
// local step failed (a bad cell in its shard) never reaches the next exchange: so every
// exchange first votes on failures (agree_on_failures), the vote the failed process casts from
// processes::on_every_process, and every process then stops with the failed one's message
// instead of waiting forever. With shards null (one process) each helper returns `local`.
#include <weft/integrator/row_shards.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft::distributed {

// Thrown on every process once they have agreed that a step failed; the message is the lowest
// failing rank's, "rank r: ...". on_every_process rethrows it as InputError (input_error) or
// as an internal error, without voting again.
class AgreedFailure : public std::runtime_error {
 public:
  AgreedFailure(const std::string& message, bool input_error) : std::runtime_error(message), input_error(input_error) {}
  bool input_error;
};

// Every process calls this at the same point with its own failure (null: none). Returns when
// none failed; else throws AgreedFailure on every process.
void agree_on_failures(const RowShards& shards, const std::string* failure, bool input_error);

// true when `local` is true on some process / on every process.
bool on_any_shard(const RowShards* shards, bool local);
bool on_every_shard(const RowShards* shards, bool local);
// The sum over processes.
double summed_over_processes(const RowShards* shards, double local);
void summed_over_processes(const RowShards* shards, std::vector<double>& local);
// Every process's `local` concatenated in rank order.
std::vector<std::string> texts_of_every_shard(const RowShards* shards, const std::vector<std::string>& local);
std::vector<double> numbers_of_every_shard(const RowShards* shards, const std::vector<double>& local);
// The distinct values of every process's `local` (each ascending without repeats), ascending.
std::vector<double> union_of_every_shard(const RowShards* shards, const std::vector<double>& local);
std::vector<std::uint64_t> union_of_every_shard(const RowShards* shards, const std::vector<std::uint64_t>& local);

}  // namespace weft::distributed
