#include "design/factor_evaluation.hpp"

#include "design/column_cells.hpp"
#include "design/numeric_evaluation.hpp"
#include "distributed/shard_agreement.hpp"
#include "formula/r_number.hpp"

#include <weft/errors.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace weft::design {

using data::CellKind;
using formula::Node;
using formula::NodeKind;

const Node& factor_source(const Node& node) {
  const Node* n = &formula::strip_parens(node);
  while (n->is_call("factor") || n->is_call("as.factor")) n = &formula::strip_parens(n->child(0));
  return *n;
}

bool is_factor_expression(const Node& node, const data::DataFrame& data, const RowShards* shards) {
  const Node& n = formula::strip_parens(node);
  if (n.is_call("factor") || n.is_call("as.factor")) return true;
  if (!n.is(NodeKind::Name)) return false;
  const data::Column* column = data.find(n.text);
  // Text in any process's rows makes it a factor, as text in any row does in one table.
  return distributed::on_any_shard(shards, column && has_text_cells(*column));
}

void check_factor_expression(const Node& node, const formula::FormulaSource& source) {
  const Node& inner = factor_source(node);
  if (!inner.is(NodeKind::Name)) check_numeric_expression(inner, source);
}

namespace {

std::string level_label(double value, LevelSource source) {
  if (source == LevelSource::Integer && value == std::floor(value) && std::fabs(value) <= 2147483647.0)
    return formula::format_r_integer(static_cast<long long>(value));
  return formula::format_r_number(value);
}

// Each row's factor value reduced to distinct labels: `label[row_index[r]]` is row r's level.
struct RowLevels {
  LevelSource source = LevelSource::Text;
  const std::vector<std::string>* declared = nullptr;  // the column's declared level order, if any
  std::vector<std::string> label;  // text: first-seen order; numbers: ascending value
  std::vector<int> row_index;
  std::vector<double> numbers;     // numbers: the distinct values seen
};

// Text cells keyed by their text, once per column (no per-row allocation).
void add_text_rows(const data::Column& column, const std::vector<std::size_t>& rows, RowLevels& out) {
  std::unordered_map<std::string_view, int> index;
  index.reserve(64);
  for (std::size_t r : rows) {
    const std::string_view text = column.text[r];
    auto [it, inserted] = index.try_emplace(text, int(out.label.size()));
    if (inserted) out.label.emplace_back(text);
    out.row_index[r] = it->second;
  }
}

// Distinct numbers found with a hash (one lookup per row), then sorted; equal labels share a
// level, as R's factor() matches values on their as.character() text.
void add_number_rows(const std::vector<double>& values, const std::vector<std::size_t>& rows, RowLevels& out) {
  std::unordered_map<double, int> index;  // 0.0 and -0.0 are one key, as in R
  std::vector<double> distinct;
  for (std::size_t r : rows) {
    auto [it, inserted] = index.try_emplace(values[r], int(distinct.size()));
    if (inserted) distinct.push_back(values[r]);
    out.row_index[r] = it->second;
  }
  out.numbers.insert(out.numbers.end(), distinct.begin(), distinct.end());
  std::vector<int> order(distinct.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return distinct[std::size_t(a)] < distinct[std::size_t(b)]; });
  std::vector<int> level_of_distinct(distinct.size());
  const std::size_t first = out.label.size();
  for (int d : order) {
    std::string label = level_label(distinct[std::size_t(d)], out.source);
    if (out.label.size() > first && out.label.back() == label) {
      level_of_distinct[std::size_t(d)] = int(out.label.size()) - 1;
      continue;
    }
    level_of_distinct[std::size_t(d)] = int(out.label.size());
    out.label.push_back(std::move(label));
  }
  for (std::size_t r : rows) out.row_index[r] = level_of_distinct[std::size_t(out.row_index[r])];
}

// `forced`: the level source a fitted model used (new data), or none to decide from the data.
RowLevels read_rows(const Node& node, const formula::FormulaSource& source, const data::DataFrame& data,
                    const VariableSpec& spec, const LevelSource* forced, const RowShards* shards = nullptr) {
  const std::size_t n = data.rows();
  RowLevels out;
  out.row_index.assign(n, -1);
  const Node& inner = factor_source(node);
  if (!inner.is(NodeKind::Name)) {
    out.source = LevelSource::Double;
    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), std::size_t(0));
    add_number_rows(evaluate_numeric(inner, source, data, spec.role), all, out);
    return out;
  }
  const data::Column& column = data.require(inner.text, "used as " + spec.role);
  if (!column.levels.empty()) out.declared = &column.levels;
  // Learned over every process's rows: text anywhere makes every cell a text level, and the
  // labels are integers only where every number is.
  const bool text = forced ? *forced == LevelSource::Text : distributed::on_any_shard(shards, has_text_cells(column));
  out.source = forced ? *forced
               : text ? LevelSource::Text
               : distributed::on_every_shard(shards, is_integer_column(column)) ? LevelSource::Integer
                                                                                 : LevelSource::Double;
  std::vector<std::size_t> text_rows, number_rows;
  for (std::size_t r = 0; r < n; ++r) {
    const CellKind kind = column.kind[r];
    if (kind == CellKind::Missing)
      throw InputError(cell_location(data, column, r) + ": " + spec.label + " (" + spec.role + ") has " +
                       describe_cell(column, r));
    if (text || kind == CellKind::Text) {
      text_rows.push_back(r);
    } else if (kind == CellKind::Number) {
      number_rows.push_back(r);
    } else {  // NaN or Inf in a numeric column
      throw InputError(cell_location(data, column, r) + ": expected a number, got " + describe_cell(column, r));
    }
  }
  if (!number_rows.empty()) add_number_rows(column.number, number_rows, out);
  if (!text_rows.empty()) add_text_rows(column, text_rows, out);
  return out;
}

