#include "distributed/shard_agreement.hpp"

#include <algorithm>
#include <cstring>

namespace weft::distributed {

namespace {

// RowShards exchanges ints (for sparsity patterns); other values travel as their bytes.
template <class T>
std::vector<int> as_ints(const std::vector<T>& values) {
  static_assert(sizeof(T) % sizeof(int) == 0);
  std::vector<int> ints(values.size() * (sizeof(T) / sizeof(int)));
  if (!values.empty()) std::memcpy(ints.data(), values.data(), values.size() * sizeof(T));
  return ints;
}

template <class T>
std::vector<T> from_ints(const std::vector<int>& ints) {
  std::vector<T> values(ints.size() / (sizeof(T) / sizeof(int)));
  if (!values.empty()) std::memcpy(values.data(), ints.data(), values.size() * sizeof(T));
  return values;
}

template <class T>
std::vector<T> gathered(const RowShards* shards, const std::vector<T>& local) {
  if (!shards) return local;
  agree_on_failures(*shards, nullptr, false);
  return from_ints<T>(shards->concatenate(as_ints(local)));
}

// A text among exchanged ints: its length, then its bytes.
void append_text(std::vector<int>& ints, const std::string& text) {
  ints.push_back(int(text.size()));
  for (char c : text) ints.push_back(int(static_cast<unsigned char>(c)));
}

// The text that starts at ints[at]; `at` moves past it.
std::string text_at(const std::vector<int>& ints, std::size_t& at) {
  const auto length = std::size_t(ints[at]);
  std::string text(length, ' ');
  for (std::size_t c = 0; c < length; ++c) text[c] = char(ints[at + 1 + c]);
  at += 1 + length;
  return text;
}

template <class T>
std::vector<T> sorted_union(const RowShards* shards, const std::vector<T>& local) {
  if (!shards) return local;
  std::vector<T> all = gathered(shards, local);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

}  // namespace

void agree_on_failures(const RowShards& shards, const std::string* failure, bool input_error) {
  // One vote per process (a sum of K slots), then the failed processes' messages: each sends
  // [rank, input_error, length, bytes...].
  std::vector<double> failed(std::size_t(shards.count()), 0.0);
  if (failure) failed[std::size_t(shards.index())] = 1.0;
  shards.sum(failed.data(), failed.size());
  int first = -1;
  for (std::size_t r = 0; r < failed.size() && first < 0; ++r)
    if (failed[r] > 0) first = int(r);
  if (first < 0) return;
  std::vector<int> mine;
  if (failure) {
    mine = {shards.index(), input_error ? 1 : 0};
    append_text(mine, *failure);
  }
  const std::vector<int> all = shards.concatenate(mine);
  for (std::size_t at = 0; at + 3 <= all.size();) {
    const int rank = all[at], input = all[at + 1];
    at += 2;
    const std::string message = text_at(all, at);
    if (rank == first) throw AgreedFailure("rank " + std::to_string(first) + ": " + message, input != 0);
  }
  throw AgreedFailure("rank " + std::to_string(first) + ": failed", false);
}

bool on_any_shard(const RowShards* shards, bool local) { return summed_over_processes(shards, local ? 1.0 : 0.0) > 0; }

bool on_every_shard(const RowShards* shards, bool local) { return !on_any_shard(shards, !local); }

double summed_over_processes(const RowShards* shards, double local) {
  if (!shards) return local;
  agree_on_failures(*shards, nullptr, false);
  shards->sum(&local, 1);
  return local;
}

void summed_over_processes(const RowShards* shards, std::vector<double>& local) {
  if (!shards) return;
  agree_on_failures(*shards, nullptr, false);
  if (!local.empty()) shards->sum(local.data(), local.size());
}

std::vector<std::string> texts_of_every_shard(const RowShards* shards, const std::vector<std::string>& local) {
  if (!shards) return local;
  std::vector<int> mine;
  for (const std::string& text : local) append_text(mine, text);
  const std::vector<int> all = gathered(shards, mine);
  std::vector<std::string> texts;
  for (std::size_t at = 0; at < all.size();) texts.push_back(text_at(all, at));
  return texts;
}

std::vector<double> numbers_of_every_shard(const RowShards* shards, const std::vector<double>& local) {
  return gathered(shards, local);
}

std::vector<double> union_of_every_shard(const RowShards* shards, const std::vector<double>& local) {
  return sorted_union(shards, local);
}

std::vector<std::uint64_t> union_of_every_shard(const RowShards* shards, const std::vector<std::uint64_t>& local) {
  return sorted_union(shards, local);
}

}  // namespace weft::distributed
