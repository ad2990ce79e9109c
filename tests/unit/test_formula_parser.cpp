// The formula parser, deparser and R's term expansion (core/src/formula/).
#include <doctest/doctest.h>

#include "formula/deparse.hpp"
#include "formula/model_formula.hpp"
#include "formula/parser.hpp"
#include "formula/tokenizer.hpp"

#include <weft/errors.hpp>

#include <string>
#include <vector>

using namespace weft::formula;

namespace {

FormulaSource formula_source(const std::string& text) { return {"config.yaml: formula", text}; }

std::string deparsed(const std::string& expression) {
  return deparse(*parse_expression({"test", expression}));
}

// "int=1 [a] [b] [a:b] offsets=1" for compact comparisons.
std::string fixed_terms(const std::string& formula) {
  const ModelFormula m = analyse_model_formula(formula_source(formula));
  std::string out = "int=" + std::to_string(int(m.fixed.intercept));
  for (std::size_t t = 0; t < m.fixed.terms.size(); ++t) out += " [" + m.fixed.term_label(t) + "]";
  if (!m.fixed.offsets.empty()) {
    out += " offsets=";
    for (int v : m.fixed.offsets) out += m.fixed.variable_labels[std::size_t(v)] + ";";
  }
  return out;
}

// "(1+x | g) (0+f | h)" for the random part.
std::string random_terms(const std::string& formula) {
  const ModelFormula m = analyse_model_formula(formula_source(formula));
  std::string out;
  for (const auto& r : m.random) {
    if (!out.empty()) out += ' ';
    out += "(" + std::to_string(int(r.lhs.intercept));
    for (std::size_t t = 0; t < r.lhs.terms.size(); ++t) out += "+" + r.lhs.term_label(t);
    out += " | " + r.group.label + ")";
  }
  return out;
}

std::string error_of(const std::string& formula) {
  try {
    analyse_model_formula(formula_source(formula));
  } catch (const weft::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("tokenizer: names, numbers, operators") {
  const auto tokens = tokenize({"t", "y ~ `my var` + x.1_b + 2.5e-3 + 2L + a**2 || %in% .5"});
  std::vector<std::string> texts;
  for (const auto& t : tokens) texts.push_back(t.text);
  CHECK(texts == std::vector<std::string>{"y", "~", "my var", "+", "x.1_b", "+", "2.5e-3", "+", "2L", "+", "a", "^",
                                          "2", "||", "%in%", ".5", ""});
  CHECK(tokens[6].number == doctest::Approx(0.0025));
  CHECK(tokens[8].integer_literal);
  CHECK(tokens.back().kind == TokenKind::End);
  CHECK(is_syntactic_name("log_days"));
  CHECK(is_syntactic_name(".a"));
  CHECK_FALSE(is_syntactic_name("my var"));
  CHECK_FALSE(is_syntactic_name("2x"));
  CHECK_FALSE(is_syntactic_name("TRUE"));
  CHECK_FALSE(is_syntactic_name("_x"));
}

TEST_CASE("deparse: labels as R writes them") {
  CHECK(deparsed("factor( period )") == "factor(period)");
  CHECK(deparsed("log(x+1)") == "log(x + 1)");
  CHECK(deparsed("I(x ^ 2)") == "I(x^2)");
  CHECK(deparsed("x:z") == "x:z");
  CHECK(deparsed("a/b") == "a/b");
  CHECK(deparsed("a*b-c") == "a * b - c");
  CHECK(deparsed("(1|g)") == "(1 | g)");
  CHECK(deparsed("(x||g)") == "(x || g)");
  CHECK(deparsed("a%in%b") == "a %in% b");
  CHECK(deparsed("- x") == "-x");
  CHECK(deparsed("I(-x^2)") == "I(-x^2)");
  CHECK(deparsed("log((x))") == "log((x))");
  CHECK(deparsed("I(x * 0.00001)") == "I(x * 1e-05)");
  CHECK(deparsed("I(x + 100000)") == "I(x + 1e+05)");
  CHECK(deparsed("I(x + 123456)") == "I(x + 123456)");
  CHECK(deparsed("I(x + 2L)") == "I(x + 2L)");
  CHECK(deparsed("`my var`") == "`my var`");
  CHECK(deparsed("log(x, 2)") == "log(x, 2)");
  CHECK(deparsed("cbind(incidence,size-incidence)") == "cbind(incidence, size - incidence)");
  CHECK(deparsed("a**2") == "a^2");
}

TEST_CASE("parser: R's precedence") {
  // ^ is right-associative and binds tighter than unary minus; unary minus tighter than ':'.
  const auto power = parse_expression({"t", "a^b^c"});
  CHECK(power->is_binary("^"));
  CHECK(power->rhs().is_binary("^"));
  const auto neg = parse_expression({"t", "-a^2"});
  CHECK(neg->is_unary("-"));
  CHECK(neg->child(0).is_binary("^"));
  const auto colon = parse_expression({"t", "-a:b"});
  CHECK(colon->is_binary(":"));
  CHECK(colon->lhs().is_unary("-"));
  const auto mixed = parse_expression({"t", "a + b:c * d"});
  CHECK(mixed->is_binary("+"));
  CHECK(mixed->rhs().is_binary("*"));
  CHECK(mixed->rhs().lhs().is_binary(":"));
  const auto bar = parse_expression({"t", "1 + x | g"});
  CHECK(bar->is_binary("|"));
  CHECK(bar->lhs().is_binary("+"));
  const auto minus = parse_expression({"t", "a - b - c"});
  CHECK(minus->lhs().is_binary("-"));
  const auto paren = parse_expression({"t", "((a) + b)"});
  CHECK(paren->is(NodeKind::Paren));
  CHECK(paren->child(0).is_binary("+"));
  CHECK(paren->child(0).lhs().is(NodeKind::Paren));
}

TEST_CASE("formula: response and fixed terms") {
  const ModelFormula m = analyse_model_formula(formula_source("cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)"));
  CHECK(deparse(*m.response) == "cbind(incidence, size - incidence)");
  CHECK(fixed_terms("y ~ x") == "int=1 [x]");
  CHECK(fixed_terms("y ~ a*b") == "int=1 [a] [b] [a:b]");
  CHECK(fixed_terms("y ~ a*b - a") == "int=1 [b] [a:b]");
  CHECK(fixed_terms("y ~ (a+b+c)^2") == "int=1 [a] [b] [c] [a:b] [a:c] [b:c]");
  CHECK(fixed_terms("y ~ (a+b+c)^3") == "int=1 [a] [b] [c] [a:b] [a:c] [b:c] [a:b:c]");
  CHECK(fixed_terms("y ~ a/b") == "int=1 [a] [a:b]");
  CHECK(fixed_terms("y ~ (a+b)/c") == "int=1 [a] [b] [a:b:c]");
  CHECK(fixed_terms("y ~ a %in% b") == "int=1 [a:b]");
  CHECK(fixed_terms("y ~ b:a + a") == "int=1 [a] [b:a]");  // variable order: b first seen first
  CHECK(fixed_terms("y ~ a + b:a") == "int=1 [a] [a:b]");
  CHECK(fixed_terms("y ~ x:z + x") == "int=1 [x] [x:z]");
  CHECK(fixed_terms("y ~ 0 + f") == "int=0 [f]");
  CHECK(fixed_terms("y ~ f + 0") == "int=0 [f]");
  CHECK(fixed_terms("y ~ f - 1") == "int=0 [f]");
  CHECK(fixed_terms("y ~ -1 + f") == "int=0 [f]");
  CHECK(fixed_terms("y ~ 1 + f") == "int=1 [f]");
  CHECK(fixed_terms("y ~ 0 + f + 1") == "int=1 [f]");
  CHECK(fixed_terms("y ~ f - 0") == "int=1 [f]");
  CHECK(fixed_terms("y ~ 1") == "int=1");
  CHECK(fixed_terms("y ~ 0") == "int=0");
  CHECK(fixed_terms("y ~ x + offset(log(z))") == "int=1 [x] offsets=offset(log(z));");
  CHECK(fixed_terms("y ~ offset(log(z)) + offset(log(z)) + x") == "int=1 [x] offsets=offset(log(z));");
  CHECK(fixed_terms("y ~ factor(period) + I(x^2) + log(x + 1) + x:z") ==
        "int=1 [factor(period)] [I(x^2)] [log(x + 1)] [x:z]");
  CHECK(fixed_terms("y ~ log(x+1) + log(x + 1)") == "int=1 [log(x + 1)]");
  CHECK(fixed_terms("y ~ a:b:c + a:b + a") == "int=1 [a] [a:b] [a:b:c]");
  CHECK(fixed_terms("y ~ x^2") == "int=1 [x]");
  CHECK(fixed_terms("y ~ `my var` + x") == "int=1 [`my var`] [x]");
  CHECK(fixed_terms("y ~ (x) + ((z))") == "int=1 [x] [z]");
}

TEST_CASE("formula: a term repeated 200 times is one term") {
  std::string formula = "y ~ ";
  for (int i = 0; i < 200; ++i) formula += "factor(period) + ";
  formula += "x + (1 | herd)";
  CHECK(fixed_terms(formula) == "int=1 [factor(period)] [x]");
  CHECK(random_terms(formula) == "(1 | herd)");
}

TEST_CASE("formula: 20,000 nested parentheses parse to the same model") {
  const std::string open(20000, '('), close(20000, ')');
  CHECK(fixed_terms("y ~ " + open + "factor(period)" + close + " + x + (1 | herd)") == "int=1 [factor(period)] [x]");
  CHECK(random_terms("y ~ x + " + open + "1 | herd" + close) == "(1 | herd)");
  CHECK(fixed_terms("y ~ " + open + "a" + close + " * " + open + "b" + close) == "int=1 [a] [b] [a:b]");
  // Inside a function call the parentheses belong to the variable's label, as in R.
  const ModelFormula m = analyse_model_formula(formula_source("y ~ log(" + open + "x" + close + ")"));
  CHECK(m.fixed.variable_labels[0] == "log(" + open + "x" + close + ")");
  // Deep nesting of other kinds is a clean error, never a stack overflow.
  std::string minus;
  for (int i = 0; i < 20000; ++i) minus += "-(";
  minus += "x" + close;
  CHECK(error_of("y ~ I(" + minus + ")").find("nested too deeply") != std::string::npos);
  std::string calls;
  for (int i = 0; i < 20000; ++i) calls += "log(";
  calls += "x" + close;
  CHECK(error_of("y ~ " + calls).find("nested too deeply") != std::string::npos);
  // A sum is nested too: 3,000 terms are fine, more than kMaxNestingDepth are a clean error.
  std::string sum = "y ~ x";
  for (int i = 1; i < 3000; ++i) sum += " + x" + std::to_string(i % 7);
  CHECK(fixed_terms(sum) == "int=1 [x] [x1] [x2] [x3] [x4] [x5] [x6] [x0]");
  for (int i = 3000; i < kMaxNestingDepth + 10; ++i) sum += " + x";
  CHECK(error_of(sum).find("nested too deeply (more than 4000 levels") != std::string::npos);
  std::string unbalanced = "y ~ " + open + "x" + std::string(19999, ')');
  CHECK(error_of(unbalanced).find("unbalanced parenthesis") != std::string::npos);
}

TEST_CASE("formula: random-effect terms as lme4 expands them") {
  CHECK(random_terms("y ~ x + (1 | g)") == "(1 | g)");
  CHECK(random_terms("y ~ x + (1 + x | g)") == "(1+x | g)");
  CHECK(random_terms("y ~ x + (x | g)") == "(1+x | g)");
  CHECK(random_terms("y ~ (0 + x | g)") == "(0+x | g)");
  CHECK(random_terms("y ~ (x - 1 | g)") == "(0+x | g)");
  CHECK(random_terms("y ~ (1 + x + z || g)") == "(1 | g) (0+x | g) (0+z | g)");
  CHECK(random_terms("y ~ (x || g)") == "(1 | g) (0+x | g)");
  CHECK(random_terms("y ~ (0 + f || g)") == "(0+f | g)");
  CHECK(random_terms("y ~ (1 | g1/g2)") == "(1 | g2:g1) (1 | g1)");
  CHECK(random_terms("y ~ (1 | a/b/c)") == "(1 | c:(b:a)) (1 | b:a) (1 | a)");
  CHECK(random_terms("y ~ (x || a/b)") == "(1 | b:a) (1 | a) (0+x | b:a) (0+x | a)");
  CHECK(random_terms("y ~ (1 | g1:g2)") == "(1 | g1:g2)");
  CHECK(random_terms("y ~ (1 | g) + (1 | h) + x") == "(1 | g) (1 | h)");
  CHECK(random_terms("y ~ ((1 | g))") == "(1 | g)");
  CHECK(random_terms("y ~ (1 | factor(g))") == "(1 | factor(g))");
  // The fixed part is what is left, as lme4's nobars().
  CHECK(fixed_terms("y ~ (1 | g) + x - 1") == "int=0 [x]");
  CHECK(fixed_terms("y ~ (1 | g)") == "int=1");
  CHECK(fixed_terms("y ~ 0 + (1 | g)") == "int=0");
  const ModelFormula m = analyse_model_formula(formula_source("y ~ (1 | a:b)"));
  REQUIRE(m.random.size() == 1);
  CHECK(m.random[0].group.atoms.size() == 2);
  CHECK(m.random[0].group.atoms[0]->text == "a");
}

TEST_CASE("formula: errors name the problem and its position") {
  CHECK(error_of("y ~ (x + z") ==
        "config.yaml: formula: unbalanced parenthesis: '(' is never closed at position 5: y ~ >>>(x + z");
  CHECK(error_of("y ~ x + (1 | herd))") ==
        "config.yaml: formula: unexpected ')' (no matching '(') at position 19: y ~ x + (1 | herd)>>>)");
  CHECK(error_of("y ~ x +") == "config.yaml: formula: missing term after '+' at position 7: y ~ x >>>+");
  CHECK(error_of("y ~ x *").find("missing term after '*' at position 7") != std::string::npos);
  CHECK(error_of("y ~ x :").find("missing term after ':'") != std::string::npos);
  CHECK(error_of("y ~ x -").find("missing term after '-'") != std::string::npos);
  CHECK(error_of("") == "config.yaml: formula: empty formula (expected 'response ~ terms') at position 1: (empty)");
  CHECK(error_of("   ").find("empty formula") != std::string::npos);
  CHECK(error_of("x + z").find("no '~'") != std::string::npos);
  CHECK(error_of("y ~ x ~ 1") ==
        "config.yaml: formula: two '~' (a formula has one: 'response ~ terms') at position 7: y ~ x >>>~ 1");
  CHECK(error_of("y ~ x + (1 | )") ==
        "config.yaml: formula: empty grouping factor after '|' (expected (terms | group)) at position 12: "
        "y ~ x + (1 >>>| )");
  CHECK(error_of("y ~ x + @#$\x01") == "config.yaml: formula: unexpected character '@' at position 9: y ~ x + >>>@#$\\x01");
  CHECK(error_of("y ~ x + \x01") == "config.yaml: formula: control character \\x01 at position 9: y ~ x + >>>\\x01");
  CHECK(error_of("y ~ x + frobnicate(x)") ==
        "config.yaml: formula: unknown function 'frobnicate'; known functions: factor, as.factor, log, log2, log10, "
        "log1p, exp, sqrt, abs, I, scale, poly, offset, cbind at position 9: y ~ x + >>>frobnicate(x)");
  CHECK(error_of("y ~ facter(x)").find("unknown function 'facter' (did you mean 'factor'?)") != std::string::npos);
  CHECK(error_of("~ x").find("no response before '~'") != std::string::npos);
  CHECK(error_of("y ~").find("nothing after '~'") != std::string::npos);
  CHECK(error_of("y ~ x z").find("unexpected 'z' (missing operator before it?) at position 7") != std::string::npos);
  CHECK(error_of("y ~ ()").find("empty parentheses") != std::string::npos);
  CHECK(error_of("y ~ log()").find("log() takes 1 or 2 arguments, got 0") != std::string::npos);
  CHECK(error_of("y ~ factor(a, b)").find("factor() takes 1 argument, got 2") != std::string::npos);
  CHECK(error_of("y ~ log(x,)").find("missing argument to log()") != std::string::npos);
  CHECK(error_of("y ~ x + 1 | g").find("a random-effect term must be in parentheses") != std::string::npos);
  CHECK(error_of("y ~ x * (1 | g)").find("must be added to the formula with '+'") != std::string::npos);
  CHECK(error_of("y ~ x - (1 | g)").find("must be added to the formula with '+'") != std::string::npos);
  CHECK(error_of("y ~ (1 | g | h)").find("cannot contain another '|'") != std::string::npos);
  CHECK(error_of("y ~ (1 | g + h)").find("grouping factor 'g + h' must be a variable") != std::string::npos);
  CHECK(error_of("y ~ 2").find("invalid term '2'") != std::string::npos);
  CHECK(error_of("y ~ (a + b)^1").find("invalid power") != std::string::npos);
  CHECK(error_of("y ~ (a + b)^x").find("invalid power") != std::string::npos);
  CHECK(error_of("y ~ .").find("'.' (all other columns) is not supported") != std::string::npos);
  CHECK(error_of("y ~ cbind(a, b)").find("cbind() can only be the response") != std::string::npos);
  CHECK(error_of("y ~ `x").find("backquote is never closed") != std::string::npos);
  CHECK(error_of("y ~ x %o% z").find("operator %o% is not supported") != std::string::npos);
  CHECK(error_of("y ~ 1.2.3").find("malformed number at position 5") != std::string::npos);
  CHECK(error_of("y ~ x + \"z\"").find("unexpected character '\"'") != std::string::npos);
  CHECK(error_of("y ~ x + g\xff").find("invalid UTF-8 byte \\xFF") != std::string::npos);
  CHECK(error_of("y ~ (offset(x) | g)").find("offset() cannot be used inside a random-effect term") !=
        std::string::npos);
  // Positions count characters, not bytes.
  CHECK(error_of("größe ~ x +").find("at position 11") != std::string::npos);
  // A long formula is cut around the position, and the message stays one line.
  std::string long_formula = "y ~ x";
  for (int i = 0; i < 200; ++i) long_formula += " + x";
  long_formula += " +\n";
  const std::string message = error_of(long_formula);
  CHECK(message.find('\n') == std::string::npos);
  CHECK(message.size() < 300);
  CHECK(message.find("missing term after '+' at position 807") != std::string::npos);
}

TEST_CASE("one-sided formulas (zi)") {
  const ModelFormula zi = analyse_one_sided_formula({"config.yaml: zi", "~ spp + mined"}, "random effects in zi are not supported");
  CHECK(zi.fixed.terms.size() == 2);
  CHECK(zi.response == nullptr);
  auto error = [](const std::string& text) {
    try {
      analyse_one_sided_formula({"config.yaml: zi", text}, "random effects in zi are not supported");
    } catch (const weft::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("~ x + (1 | g)") ==
        "config.yaml: zi: random effects in zi are not supported at position 10: ~ x + (1 >>>| g)");
  CHECK(error("y ~ x").find("expected a one-sided formula") != std::string::npos);
  CHECK(error("~ x + offset(z)").find("offset() is not supported here") != std::string::npos);
  CHECK(error("x").find("config.yaml: zi: no '~'") != std::string::npos);
}

TEST_CASE("groups shorthand adds (1 | name)") {
  ModelFormula m = analyse_model_formula(formula_source("incidence / size ~ factor(period)"));
  add_group_intercept(m, "herd");
  add_group_intercept(m, "my group");
  REQUIRE(m.random.size() == 2);
  CHECK(m.random[0].group.label == "herd");
  CHECK(m.random[1].group.label == "`my group`");
  CHECK(m.random[1].lhs.intercept);
  CHECK(m.random[1].lhs.terms.empty());
}
