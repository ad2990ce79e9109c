#pragma once
// A DataFrame built from columns held in memory (the Python module), typed the way read_csv
// types the same data written as CSV, so a model sees the same cells either way.
//
// Numbers get the text R's as.character() gives them (factor levels are made from it):
// integer columns as plain digits (100000), other numbers with 15 significant digits
// (1e+05, 0.3). Text cells stay text even when they look like numbers ("1"): a column of
// strings is a factor, as a character column is in R. Row r is said to be on line r + 2, the
// line it has when the frame is written as CSV with a header (pandas' to_csv(index=False)).
#include "data/data_frame.hpp"

#include <optional>
#include <string>
#include <vector>

namespace weft::data {

// Numbers: NaN is a missing value (R's NA, pandas' NaN), +-infinity is Infinite, anything
// else a Number. `integer`: the column holds whole numbers (an integer dtype).
Column number_column(std::string name, const double* values, std::size_t n, bool integer);

// Text: an empty optional is a missing value; every other cell is Text.
Column text_column(std::string name, const std::vector<std::optional<std::string>>& cells);

// The frame of these columns. `source` names the data in messages ("data"). InputError
// "<source>: ..." for no columns, an empty column name, columns of different lengths, or fewer
// than `min_rows` rows (2 for fitting, as read_csv; 1 for new data).
DataFrame make_data_frame(std::string source, std::vector<Column> columns, std::size_t min_rows = 2);

}  // namespace weft::data
