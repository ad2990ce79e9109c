#include "design/numeric_evaluation.hpp"

#include "design/column_cells.hpp"
#include "formula/deparse.hpp"
#include "formula/functions.hpp"
#include "formula/r_number.hpp"

#include <weft/errors.hpp>

#include <cmath>
#include <stdexcept>

namespace weft::design {

using formula::FunctionRole;
using formula::Node;
using formula::NodeKind;

void check_numeric_expression(const Node& node, const formula::FormulaSource& source) {
  switch (node.kind) {
    case NodeKind::Number:
    case NodeKind::Name: return;
    case NodeKind::Paren:
    case NodeKind::Unary: check_numeric_expression(node.child(0), source); return;
    case NodeKind::Binary: {
      const std::string& op = node.text;
      if (op != "+" && op != "-" && op != "*" && op != "/" && op != "^")
        formula::fail_at(source,
                         "'" + op + "' is a formula operator and cannot be used inside " + formula::deparse(node) +
                             "; only + - * / ^ are arithmetic",
                         node.operator_offset);
      check_numeric_expression(node.lhs(), source);
      check_numeric_expression(node.rhs(), source);
      return;
    }
    case NodeKind::Call: {
      const auto* function = formula::find_function(node.text);
      if (function->role == FunctionRole::Factor)
        formula::fail_at(source, node.text + "() makes a factor, which cannot be used as a number here",
                         node.begin);
      if (function->role == FunctionRole::Cbind)
        formula::fail_at(source, "cbind() can only be the response (left of '~')", node.begin);
      if (function->role == FunctionRole::Basis)
        formula::fail_at(source,
                         node.text + "() must be a term of its own (e.g. y ~ " + node.text +
                             "(x) + ...), not part of another expression or the response: only there are the "
                             "training data's constants applied to new data (R's makepredictcall)",
                         node.begin);
      for (const auto& arg : node.children) check_numeric_expression(*arg, source);
      return;
    }
  }
}

namespace {

class NumericEvaluator {
 public:
  NumericEvaluator(const data::DataFrame& data, std::string_view role) : data_(data), role_(role) {}

  std::vector<double> eval(const Node& node) {
    const std::size_t n = data_.rows();
    switch (node.kind) {
      case NodeKind::Number: return std::vector<double>(n, node.number);
      case NodeKind::Name: {
        const data::Column& column = data_.require(node.text, "used as " + std::string(role_));
        return column_numbers(data_, column);
      }
      case NodeKind::Paren: return eval(node.child(0));
      case NodeKind::Unary: {
        std::vector<double> v = eval(node.child(0));
        if (node.text == "-")
          for (double& x : v) x = -x;
        return v;
      }
      case NodeKind::Binary: {
        std::vector<double> a = eval(node.lhs());
        const std::vector<double> b = eval(node.rhs());
        const char op = node.text[0];
        for (std::size_t i = 0; i < n; ++i) {
          switch (op) {
            case '+': a[i] += b[i]; break;
            case '-': a[i] -= b[i]; break;
            case '*': a[i] *= b[i]; break;
            case '/': a[i] /= b[i]; break;
            default: a[i] = b[i] == 2.0 ? a[i] * a[i] : std::pow(a[i], b[i]); break;  // R_pow
          }
        }
        return a;
      }
      case NodeKind::Call: return call(node);
    }
    return {};
  }

 private:
  std::vector<double> call(const Node& node) {
    std::vector<double> v = eval(node.child(0));
    const std::string& f = node.text;
    if (f == "I" || f == "offset") return v;
    if (f == "log" && node.children.size() == 2) {
      // R's logbase: log10 and log2 for those bases, else log(x) / log(base).
      const std::vector<double> base = eval(node.child(1));
      for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = base[i] == 10.0 ? std::log10(v[i]) : base[i] == 2.0 ? std::log2(v[i]) : std::log(v[i]) / std::log(base[i]);
      return v;
    }
    double (*fn)(double) = nullptr;
    if (f == "log") fn = [](double x) { return std::log(x); };
    else if (f == "log2") fn = [](double x) { return std::log2(x); };
    else if (f == "log10") fn = [](double x) { return std::log10(x); };
    else if (f == "log1p") fn = [](double x) { return std::log1p(x); };
    else if (f == "exp") fn = [](double x) { return std::exp(x); };
    else if (f == "sqrt") fn = [](double x) { return std::sqrt(x); };
    else if (f == "abs") fn = [](double x) { return std::fabs(x); };
    else throw std::logic_error("function " + f + "() passed the parser but has no numeric evaluation");
    for (double& x : v) x = fn(x);
    return v;
  }

  const data::DataFrame& data_;
  std::string_view role_;
};

}  // namespace

std::vector<double> evaluate_numeric(const Node& node, const formula::FormulaSource& source,
                                     const data::DataFrame& data, std::string_view role) {
  check_numeric_expression(node, source);
  std::vector<double> values = NumericEvaluator(data, role).eval(node);
  for (std::size_t r = 0; r < values.size(); ++r)
    if (!std::isfinite(values[r]))
      throw InputError(data.where(r) + ": " + formula::deparse(node) + " (" + std::string(role) + ") is " +
                       formula::format_r_number(values[r]) + "; expected a finite number");
  return values;
}

}  // namespace weft::design
