#include "formula/parser.hpp"

#include "formula/functions.hpp"
#include "util/text.hpp"
#include "formula/tokenizer.hpp"

#include <weft/spelling.hpp>

#include <vector>

namespace weft::formula {

namespace {

constexpr int kBarPrecedence = 2;
constexpr int kUnaryPrecedence = 9;
constexpr int kPowerPrecedence = 10;

int binary_precedence(const std::string& op) {
  if (op == "|" || op == "||") return kBarPrecedence;
  if (op == "+" || op == "-") return 5;
  if (op == "*" || op == "/") return 6;
  if (op == "%in%") return 7;
  if (op == ":") return 8;
  if (op == "^") return kPowerPrecedence;
  return -1;
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::End: return "end of formula";
    case TokenKind::Tilde: return "'~'";
    default: return "'" + printable(t.text, 30) + "'";
  }
}

// Parses tokens[first, last); tokens[last] (a '~' or the End token) ends the segment.
class Parser {
 public:
  Parser(const FormulaSource& source, const std::vector<Token>& tokens, std::size_t first, std::size_t last)
      : source_(source), tokens_(tokens), pos_(first), last_(last) {}

  NodePtr whole_segment() {
    NodePtr node = expression(0);
    const Token& t = peek();
    if (t.kind == TokenKind::RightParen) fail_at(source_, "unexpected ')' (no matching '(')", t.begin);
    if (t.kind != TokenKind::End && t.kind != TokenKind::Tilde)
      fail_at(source_, "unexpected " + describe(t) + " (missing operator before it?)", t.begin);
    return node;
  }

