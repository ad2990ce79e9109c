#pragma once
// "Did you mean ...?" for unknown keys, families, columns: the closest name by edit distance.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

// Levenshtein distance, with an adjacent swap counted as one edit (so "famliy" is 1 from
// "family"); case-insensitive, because "Family" for "family" is the likeliest slip.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// The candidate closest to `name`, if it is close enough to be a plausible typo.
inline std::optional<std::string> nearest_name(std::string_view name,
                                               const std::vector<std::string>& candidates) {
  if (name.size() > 200) return std::nullopt;  // a 10,000-character key is not a typo
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t dist = edit_distance(name, c);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  return best;
}

// " (did you mean 'x'?)" or "" — ready to append to an error message.
inline std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  auto best = nearest_name(name, candidates);
  return best ? " (did you mean '" + *best + "'?)" : std::string();
}

}  // namespace weft
