#pragma once
// lme4's random-effect terms after its expansions (findbars, expandDoubleVerts, expandSlash):
//   (1 + x || g)  ->  (1 | g) + (0 + x | g)      one term per column group; a factor stays one
//   (1 | a/b)     ->  (1 | b:a) + (1 | a)         lme4 names the nested factor "b:a"
//   (1 | a/b/c)   ->  (1 | c:(b:a)) + (1 | b:a) + (1 | a)
//   (1 | a:b)     ->  one term grouped by the interaction of a and b
#include "formula/ast.hpp"
#include "formula/source.hpp"
#include "formula/terms.hpp"

#include <string>
#include <vector>

namespace weft::formula {

// The factor right of '|': one variable or an interaction of several.
struct GroupingFactor {
  std::string label;               // as lme4 names the group: "herd", "g1:g2", "b:a", "c:(b:a)"
  std::vector<const Node*> atoms;  // the interacted factors; the first varies slowest in the levels
};

struct RandomTerm {
  TermsModel lhs;  // the columns: model.matrix(~ lhs), intercept implicit unless removed
  GroupingFactor group;
};

// The terms of the bars found by expand_terms(), in lme4's order (before it sorts them by
// number of levels).
std::vector<RandomTerm> expand_random_terms(const std::vector<const Node*>& bars, const FormulaSource& source);

// (1 | name): the `groups:` shorthand.
RandomTerm intercept_term(const Node& group_name);

}  // namespace weft::formula
