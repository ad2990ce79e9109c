#include "design/response.hpp"

#include "design/column_cells.hpp"
#include "design/factor_evaluation.hpp"
#include "design/numeric_evaluation.hpp"
#include "distributed/shard_agreement.hpp"
#include "formula/deparse.hpp"
#include "formula/r_number.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cmath>
#include <weft/errors.hpp>

namespace weft::design {

using formula::Node;

namespace {

constexpr const char* kRole = "response in the formula";

enum class ResponseForm { Plain, Cbind, Proportion };

ResponseForm form_of(const Node& lhs) {
  const Node& n = formula::strip_parens(lhs);
  if (n.is_call("cbind")) return ResponseForm::Cbind;
  if (n.is_binary("/")) return ResponseForm::Proportion;
  return ResponseForm::Plain;
}

std::string number(double v) { return formula::format_r_number(v); }

Vector prior_weights(const data::DataFrame& data, const std::optional<std::string>& weights_column) {
  const Index n = Index(data.rows());
  if (!weights_column) return Vector::Ones(n);
  const data::Column& column = data.require(*weights_column, "used as weights");
  const std::vector<double> values = column_numbers(data, column);
  // One check for every family (a family plugin never sees an unusable prior weight).
  for (std::size_t r = 0; r < values.size(); ++r)
    if (!(values[r] >= 0) || !std::isfinite(values[r]))
      throw InputError(cell_location(data, column, r) + ": weights must be finite non-negative numbers, got " +
                       number(values[r]));
  return Eigen::Map<const Vector>(values.data(), n);
}

}  // namespace

void check_response_form(const Node& lhs, const formula::FormulaSource& source, ResponseKind kind) {
  const ResponseForm form = form_of(lhs);
  const Node& n = formula::strip_parens(lhs);
  const bool binomial = kind == ResponseKind::Binomial;
  if (form == ResponseForm::Cbind) {
    if (!binomial)
      formula::fail_at(source, "a cbind(successes, failures) response is only for the binomial family", n.begin);
    check_numeric_expression(n.child(0), source);
    check_numeric_expression(n.child(1), source);
  } else if (form == ResponseForm::Proportion) {
    if (!binomial)
      formula::fail_at(source, "a proportion response (successes / trials) is only for the binomial family",
                       n.operator_offset);
    check_numeric_expression(n.lhs(), source);
    check_numeric_expression(n.rhs(), source);
  } else if (kind == ResponseKind::Levels) {
    check_factor_expression(lhs, source);
  } else {
    check_numeric_expression(lhs, source);
  }
}

Response evaluate_response(const Node& lhs, const formula::FormulaSource& source, const data::DataFrame& data,
                           const std::optional<std::string>& weights_column) {
  const Index n = Index(data.rows());
  const std::string label = formula::deparse(lhs);
  const Node& inner = formula::strip_parens(lhs);
  Response out;
  switch (form_of(lhs)) {
    case ResponseForm::Plain: {
      const std::vector<double> y = evaluate_numeric(lhs, source, data, kRole);
      out.y = Eigen::Map<const Vector>(y.data(), n);
      out.weights = prior_weights(data, weights_column);
      return out;
    }
    case ResponseForm::Cbind: {
      const std::vector<double> s = evaluate_numeric(inner.child(0), source, data, kRole);
      const std::vector<double> f = evaluate_numeric(inner.child(1), source, data, kRole);
      // cbind(s, n - s): a negative failure count means successes exceed trials.
      const Node& failures = formula::strip_parens(inner.child(1));
      const bool trials_minus_successes =
          failures.is_binary("-") && formula::deparse(failures.rhs()) == formula::deparse(inner.child(0));
      const Vector prior = prior_weights(data, weights_column);
      out.y.resize(n);
      out.weights.resize(n);
      for (Index r = 0; r < n; ++r) {
        const double sr = s[std::size_t(r)], fr = f[std::size_t(r)];
        const std::string where = data.where(std::size_t(r)) + ": response " + label + ": ";
        if (sr < 0) throw InputError(where + "successes are negative (" + number(sr) + ")");
        if (fr < 0) {
          if (trials_minus_successes)
            throw InputError(where + "successes (" + number(sr) + ") exceed trials (" + number(sr + fr) + ")");
          throw InputError(where + "failures are negative (" + number(fr) + ")");
        }
        const double trials = sr + fr;
        out.y(r) = trials == 0 ? 0.0 : sr / trials;  // R's binomial()$initialize
        out.weights(r) = prior(r) * trials;
      }
      return out;
    }
    case ResponseForm::Proportion: {
      const std::vector<double> s = evaluate_numeric(inner.lhs(), source, data, kRole);
      const std::vector<double> t = evaluate_numeric(inner.rhs(), source, data, kRole);
      out.y.resize(n);
      out.weights.resize(n);
      for (Index r = 0; r < n; ++r) {
        const double sr = s[std::size_t(r)], tr = t[std::size_t(r)];
        const std::string where = data.where(std::size_t(r)) + ": response " + label + ": ";
        if (tr <= 0) throw InputError(where + "trials must be positive, got " + number(tr));
        if (sr < 0) throw InputError(where + "successes are negative (" + number(sr) + ")");
        if (sr > tr) throw InputError(where + "successes (" + number(sr) + ") exceed trials (" + number(tr) + ")");
        out.y(r) = sr / tr;
        out.weights(r) = tr;
      }
      if (weights_column) out.weights = prior_weights(data, weights_column);
      return out;
    }
  }
  return out;
}

Response evaluate_level_response(const Node& lhs, const formula::FormulaSource& source, const data::DataFrame& data,
                                 const std::optional<std::string>& weights_column, const LevelOrder& order,
                                 const RowShards* shards) {
  const std::string label = formula::deparse(lhs);
  VariableSpec spec;
  spec.label = label;
  spec.expression = label;
  spec.role = kRole;
  const std::vector<int> codes = learn_factor(lhs, source, data, spec, shards);  // R's factor(): sorted levels
  const std::size_t learned = spec.levels.size();
  // rank[l]: the position of learned level l in the order.
  std::vector<std::size_t> rank(learned);
  if (order.given) {
    const std::vector<std::string>& given = *order.given;
    for (std::size_t i = 0; i < given.size(); ++i)
      if (std::find(given.begin(), given.begin() + std::ptrdiff_t(i), given[i]) != given.begin() + std::ptrdiff_t(i))
        throw InputError(order.levels_key + ": '" + printable(given[i], 60) + "' appears twice; list each level once");
    for (std::size_t l = 0; l < learned; ++l) {
      const auto it = std::find(given.begin(), given.end(), spec.levels[l]);
      if (it == given.end()) {
        // Named by the process that holds a row of it (mpirun: the others meet its failure at
        // the next exchange).
        const std::size_t row = std::size_t(std::find(codes.begin(), codes.end(), int(l)) - codes.begin());
        if (row == codes.size()) continue;
        throw InputError(data.where(row) + ": response " + label + ": '" + printable(spec.levels[l], 60) +
                         "' is not one of the levels in " + order.levels_key + " (" + printable(join(given), 200) + ")");
      }
      rank[l] = std::size_t(it - given.begin());
    }
  } else if (spec.level_source == LevelSource::Text) {
    throw InputError(data.source + ": response " + label + ": text values (" + printable(join(spec.levels), 120) +
                     ") have no order; give it in the family map, e.g. family: {name: " + order.family_name +
                     ", levels: [" + printable(join(spec.levels), 120) +
                     "]} (in Python: an ordered pandas Categorical, or clmm(levels=[...]))");
  } else {
    for (std::size_t l = 0; l < learned; ++l) rank[l] = l;  // numbers: numeric order
  }
  // Every learned level occurs; the order decides their indices (unused given levels drop out).
  std::vector<std::size_t> by_rank(learned);
  for (std::size_t l = 0; l < learned; ++l) by_rank[l] = l;
  std::sort(by_rank.begin(), by_rank.end(), [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
  std::vector<int> index_of(learned);
  Response out;
  for (std::size_t i = 0; i < learned; ++i) {
    index_of[by_rank[i]] = int(i);
    out.levels.names.push_back(spec.levels[by_rank[i]]);
  }
  if (learned < 2)
    throw InputError(data.source + ": response " + label + " has a single level ('" +
                     printable(learned ? spec.levels[0] : "", 60) + "'); a response with levels needs at least two");
  const Index n = Index(data.rows());
  out.weights = prior_weights(data, weights_column);
  out.y.resize(n);
  out.levels.weights.assign(learned, 0.0);
  for (Index r = 0; r < n; ++r) {
    const int k = index_of[std::size_t(codes[std::size_t(r)])];
    out.y(r) = double(k);
    out.levels.weights[std::size_t(k)] += out.weights(r);
  }
  distributed::summed_over_processes(shards, out.levels.weights);
  return out;
}

Vector offset_column_values(const data::DataFrame& data, const std::string& column_name) {
  const data::Column& column = data.require(column_name, "used as offset");
  const std::vector<double> values = column_numbers(data, column);
  return Eigen::Map<const Vector>(values.data(), Index(values.size()));
}

}  // namespace weft::design
