#pragma once
// The syntax tree of a formula or expression, as R's parser would build it: names, numbers,
// calls, unary and binary operators, and parentheses (kept, because R's deparse shows them:
// log((x)) is a different variable label from log(x)).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weft::formula {

enum class NodeKind { Number, Name, Call, Unary, Binary, Paren };

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  NodeKind kind = NodeKind::Name;
  // Name: the name (without backquotes); Call: the function; Unary/Binary: the operator
  // ("+", "-", "*", "/", "^", ":", "|", "||", "%in%"); Number: the literal as written.
  std::string text;
  double number = 0;             // Number: its value
  bool integer_literal = false;  // Number: written with R's L suffix (2L)
  int parens = 0;                // Paren: pairs of parentheses collapsed into this node, ((x)) = 2
  std::vector<NodePtr> children; // Call: arguments; Unary: operand; Binary: lhs, rhs; Paren: inner
  std::size_t begin = 0;         // source bytes [begin, end) of the whole node
  std::size_t end = 0;
  std::size_t operator_offset = 0;  // Unary/Binary/Call: where the operator or name is
  int depth = 1;                 // height of the tree below (a Paren of any count adds one)

  bool is(NodeKind k) const { return kind == k; }
  bool is_binary(std::string_view op) const { return kind == NodeKind::Binary && text == op; }
  bool is_unary(std::string_view op) const { return kind == NodeKind::Unary && text == op; }
  bool is_call(std::string_view function) const { return kind == NodeKind::Call && text == function; }
  bool is_bar() const { return is_binary("|") || is_binary("||"); }
  const Node& child(std::size_t i) const { return *children[i]; }
  const Node& lhs() const { return *children[0]; }
  const Node& rhs() const { return *children[1]; }
};

// The node inside any parentheses: ((x)) -> x.
const Node& strip_parens(const Node& node);

// Every name in the tree (data columns an expression reads; '.' too), in order of appearance,
// each once. Function names are not names.
void collect_names(const Node& node, std::vector<std::string>& names);

// A Name node made by the program (the `groups:` shorthand), with no source position.
NodePtr make_name(std::string name);

// Combine children into a new node; depth and source range follow from the children.
NodePtr make_unary(std::string op, NodePtr operand, std::size_t operator_offset);
NodePtr make_binary(std::string op, NodePtr lhs, NodePtr rhs, std::size_t operator_offset);
NodePtr make_paren(NodePtr inner, std::size_t begin, std::size_t end);

}  // namespace weft::formula
