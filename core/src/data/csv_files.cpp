// Several CSV files read as one table: the shards of `data: [part00.csv, part01.csv]`.
#include "data/data_frame.hpp"
#include "util/text.hpp"

#include <weft/errors.hpp>

namespace weft::data {

DataFrame read_csv_files(const std::vector<std::filesystem::path>& paths, const std::vector<std::string>& display_names,
                         std::size_t minimum_rows) {
  if (paths.size() == 1) return read_csv(paths[0], display_names[0], minimum_rows);
  DataFrame table;
  for (std::size_t f = 0; f < paths.size(); ++f) {
    DataFrame part = read_csv(paths[f], display_names[f], 1);
    if (f == 0) {
      table.source = display_names[0];
      for (const Column& c : part.columns) table.columns.push_back(Column{c.name, {}, {}, {}, c.levels});
    } else {
      require_same_header(display_names[f], part.names(), display_names[0], table.names());
    }
    table.file_names.push_back(display_names[f]);
    const std::size_t first_row = table.rows();
    table.file_first_row.push_back(first_row);
    for (const DataFrame::LineJump& jump : part.line_jumps) table.line_jumps.push_back({first_row + jump.row, jump.line});
    for (std::size_t k = 0; k < part.columns.size(); ++k) {
      Column& into = table.columns[k];
      Column& from = part.columns[k];
      for (std::size_t row = 0; row < from.text.size(); ++row) into.text.push_back(from.text[row]);
      into.number.insert(into.number.end(), from.number.begin(), from.number.end());
      into.kind.insert(into.kind.end(), from.kind.begin(), from.kind.end());
    }
  }
  require_table_rows(join(display_names), table.rows(), minimum_rows);
  return table;
}

void require_same_header(const std::string& file, const std::vector<std::string>& names, const std::string& first_file,
                         const std::vector<std::string>& first_names) {
  if (names != first_names)
    throw InputError(file + ": columns " + join(names) + " differ from " + first_file + "'s " + join(first_names) +
                     " (every file of data: must have the same header)");
}

void require_table_rows(const std::string& files, std::size_t rows, std::size_t minimum) {
  if (rows < minimum)
    throw InputError(files + ": the files of data: hold " + std::to_string(rows) +
                     " data rows together; a mixed model needs at least " + std::to_string(minimum));
}

}  // namespace weft::data
