#include "design/random_design.hpp"

#include <algorithm>
#include <numeric>

namespace weft::design {

std::vector<std::size_t> lme4_term_order(const std::vector<Index>& levels_per_term) {
  std::vector<std::size_t> order(levels_per_term.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  bool increases = false;
  for (std::size_t i = 1; i < levels_per_term.size(); ++i) increases = increases || levels_per_term[i] > levels_per_term[i - 1];
  if (!increases) return order;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return levels_per_term[a] < levels_per_term[b]; });
  std::reverse(order.begin(), order.end());
  return order;
}

void lay_out_terms(std::vector<RandomEffectTerm>& terms) {
  Index column = 0, theta = 0;
  for (auto& t : terms) {
    t.first_column = column;
    t.first_theta = theta;
    column += t.n_columns();
    theta += t.n_theta();
  }
}

SparseMatrix assemble_z(const std::vector<RandomEffectTerm>& terms, const std::vector<TermRows>& rows, Index n) {
  Index q = 0;
  for (const auto& t : terms) q = std::max(q, t.first_column + t.n_columns());
  SparseMatrix Z(n, q);
  // Count the entries of each column, then fill rows in increasing order (sorted within columns).
  std::vector<SparseMatrix::StorageIndex> start(static_cast<std::size_t>(q) + 1, 0);
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const Index k = terms[t].k();
    const TermRows& tr = rows[t];
    for (Index r = 0; r < n; ++r) {
      const Index level = tr.level[std::size_t(r)];
      if (level < 0) continue;
      const Index base = terms[t].first_column + level * k;
      for (Index c = 0; c < k; ++c)
        if (tr.values(r, c) != 0.0) ++start[std::size_t(base + c) + 1];
    }
  }
  for (std::size_t j = 0; j < std::size_t(q); ++j) start[j + 1] += start[j];
  Z.resizeNonZeros(Index(start.back()));
  std::copy(start.begin(), start.end(), Z.outerIndexPtr());
  std::vector<SparseMatrix::StorageIndex> next(start.begin(), start.end() - 1);
  auto* inner = Z.innerIndexPtr();
  double* value = Z.valuePtr();
  for (Index r = 0; r < n; ++r)
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const Index level = rows[t].level[std::size_t(r)];
      if (level < 0) continue;
      const Index k = terms[t].k();
      const Index base = terms[t].first_column + level * k;
      for (Index c = 0; c < k; ++c) {
        const double v = rows[t].values(r, c);
        if (v == 0.0) continue;
        const auto pos = next[std::size_t(base + c)]++;
        inner[pos] = SparseMatrix::StorageIndex(r);
        value[pos] = v;
      }
    }
  return Z;
}

}  // namespace weft::design
