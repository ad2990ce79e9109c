#include "formula/ast.hpp"

#include <algorithm>

namespace weft::formula {

const Node& strip_parens(const Node& node) {
  const Node* n = &node;
  while (n->is(NodeKind::Paren)) n = n->children[0].get();
  return *n;
}

NodePtr make_name(std::string name) {
  auto node = std::make_unique<Node>();
  node->kind = NodeKind::Name;
  node->text = std::move(name);
  return node;
}

NodePtr make_unary(std::string op, NodePtr operand, std::size_t operator_offset) {
  auto node = std::make_unique<Node>();
  node->kind = NodeKind::Unary;
  node->text = std::move(op);
  node->begin = std::min(operator_offset, operand->begin);
  node->end = operand->end;
  node->operator_offset = operator_offset;
  node->depth = operand->depth + 1;
  node->children.push_back(std::move(operand));
  return node;
}

NodePtr make_binary(std::string op, NodePtr lhs, NodePtr rhs, std::size_t operator_offset) {
  auto node = std::make_unique<Node>();
  node->kind = NodeKind::Binary;
  node->text = std::move(op);
  node->begin = lhs->begin;
  node->end = rhs->end;
  node->operator_offset = operator_offset;
  node->depth = std::max(lhs->depth, rhs->depth) + 1;
  node->children.push_back(std::move(lhs));
  node->children.push_back(std::move(rhs));
  return node;
}

NodePtr make_paren(NodePtr inner, std::size_t begin, std::size_t end) {
  // ((x)) is one node with two pairs: 20,000 nested parentheses stay a shallow tree.
  if (inner->is(NodeKind::Paren)) {
    inner->parens += 1;
    inner->begin = begin;
    inner->end = end;
    return inner;
  }
  auto node = std::make_unique<Node>();
  node->kind = NodeKind::Paren;
  node->parens = 1;
  node->begin = begin;
  node->end = end;
  node->operator_offset = begin;
  node->depth = inner->depth + 1;
  node->children.push_back(std::move(inner));
  return node;
}

void collect_names(const Node& node, std::vector<std::string>& names) {
  if (node.is(NodeKind::Name)) {
    if (std::find(names.begin(), names.end(), node.text) == names.end()) names.push_back(node.text);
    return;
  }
  for (const auto& child : node.children) collect_names(*child, names);
}

}  // namespace weft::formula
