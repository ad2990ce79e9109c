#include "formula/deparse.hpp"

#include "formula/r_number.hpp"
#include "formula/tokenizer.hpp"

namespace weft::formula {

namespace {

bool spaced(const std::string& op) { return op != "/" && op != "^" && op != ":"; }

void append(std::string& out, const Node& node) {
  switch (node.kind) {
    case NodeKind::Number:
      if (node.integer_literal) out += format_r_integer(static_cast<long long>(node.number)) + "L";
      else out += format_r_number(node.number);
      return;
    case NodeKind::Name: out += deparse_name(node.text); return;
    case NodeKind::Call:
      out += deparse_name(node.text);
      out += '(';
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i) out += ", ";
        append(out, node.child(i));
      }
      out += ')';
      return;
    case NodeKind::Unary:
      out += node.text;
      append(out, node.child(0));
      return;
    case NodeKind::Binary:
      append(out, node.lhs());
      if (spaced(node.text)) out += ' ' + node.text + ' ';
      else out += node.text;
      append(out, node.rhs());
      return;
    case NodeKind::Paren:
      out.append(std::size_t(node.parens), '(');
      append(out, node.child(0));
      out.append(std::size_t(node.parens), ')');
      return;
  }
}

}  // namespace

std::string deparse(const Node& node) {
  std::string out;
  append(out, node);
  return out;
}

std::string deparse_name(std::string_view name) {
  if (is_syntactic_name(name)) return std::string(name);
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  out += '`';
  return out;
}

}  // namespace weft::formula
