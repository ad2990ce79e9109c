#include "data/memory_frame.hpp"

#include "formula/r_number.hpp"

#include <weft/errors.hpp>

#include <cmath>
#include <limits>

namespace weft::data {

Column number_column(std::string name, const double* values, std::size_t n, bool integer) {
  Column column;
  column.name = std::move(name);
  column.text.reserve(n);
  column.number.reserve(n);
  column.kind.reserve(n);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t r = 0; r < n; ++r) {
    const double v = values[r];
    if (std::isnan(v)) {
      column.text.emplace_back("NA");
      column.number.push_back(nan);
      column.kind.push_back(CellKind::Missing);
    } else if (std::isinf(v)) {
      column.text.emplace_back(v > 0 ? "Inf" : "-Inf");
      column.number.push_back(nan);
      column.kind.push_back(CellKind::Infinite);
    } else {
      // Whole numbers of an integer column beyond 2^53 are still written as digits.
      const bool digits = integer && v == std::floor(v) && std::fabs(v) < 9.2e18;
      column.text.push_back(digits ? formula::format_r_integer(static_cast<long long>(v))
                                   : formula::format_r_number(v));
      column.number.push_back(v);
      column.kind.push_back(CellKind::Number);
    }
  }
  return column;
}

Column text_column(std::string name, const std::vector<std::optional<std::string>>& cells) {
  Column column;
  column.name = std::move(name);
  column.text.reserve(cells.size());
  column.number.assign(cells.size(), std::numeric_limits<double>::quiet_NaN());
  column.kind.reserve(cells.size());
  for (const auto& cell : cells) {
    column.text.push_back(cell.value_or("NA"));
    column.kind.push_back(cell ? CellKind::Text : CellKind::Missing);
  }
  return column;
}

DataFrame make_data_frame(std::string source, std::vector<Column> columns, std::size_t min_rows) {
  DataFrame frame;
  frame.source = std::move(source);
  if (columns.empty()) throw InputError(frame.source + ": has no columns; expected a column for each variable");
  const std::size_t n = columns.front().size();
  for (const Column& c : columns) {
    if (c.name.empty()) throw InputError(frame.source + ": a column has an empty name");
    if (c.size() != n)
      throw InputError(frame.source + ": column '" + c.name + "' has " + std::to_string(c.size()) +
                       " values, but column '" + columns.front().name + "' has " + std::to_string(n) +
                       "; all columns must have the same length");
  }
  if (n == 0) throw InputError(frame.source + ": has no rows; expected at least " +
                               std::string(min_rows >= 2 ? "two rows" : "one row"));
  if (n < min_rows) throw InputError(frame.source + ": has only one row; a mixed model needs at least two rows");
  frame.columns = std::move(columns);
  frame.line_jumps = {{0, 2}};  // as if written to a CSV file: row 1 on line 2
  return frame;
}

}  // namespace weft::data
