#pragma once
// R's terms.formula: the right-hand side of a formula expanded into terms, each term a set of
// variables (a main effect has one, an interaction several). Implements R's rules (model.c):
//   a + b      union of the terms, later duplicates dropped (x + x + x = x)
//   a:b        every term of a with every term of b
//   a*b        a + b + a:b
//   a/b        a + (all variables of a):b
//   a %in% b   every term of a with all variables of b
//   (a+b)^n    all interactions up to order n
//   a - b      the terms of a that are not in b; -1 / +0 remove the intercept, +1 / -0 add it
//   offset(x)  recorded as an offset; terms holding it are not terms
// Terms are then ordered by degree (main effects, then two-way, ...), stable within a degree.
// Variables are identified by their deparsed label, so log(x+1) and log(x + 1) are one.
#include "formula/ast.hpp"
#include "formula/source.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace weft::formula {

// The variables of one term as sorted indices into TermsModel::variables.
using Term = std::vector<int>;

struct TermsModel {
  std::vector<const Node*> variables;       // in order of first appearance (R's variable list)
  std::vector<std::string> variable_labels; // deparse() of each
  std::vector<Term> terms;                  // ordered by degree
  bool intercept = true;
  std::vector<int> offsets;                 // variables that are offset(...) calls

  // "a:b": the labels of the term's variables joined by ':' in variable order, as R.
  std::string term_label(std::size_t term) const;
  // Whether some term uses the variable (a variable only in a removed term is not used).
  bool uses(int variable) const;
};

// Expands `rhs`. Random-effect terms `(lhs | g)` at the top level (added with '+', or on the
// left of '-') are collected into `bars` and otherwise ignored, as lme4's nobars(); with
// bars == nullptr they are an error saying `bar_error`. Errors carry positions in `source`.
// `dot`: what '.' stands for (R's "all other columns", one name node each); without it '.' is
// an error.
TermsModel expand_terms(const Node& rhs, const FormulaSource& source, std::vector<const Node*>* bars,
                        std::string_view bar_error, const std::vector<const Node*>* dot = nullptr);

}  // namespace weft::formula
