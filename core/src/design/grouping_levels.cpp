#include "design/grouping_levels.hpp"

#include "distributed/shard_agreement.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace weft::design {

namespace {

// Pairs of codes folded into one 64-bit key: first variable major, so keys sort like lme4's levels.
std::uint64_t pair_key(std::int64_t major, std::int64_t minor, std::int64_t minor_count) {
  return std::uint64_t(major * minor_count + minor);
}

}  // namespace

std::vector<Index> learn_group_levels(RandomTermSpec& spec, const std::vector<VariableSpec>& variables,
                                      const std::vector<VariableValues>& values, Index rows,
                                      const RowShards* shards) {
  const auto& first = values[std::size_t(spec.group_variables[0])].codes;
  std::vector<Index> level(first.begin(), first.end());
  if (spec.group_variables.size() == 1) {
    spec.levels = variables[std::size_t(spec.group_variables[0])].levels;
    spec.level_codes.clear();
    return level;
  }
  // Fold the variables in pairwise: ((a, b), c); each step keeps only combinations present.
  std::vector<std::vector<int>> combination{};  // for each current level: codes of the variables so far
  for (std::size_t l = 0; l < variables[std::size_t(spec.group_variables[0])].levels.size(); ++l)
    combination.push_back({int(l)});
  for (std::size_t g = 1; g < spec.group_variables.size(); ++g) {
    const int var = spec.group_variables[g];
    const auto& codes = values[std::size_t(var)].codes;
    const std::int64_t count = std::int64_t(variables[std::size_t(var)].levels.size());
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(rows));
    for (Index r = 0; r < rows; ++r) keys[std::size_t(r)] = pair_key(level[std::size_t(r)], codes[std::size_t(r)], count);
    std::vector<std::uint64_t> present = keys;
    std::sort(present.begin(), present.end());
    present.erase(std::unique(present.begin(), present.end()), present.end());
    present = distributed::union_of_every_shard(shards, present);  // present on any process
    for (Index r = 0; r < rows; ++r)
      level[std::size_t(r)] =
          Index(std::lower_bound(present.begin(), present.end(), keys[std::size_t(r)]) - present.begin());
    std::vector<std::vector<int>> next;
    next.reserve(present.size());
    for (std::uint64_t key : present) {
      std::vector<int> codes_so_far = combination[std::size_t(key / std::uint64_t(count))];
      codes_so_far.push_back(int(key % std::uint64_t(count)));
      next.push_back(std::move(codes_so_far));
    }
    combination = std::move(next);
  }
  spec.levels.clear();
  for (const auto& codes : combination) {
    std::string label;
    for (std::size_t g = 0; g < codes.size(); ++g) {
      if (g) label += ':';
      label += variables[std::size_t(spec.group_variables[g])].levels[std::size_t(codes[g])];
    }
    spec.levels.push_back(std::move(label));
  }
  spec.level_codes = std::move(combination);
  return level;
}

std::vector<Index> code_group_levels(const RandomTermSpec& spec, const std::vector<VariableValues>& values,
                                     Index rows) {
  const auto& first = values[std::size_t(spec.group_variables[0])].codes;
  std::vector<Index> level(first.begin(), first.end());
  if (spec.group_variables.size() == 1) return level;
  // Match each row's codes against the fitted combinations, by a hash of the code tuple.
  auto hash_codes = [](const std::vector<int>& codes) {
    std::uint64_t h = 1469598103934665603ull;
    for (int c : codes) h = (h ^ std::uint64_t(std::uint32_t(c))) * 1099511628211ull;
    return h;
  };
  std::unordered_multimap<std::uint64_t, Index> known;
  known.reserve(spec.level_codes.size());
  for (std::size_t l = 0; l < spec.level_codes.size(); ++l) known.emplace(hash_codes(spec.level_codes[l]), Index(l));
  std::vector<int> codes(spec.group_variables.size());
  for (Index r = 0; r < rows; ++r) {
    bool unseen = false;
    for (std::size_t g = 0; g < codes.size(); ++g) {
      codes[g] = values[std::size_t(spec.group_variables[g])].codes[std::size_t(r)];
      unseen = unseen || codes[g] < 0;
    }
    level[std::size_t(r)] = -1;
    if (unseen) continue;
    const auto [begin, end] = known.equal_range(hash_codes(codes));
    for (auto it = begin; it != end; ++it)
      if (spec.level_codes[std::size_t(it->second)] == codes) level[std::size_t(r)] = it->second;
  }
  return level;
}

}  // namespace weft::design
