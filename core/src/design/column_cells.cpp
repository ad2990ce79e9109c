#include "design/column_cells.hpp"

#include "util/text.hpp"

#include <weft/errors.hpp>

#include <cmath>

namespace weft::design {

using data::CellKind;

std::string describe_cell(const data::Column& column, std::size_t row) {
  if (column.kind[row] == CellKind::Missing) return "a missing value (NA or empty; na_action: omit drops such rows)";
  return "'" + printable(column.text[row], 40) + "'";
}

std::string cell_location(const data::DataFrame& data, const data::Column& column, std::size_t row) {
  return data.where(row) + ", column '" + printable(column.name, 80) + "'";
}

std::vector<double> column_numbers(const data::DataFrame& data, const data::Column& column) {
  const std::size_t n = data.rows();
  std::vector<double> values(n);
  for (std::size_t r = 0; r < n; ++r) {
    if (column.kind[r] != CellKind::Number)
      throw InputError(cell_location(data, column, r) + ": expected a number, got " + describe_cell(column, r));
    values[r] = column.number[r];
  }
  return values;
}

bool has_text_cells(const data::Column& column) {
  for (CellKind k : column.kind)
    if (k == CellKind::Text) return true;
  return false;
}

bool is_integer_column(const data::Column& column) {
  for (std::size_t r = 0; r < column.size(); ++r) {
    if (column.kind[r] != CellKind::Number) continue;
    const std::string_view t = column.text[r];
    std::size_t i = (!t.empty() && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    if (i == t.size()) return false;
    for (; i < t.size(); ++i)
      if (t[i] < '0' || t[i] > '9') return false;
    if (std::fabs(column.number[r]) > 2147483647.0) return false;
  }
  return true;
}

}  // namespace weft::design
