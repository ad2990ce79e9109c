#include "formula/random_terms.hpp"

#include "formula/deparse.hpp"

namespace weft::formula {

namespace {

void collect_atoms(const Node& node, const FormulaSource& source, std::vector<const Node*>& atoms) {
  const Node& n = strip_parens(node);
  if (n.is_binary(":")) {
    collect_atoms(n.lhs(), source, atoms);
    collect_atoms(n.rhs(), source, atoms);
    return;
  }
  if (n.is(NodeKind::Binary) || n.is(NodeKind::Unary) || n.is(NodeKind::Number))
    fail_at(source,
            "grouping factor '" + deparse(node) + "' must be a variable, an interaction (a:b) or nested (a/b)",
            n.operator_offset);
  atoms.push_back(&n);
}

GroupingFactor interaction_group(const Node& node, const FormulaSource& source) {
  GroupingFactor group;
  group.label = deparse(node);
  collect_atoms(node, source, group.atoms);
  return group;
}

// lme4's slashTerms + makeInteraction: a/b/c -> [c:(b:a), b:a, a].
std::vector<GroupingFactor> slash_groups(const Node& node, const FormulaSource& source) {
  const Node& n = strip_parens(node);
  if (!n.is_binary("/")) return {interaction_group(node, source)};
  std::vector<GroupingFactor> outer = slash_groups(n.lhs(), source);
  GroupingFactor inner = interaction_group(n.rhs(), source);
  const GroupingFactor& enclosing = outer.front();
  // R deparses foo:(b:a) with parentheses when the right operand is itself an interaction.
  const bool enclosing_is_interaction = enclosing.atoms.size() > 1;
  inner.label += ":" + (enclosing_is_interaction ? "(" + enclosing.label + ")" : enclosing.label);
  inner.atoms.insert(inner.atoms.end(), enclosing.atoms.begin(), enclosing.atoms.end());
  outer.insert(outer.begin(), std::move(inner));
  return outer;
}

// expandDoubleVert: (1 + x + z || g) -> (1 | g), (0 + x | g), (0 + z | g).
std::vector<TermsModel> uncorrelated_pieces(const TermsModel& lhs) {
  std::vector<TermsModel> pieces;
  if (lhs.intercept) {
    TermsModel intercept = lhs;
    intercept.terms.clear();
    intercept.offsets.clear();
    pieces.push_back(std::move(intercept));
  }
  for (const auto& term : lhs.terms) {
    TermsModel piece = lhs;
    piece.intercept = false;
    piece.terms = {term};
    piece.offsets.clear();
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

}  // namespace

std::vector<RandomTerm> expand_random_terms(const std::vector<const Node*>& bars, const FormulaSource& source) {
  std::vector<RandomTerm> out;
  for (const Node* bar : bars) {
    TermsModel lhs = expand_terms(bar->lhs(), source, nullptr,
                                  "a random-effect term cannot contain another '|'");
    if (!lhs.offsets.empty())
      fail_at(source, "offset() cannot be used inside a random-effect term", bar->lhs().begin);
    std::vector<TermsModel> pieces;
    if (bar->text == "||") pieces = uncorrelated_pieces(lhs);
    else pieces.push_back(std::move(lhs));
    const std::vector<GroupingFactor> groups = slash_groups(bar->rhs(), source);
    for (auto& piece : pieces)
      for (const auto& group : groups) out.push_back({piece, group});
  }
  return out;
}

RandomTerm intercept_term(const Node& group_name) {
  RandomTerm term;
  term.group.label = deparse(group_name);
  term.group.atoms.push_back(&group_name);
  return term;
}

}  // namespace weft::formula