// The labels of every process's rows in place of this process's (the union; numbers ascending,
// text in first-seen order), row_index mapped to them: each level then has one index on every
// process, including a level seen on one process only.
void use_levels_of_every_shard(RowLevels& rows, const RowShards* shards) {
  if (!shards) return;
  RowLevels all;
  all.source = rows.source;
  if (rows.source == LevelSource::Text) {
    std::unordered_set<std::string> seen;
    for (std::string& label : distributed::texts_of_every_shard(shards, rows.label))
      if (seen.insert(label).second) all.label.push_back(std::move(label));
  } else {
    const std::vector<double> numbers = distributed::numbers_of_every_shard(shards, rows.numbers);
    std::vector<std::size_t> each(numbers.size());
    std::iota(each.begin(), each.end(), std::size_t(0));
    all.row_index.assign(numbers.size(), -1);
    add_number_rows(numbers, each, all);
  }
  std::unordered_map<std::string_view, int> index;
  for (std::size_t l = 0; l < all.label.size(); ++l) index.emplace(all.label[l], int(l));
  std::vector<int> global(rows.label.size());
  for (std::size_t l = 0; l < rows.label.size(); ++l) global[l] = index.at(rows.label[l]);
  for (int& r : rows.row_index) r = global[std::size_t(r)];
  rows.label = std::move(all.label);
}

}  // namespace

std::vector<int> learn_factor(const Node& node, const formula::FormulaSource& source, const data::DataFrame& data,
                              VariableSpec& spec, const RowShards* shards) {
  RowLevels rows = read_rows(node, source, data, spec, nullptr, shards);
  use_levels_of_every_shard(rows, shards);
  // Numbers came out ascending; text is put in byte order (std::string compares bytes as unsigned).
  std::vector<int> order(rows.label.size());
  std::iota(order.begin(), order.end(), 0);
  if (rows.source == LevelSource::Text && rows.declared) {
    // A declared order (pandas Categorical): its first level that occurs is the reference.
    std::unordered_map<std::string_view, std::size_t> rank_of;
    for (std::size_t i = 0; i < rows.declared->size(); ++i) rank_of.emplace((*rows.declared)[i], i);
    const auto rank = [&](int a) {
      const auto it = rank_of.find(rows.label[std::size_t(a)]);
      return it == rank_of.end() ? rows.declared->size() : it->second;
    };
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      const std::size_t ra = rank(a), rb = rank(b);
      return ra != rb ? ra < rb : rows.label[std::size_t(a)] < rows.label[std::size_t(b)];
    });
  } else if (rows.source == LevelSource::Text) {
    std::sort(order.begin(), order.end(), [&](int a, int b) { return rows.label[std::size_t(a)] < rows.label[std::size_t(b)]; });
  }
  std::vector<int> rank(order.size());
  spec.levels.clear();
  spec.levels.reserve(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    rank[std::size_t(order[i])] = int(i);
    spec.levels.push_back(std::move(rows.label[std::size_t(order[i])]));
  }
  spec.kind = VariableKind::Factor;
  spec.level_source = rows.source;
  std::vector<int> codes(rows.row_index.size());
  for (std::size_t r = 0; r < codes.size(); ++r) codes[r] = rank[std::size_t(rows.row_index[r])];
  return codes;
}

std::vector<int> code_factor(const Node& node, const formula::FormulaSource& source, const data::DataFrame& data,
                             const VariableSpec& spec) {
  const RowLevels rows = read_rows(node, source, data, spec, &spec.level_source);
  std::unordered_map<std::string_view, int> known;
  known.reserve(spec.levels.size());
  for (std::size_t i = 0; i < spec.levels.size(); ++i) known.emplace(spec.levels[i], int(i));
  std::vector<int> level_of_label(rows.label.size(), -1);
  for (std::size_t i = 0; i < rows.label.size(); ++i) {
    const auto it = known.find(rows.label[i]);
    if (it != known.end()) level_of_label[i] = it->second;
  }
  std::vector<int> codes(rows.row_index.size());
  for (std::size_t r = 0; r < codes.size(); ++r) codes[r] = level_of_label[std::size_t(rows.row_index[r])];
  return codes;
}

}  // namespace weft::design
