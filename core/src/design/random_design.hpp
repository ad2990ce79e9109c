#pragma once
// The random-effects design as lme4's mkReTrms lays it out: terms sorted by decreasing
// number of levels, each term's q = k * levels columns level-major (level 1: c1..ck, level
// 2: ...), theta term after term; Z = [Z_1 ... Z_m] with Z_t(i, first + level(i) k + c) = the
// term's column c in row i (zeros not stored, as lme4's drop0).
#include <weft/integrator/model.hpp>

#include <vector>

namespace weft::design {

// lme4: `if (any(diff(nl) > 0)) ord <- rev(order(nl))` — terms by decreasing number of levels,
// applied only when some term has more levels than the one before it; ties then come out in
// reverse order, exactly as lme4 does.
std::vector<std::size_t> lme4_term_order(const std::vector<Index>& levels_per_term);

// Sets first_column and first_theta of terms laid out in this order.
void lay_out_terms(std::vector<RandomEffectTerm>& terms);

// One term on every row: its level (-1: no effect) and the values of its k columns.
struct TermRows {
  std::vector<Index> level;
  Matrix values;  // rows x k
};

// Z (n x q), built in one pass straight into compressed column storage.
SparseMatrix assemble_z(const std::vector<RandomEffectTerm>& terms, const std::vector<TermRows>& rows, Index n);

}  // namespace weft::design
