#include "formula/terms.hpp"

#include "formula/deparse.hpp"

#include <algorithm>
#include <cmath>

namespace weft::formula {

namespace {

using TermList = std::vector<Term>;

Term union_of(const Term& a, const Term& b) {
  Term out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// R's TrimRepeats: drop empty terms and every repeat of an earlier term.
TermList trim_repeats(TermList list) {
  TermList out;
  out.reserve(list.size());
  for (auto& t : list) {
    if (t.empty()) continue;
    if (std::find(out.begin(), out.end(), t) != out.end()) continue;
    out.push_back(std::move(t));
  }
  return out;
}

TermList interact(const TermList& left, const TermList& right) {
  TermList out;
  out.reserve(left.size() * right.size());
  for (const auto& l : left)
    for (const auto& r : right) out.push_back(union_of(l, r));
  return trim_repeats(std::move(out));
}

Term all_variables(const TermList& list) {
  Term all;
  for (const auto& t : list) all = union_of(all, t);
  return all;
}

class TermEncoder {
 public:
  TermEncoder(const FormulaSource& source, TermsModel& model, std::vector<const Node*>* bars,
              std::string_view bar_error, const std::vector<const Node*>* dot)
      : source_(source), model_(model), bars_(bars), bar_error_(bar_error), dot_(dot) {}

  TermList encode(const Node& node, bool top_level) {
    switch (node.kind) {
      case NodeKind::Paren: {
        const Node& inner = strip_parens(node);
        if (inner.is_bar()) return random_term(inner, top_level);
        return encode(inner, top_level);
      }
      case NodeKind::Number: return constant(node);
      case NodeKind::Name:
        if (node.text == "." && dot_) return dot_terms(node);
        return {Term{install(node)}};
      case NodeKind::Call: return {Term{install(node)}};
      case NodeKind::Unary:
        if (node.text == "+") return encode(node.child(0), top_level);
        // -x deletes x from nothing; what it does is flip the intercept for -1 / -0.
        parity_ = !parity_;
        encode(node.child(0), false);
        parity_ = !parity_;
        return {};
      case NodeKind::Binary: return binary(node, top_level);
    }
    return {};
  }

 private:
  TermList binary(const Node& node, bool top_level) {
    const std::string& op = node.text;
    if (op == "|" || op == "||") {
      if (top_level && bars_)
        fail_at(source_, "a random-effect term must be in parentheses: (" + deparse(node) + ")",
                node.operator_offset);
      return random_term(node, false);
    }
    if (op == "+") {
      TermList left = encode(node.lhs(), top_level);
      TermList right = encode(node.rhs(), top_level);
      left.insert(left.end(), std::make_move_iterator(right.begin()), std::make_move_iterator(right.end()));
      return trim_repeats(std::move(left));
    }
    if (op == "-") {
      TermList left = encode(node.lhs(), top_level);
      parity_ = !parity_;
      const TermList right = encode(node.rhs(), false);
      parity_ = !parity_;
      TermList out;
      for (auto& t : left)
        if (std::find(right.begin(), right.end(), t) == right.end()) out.push_back(std::move(t));
      return out;
    }
    // Operands are encoded left to right (named locals), because that order is R's variable order.
    if (op == ":") {
      const TermList left = encode(node.lhs(), false);
      const TermList right = encode(node.rhs(), false);
      return interact(left, right);
    }
    if (op == "*") {
      TermList left = encode(node.lhs(), false);
      TermList right = encode(node.rhs(), false);
      TermList both = interact(left, right);
      left.insert(left.end(), right.begin(), right.end());
      left.insert(left.end(), both.begin(), both.end());
      return trim_repeats(std::move(left));
    }
    if (op == "/") {
      TermList left = encode(node.lhs(), false);
      const TermList right = encode(node.rhs(), false);
      const Term outer = all_variables(left);
      for (const auto& r : right) left.push_back(union_of(outer, r));
      return trim_repeats(std::move(left));
    }
    if (op == "%in%") {
      TermList left = encode(node.lhs(), false);
      const TermList right = encode(node.rhs(), false);
      const Term outer = all_variables(right);
      for (auto& l : left) l = union_of(l, outer);
      return trim_repeats(std::move(left));
    }
    if (op == "^") return power(node);
    fail_at(source_, "operator '" + op + "' is not allowed here", node.operator_offset);
  }

  TermList power(const Node& node) {
    const Node& exponent = strip_parens(node.rhs());
    if (!exponent.is(NodeKind::Number) || exponent.number != std::floor(exponent.number) || exponent.number < 2 ||
        exponent.number > 1000)
      fail_at(source_, "invalid power in formula: expected a whole number of at least 2 after '^' (as R)",
              node.operator_offset);
    const TermList left = encode(node.lhs(), false);
    TermList result = left;
    for (int i = 1; i < int(exponent.number); ++i) {
      TermList next = interact(left, result);
      if (next == result) break;
      result = std::move(next);
    }
    return result;
  }

  TermList constant(const Node& node) {
    // 1 means "with intercept", 0 "without"; on the right of '-' the meanings swap (R's parity).
    if (node.number == 1) model_.intercept = parity_;
    else if (node.number == 0) model_.intercept = !parity_;
    else
      fail_at(source_, "invalid term '" + node.text + "' (a number in a formula must be 0 or 1)",
              node.begin);
    return {};
  }

  TermList random_term(const Node& bar, bool top_level) {
    if (!bars_) fail_at(source_, std::string(bar_error_), bar.operator_offset);
    if (!top_level)
      fail_at(source_,
              "a random-effect term (" + deparse(bar) + ") must be added to the formula with '+', not combined "
              "with other operators",
              bar.operator_offset);
    bars_->push_back(&bar);
    return {};
  }

  // '.': one main effect per column it stands for.
  TermList dot_terms(const Node& node) {
    if (dot_->empty())
      fail_at(source_, "'.' (all other columns) stands for no column here: every column is already used", node.begin);
    TermList out;
    for (const Node* column : *dot_) out.push_back(Term{install(*column)});
    return trim_repeats(std::move(out));
  }

  int install(const Node& node) {
    if (node.is(NodeKind::Name) && node.text == ".")
      fail_at(source_, "'.' (all other columns) is not supported; name the columns", node.begin);
    if (node.is_call("cbind"))
      fail_at(source_, "cbind() can only be the response (left of '~')", node.begin);
    std::string label = deparse(node);
    for (std::size_t i = 0; i < model_.variable_labels.size(); ++i)
      if (model_.variable_labels[i] == label) return int(i);
    model_.variables.push_back(&node);
    model_.variable_labels.push_back(std::move(label));
    return int(model_.variables.size()) - 1;
  }

  const FormulaSource& source_;
  TermsModel& model_;
  std::vector<const Node*>* bars_;
  std::string_view bar_error_;
  const std::vector<const Node*>* dot_;
  bool parity_ = true;
};

}  // namespace

std::string TermsModel::term_label(std::size_t term) const {
  std::string label;
  for (int v : terms[term]) {
    if (!label.empty()) label += ':';
    label += variable_labels[std::size_t(v)];
  }
  return label;
}

bool TermsModel::uses(int variable) const {
  for (const auto& t : terms)
    if (std::find(t.begin(), t.end(), variable) != t.end()) return true;
  return false;
}

TermsModel expand_terms(const Node& rhs, const FormulaSource& source, std::vector<const Node*>* bars,
                        std::string_view bar_error, const std::vector<const Node*>* dot) {
  TermsModel model;
  TermEncoder encoder(source, model, bars, bar_error, dot);
  TermList terms = encoder.encode(rhs, true);

  // R drops every term that contains an offset variable and records the offsets.
  for (std::size_t v = 0; v < model.variables.size(); ++v)
    if (strip_parens(*model.variables[v]).is_call("offset")) model.offsets.push_back(int(v));
  if (!model.offsets.empty()) {
    TermList kept;
    for (auto& t : terms) {
      const bool has_offset = std::any_of(t.begin(), t.end(), [&](int v) {
        return std::find(model.offsets.begin(), model.offsets.end(), v) != model.offsets.end();
      });
      if (!has_offset) kept.push_back(std::move(t));
    }
    terms = std::move(kept);
  }
  std::stable_sort(terms.begin(), terms.end(), [](const Term& a, const Term& b) { return a.size() < b.size(); });
  model.terms = std::move(terms);
  return model;
}

}  // namespace weft::formula