 private:
  // Counts recursion so that nothing nests deeper than kMaxNestingDepth.
  struct DepthGuard {
    DepthGuard(Parser& p, std::size_t offset) : parser(p) {
      if (++parser.depth_ > kMaxNestingDepth) parser.too_deep(offset);
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  [[noreturn]] void too_deep(std::size_t offset) {
    fail_at(source_,
            "formula is nested too deeply (more than " + std::to_string(kMaxNestingDepth) +
                " levels of operators or function calls)",
            offset);
  }

  NodePtr checked(NodePtr node) {
    if (node->depth > kMaxNestingDepth) too_deep(node->begin);
    return node;
  }

  const Token& peek() const { return tokens_[pos_ < last_ ? pos_ : last_]; }
  bool at_end() const { return pos_ >= last_; }
  void advance() {
    if (pos_ < last_) ++pos_;
  }
  bool peek_is_operator(const char* op) const {
    const Token& t = peek();
    return !at_end() && t.kind == TokenKind::Operator && t.text == op;
  }
  bool can_start_expression() const {
    if (at_end()) return false;
    const Token& t = peek();
    return t.kind == TokenKind::Name || t.kind == TokenKind::Number || t.kind == TokenKind::LeftParen ||
           (t.kind == TokenKind::Operator && (t.text == "+" || t.text == "-"));
  }

  void require_operand_after(const Token& op) {
    if (can_start_expression()) return;
    if (op.text == "|" || op.text == "||")
      fail_at(source_, "empty grouping factor after '" + op.text + "' (expected (terms | group))", op.begin);
    fail_at(source_, "missing term after '" + op.text + "'", op.begin);
  }

  NodePtr expression(int min_precedence) {
    DepthGuard guard(*this, peek().begin);
    NodePtr lhs = unary();
    return binary_loop(std::move(lhs), min_precedence);
  }

  NodePtr binary_loop(NodePtr lhs, int min_precedence) {
    while (!at_end()) {
      const Token& t = peek();
      if (t.kind != TokenKind::Operator) break;
      const int precedence = binary_precedence(t.text);
      if (precedence < min_precedence) break;
      const Token op = t;
      advance();
      require_operand_after(op);
      // ^ is right-associative; everything else groups to the left.
      NodePtr rhs = expression(op.text == "^" ? precedence : precedence + 1);
      lhs = checked(make_binary(op.text, std::move(lhs), std::move(rhs), op.begin));
    }
    return lhs;
  }

  NodePtr unary() {
    if (peek_is_operator("-") || peek_is_operator("+")) {
      const Token op = peek();
      advance();
      DepthGuard guard(*this, op.begin);
      require_operand_after(op);
      // Only ^ binds tighter than unary minus: -x^2 is -(x^2), -a:b is (-a):b.
      NodePtr operand = expression(kUnaryPrecedence + 1);
      return checked(make_unary(op.text, std::move(operand), op.begin));
    }
    return primary();
  }

  NodePtr primary() {
    const Token& t = peek();
    if (at_end()) fail_at(source_, "missing term", t.begin);
    switch (t.kind) {
      case TokenKind::Number: {
        auto node = std::make_unique<Node>();
        node->kind = NodeKind::Number;
        node->text = t.text;
        node->number = t.number;
        node->integer_literal = t.integer_literal;
        node->begin = t.begin;
        node->end = t.end;
        node->operator_offset = t.begin;
        advance();
        return node;
      }
      case TokenKind::Name: {
        const Token name = t;
        advance();
        if (!at_end() && peek().kind == TokenKind::LeftParen) return call(name);
        auto node = make_name(name.text);
        node->begin = name.begin;
        node->end = name.end;
        node->operator_offset = name.begin;
        return node;
      }
      case TokenKind::LeftParen: return parenthesized();
      case TokenKind::RightParen: fail_at(source_, "unexpected ')'", t.begin);
      default: fail_at(source_, "unexpected " + describe(t), t.begin);
    }
  }

  // A run of '(' is read in one loop: after each ')' parsing continues at the enclosing
  // level with the parenthesised node as left operand, so ((x) + y) works and depth stays 1.
  NodePtr parenthesized() {
    std::vector<std::size_t> opens;
    while (!at_end() && peek().kind == TokenKind::LeftParen) {
      opens.push_back(peek().begin);
      advance();
    }
    if (!at_end() && peek().kind == TokenKind::RightParen) fail_at(source_, "empty parentheses", opens.back());
    NodePtr node = expression(0);
    for (std::size_t k = opens.size(); k-- > 0;) {
      const std::size_t close_end = expect_close(opens[k]);
      node = make_paren(std::move(node), opens[k], close_end);
      if (k > 0) node = binary_loop(std::move(node), 0);
    }
    return node;
  }

  // Consumes the ')' that closes the '(' at open_offset; returns the end of the ')'.
  std::size_t expect_close(std::size_t open_offset) {
    const Token& t = peek();
    if (!at_end() && t.kind == TokenKind::RightParen) {
      const std::size_t end = t.end;
      advance();
      return end;
    }
    if (at_end()) fail_at(source_, "unbalanced parenthesis: '(' is never closed", open_offset);
    fail_at(source_, "unexpected " + describe(t) + " (expected ')' or an operator)", t.begin);
  }

  NodePtr call(const Token& name) {
    const KnownFunction* function = find_function(name.text);
    if (!function)
      fail_at(source_,
              "unknown function '" + printable(name.text, 40) + "'" + did_you_mean(name.text, known_function_names()) +
                  "; known functions: " + known_function_list(),
              name.begin);
    const std::size_t open = peek().begin;
    advance();  // '('
    auto node = std::make_unique<Node>();
    node->kind = NodeKind::Call;
    node->text = name.text;
    node->begin = name.begin;
    node->operator_offset = name.begin;
    DepthGuard guard(*this, name.begin);
    if (!at_end() && peek().kind == TokenKind::RightParen) {
      node->end = peek().end;
      advance();
    } else {
      while (true) {
        if (!can_start_expression()) {
          if (at_end()) fail_at(source_, "unbalanced parenthesis: '(' is never closed", open);
          fail_at(source_, "missing argument to " + name.text + "()", peek().begin);
        }
        node->children.push_back(expression(0));
        if (!at_end() && peek().kind == TokenKind::Comma) {
          advance();
          continue;
        }
        node->end = expect_close(open);
        break;
      }
    }
    const int n = int(node->children.size());
    if (n < function->min_arguments || n > function->max_arguments) {
      std::string expected = std::to_string(function->min_arguments);
      if (function->max_arguments != function->min_arguments)
        expected += " or " + std::to_string(function->max_arguments);
      fail_at(source_,
              name.text + "() takes " + expected + " argument" + (function->max_arguments == 1 ? "" : "s") +
                  ", got " + std::to_string(n),
              name.begin);
    }
    int depth = 0;
    for (const auto& c : node->children) depth = std::max(depth, c->depth);
    node->depth = depth + 1;
    return checked(std::move(node));
  }

  const FormulaSource& source_;
  const std::vector<Token>& tokens_;
  std::size_t pos_;
  std::size_t last_;
  int depth_ = 0;
};

}  // namespace

ParsedFormula parse_formula(const FormulaSource& source) {
  const std::vector<Token> tokens = tokenize(source);
  const std::size_t end = tokens.size() - 1;  // index of the End token
  if (end == 0) fail_at(source, "empty formula (expected 'response ~ terms')", 0);
  std::vector<std::size_t> tildes;
  for (std::size_t i = 0; i < end; ++i)
    if (tokens[i].kind == TokenKind::Tilde) tildes.push_back(i);
  if (tildes.empty()) fail_at(source, "no '~' (a formula is 'response ~ terms')", 0);
  if (tildes.size() > 1)
    fail_at(source, "two '~' (a formula has one: 'response ~ terms')", tokens[tildes[1]].begin);
  const std::size_t tilde = tildes[0];
  ParsedFormula parsed;
  parsed.tilde_offset = tokens[tilde].begin;
  if (tilde > 0) parsed.lhs = Parser(source, tokens, 0, tilde).whole_segment();
  if (tilde + 1 == end) fail_at(source, "nothing after '~' (expected terms)", tokens[tilde].begin);
  parsed.rhs = Parser(source, tokens, tilde + 1, end).whole_segment();
  return parsed;
}

NodePtr parse_expression(const FormulaSource& source) {
  const std::vector<Token> tokens = tokenize(source);
  const std::size_t end = tokens.size() - 1;
  if (end == 0) fail_at(source, "empty expression", 0);
  for (std::size_t i = 0; i < end; ++i)
    if (tokens[i].kind == TokenKind::Tilde) fail_at(source, "unexpected '~'", tokens[i].begin);
  return Parser(source, tokens, 0, end).whole_segment();
}

}  // namespace weft::formula
