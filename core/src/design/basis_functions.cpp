#include "design/basis_functions.hpp"

#include "design/numeric_evaluation.hpp"
#include "distributed/shard_agreement.hpp"
#include "formula/deparse.hpp"

#include <weft/errors.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace weft::design {

using formula::Node;
using formula::NodeKind;

namespace {

constexpr int kMaxDegree = 20;

int poly_degree(const Node& call) { return int(formula::strip_parens(call.child(1)).number); }

// The columns of R's predict.poly: Z_0 = 1, Z_1 = x - alpha_0,
// Z_{j+1} = (x - alpha_j) Z_j - (norm2_{j+1} / norm2_j) Z_{j-1} (norm2 = (1, n, |Z_1|^2, ...)),
// each divided by sqrt(|Z_j|^2). With learn, alpha_j = sum x Z_j^2 / |Z_j|^2 and the norms are
// computed on the way: the discretised Stieltjes procedure, whose columns are those of R's
// poly() (the QR of the centred powers), leading coefficients positive.
std::vector<double> poly_columns(const std::vector<double>& x, int degree, BasisCoefficients& c, bool learn,
                                 const RowShards* shards) {
  const std::size_t n = x.size();
  if (learn) {
    c.alpha.assign(std::size_t(degree), 0.0);
    c.norm2.assign(std::size_t(degree) + 2, 0.0);
    c.norm2[0] = 1.0;
    c.norm2[1] = distributed::summed_over_processes(shards, double(n));
  }
  std::vector<double> out(n * std::size_t(degree));
  std::vector<double> previous(n, 0.0), current(n, 1.0), next(n);
  for (int j = 0; j < degree; ++j) {
    if (learn) {
      double num = 0;
      for (std::size_t i = 0; i < n; ++i) num += x[i] * current[i] * current[i];
      c.alpha[std::size_t(j)] = distributed::summed_over_processes(shards, num) / c.norm2[std::size_t(j) + 1];
    }
    const double ratio = j == 0 ? 0.0 : c.norm2[std::size_t(j) + 1] / c.norm2[std::size_t(j)];
    for (std::size_t i = 0; i < n; ++i) next[i] = (x[i] - c.alpha[std::size_t(j)]) * current[i] - ratio * previous[i];
    if (learn) {
      double sum = 0;
      for (double v : next) sum += v * v;
      c.norm2[std::size_t(j) + 2] = distributed::summed_over_processes(shards, sum);
    }
    const double norm = std::sqrt(c.norm2[std::size_t(j) + 2]);
    for (std::size_t i = 0; i < n; ++i) out[std::size_t(j) * n + i] = next[i] / norm;
    previous.swap(current);
    current.swap(next);
  }
  return out;
}

}  // namespace

bool is_basis_call(const Node& node) {
  const Node& n = formula::strip_parens(node);
  return n.is_call("scale") || n.is_call("poly");
}

void check_basis_expression(const Node& node, const formula::FormulaSource& source) {
  const Node& call = formula::strip_parens(node);
  check_numeric_expression(call.child(0), source);
  if (call.text != "poly") return;
  const Node& degree = formula::strip_parens(call.child(1));
  if (!degree.is(NodeKind::Number) || degree.number != std::floor(degree.number) || degree.number < 1 ||
      degree.number > kMaxDegree)
    formula::fail_at(source,
                     "poly(x, k): the degree k must be a whole number from 1 to " + std::to_string(kMaxDegree) +
                         ", got '" + formula::deparse(degree) + "' (raw = TRUE and named arguments are not supported)",
                     degree.begin);
}

std::vector<double> evaluate_basis(const Node& node, const formula::FormulaSource& source, const data::DataFrame& data,
                                   VariableSpec& spec, bool learn, const RowShards* shards) {
  check_basis_expression(node, source);
  const Node& call = formula::strip_parens(node);
  const std::vector<double> x = evaluate_numeric(call.child(0), source, data, spec.role);
  const std::size_t n = x.size();
  BasisCoefficients& c = spec.basis;
  if (learn) {
    c = BasisCoefficients{};
    c.function = call.text;
  } else if (c.function != call.text) {
    throw InputError("model description: variable " + spec.label + ": its " + call.text +
                     "() constants are missing (the result document was changed)");
  }
  if (call.text == "scale") {
    spec.column_suffixes.clear();
    if (learn) {
      const double rows = distributed::summed_over_processes(shards, double(n));
      const double mean = distributed::summed_over_processes(shards, std::accumulate(x.begin(), x.end(), 0.0)) / rows;
      double ss = 0;
      for (double v : x) ss += (v - mean) * (v - mean);
      ss = distributed::summed_over_processes(shards, ss);
      c.center = mean;
      c.scale = rows > 1 ? std::sqrt(ss / (rows - 1)) : 0.0;
      if (!(c.scale > 0) || !std::isfinite(c.scale))
        throw InputError(data.source + ": " + spec.label + " (" + spec.role + "): " + formula::deparse(call.child(0)) +
                         " has the same value in every row, so it cannot be scaled (its SD is 0)");
    }
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = (x[i] - c.center) / c.scale;
    return out;
  }
  const int degree = poly_degree(call);
  if (learn) {
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (shards) {  // over every process: degree + 1 distinct values from each are enough to decide
      sorted.resize(std::min(sorted.size(), std::size_t(degree) + 1));
      sorted = distributed::union_of_every_shard(shards, sorted);
    }
    const std::size_t distinct = sorted.size();
    if (std::size_t(degree) >= distinct)
      throw InputError(data.source + ": " + spec.label + " (" + spec.role + "): the degree " + std::to_string(degree) +
                       " must be less than the number of distinct values of " + formula::deparse(call.child(0)) +
                       " (" + std::to_string(distinct) + "), as in R");
  } else if (c.alpha.size() != std::size_t(degree) || c.norm2.size() != std::size_t(degree) + 2) {
    throw InputError("model description: variable " + spec.label + ": poly() needs " + std::to_string(degree) +
                     " alpha and " + std::to_string(degree + 2) + " norm2 values");
  }
  spec.column_suffixes.clear();
  for (int j = 1; j <= degree; ++j) spec.column_suffixes.push_back(std::to_string(j));
  return poly_columns(x, degree, c, learn, shards);
}

}  // namespace weft::design
