#pragma once
// Reading the cells of one data column for the model, with errors that name the file, row,
// line and column: "data.csv: row 7 (line 8), column 'x': expected a number, got 'abc'".
// Missing cells are errors too: weft does not drop rows silently (lme4 would drop them).
#include "data/data_frame.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace weft::design {

// "'abc'", "a missing value (NA or empty)", ... for messages.
std::string describe_cell(const data::Column& column, std::size_t row);

// "data.csv: row 7 (line 8), column 'x'".
std::string cell_location(const data::DataFrame& data, const data::Column& column, std::size_t row);

// The column's numbers; any cell that is not a finite number is an InputError.
std::vector<double> column_numbers(const data::DataFrame& data, const data::Column& column);

// True when some cell is text that is not a number (R's read.csv would make it a factor).
// NaN, Inf and missing cells do not count: they belong to a numeric column.
bool has_text_cells(const data::Column& column);

// True when every number in the column is written as a whole number within R's integer range,
// so read.csv reads it as integer and as.character() writes 100000, not 1e+05.
bool is_integer_column(const data::Column& column);

}  // namespace weft::design
