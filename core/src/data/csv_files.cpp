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
    } else if (part.names() != table.names()) {
      throw InputError(display_names[f] + ": columns " + join(part.names()) + " differ from " + display_names[0] +
                       "'s " + join(table.names()) + " (every file of data: must have the same header)");
    }
    table.file_names.push_back(display_names[f]);
    table.file_first_row.push_back(table.rows());
    for (std::size_t k = 0; k < part.columns.size(); ++k) {
      Column& into = table.columns[k];
      Column& from = part.columns[k];
      for (std::size_t row = 0; row < from.text.size(); ++row) into.text.push_back(from.text[row]);
      into.number.insert(into.number.end(), from.number.begin(), from.number.end());
      into.kind.insert(into.kind.end(), from.kind.begin(), from.kind.end());
    }
    table.lines.insert(table.lines.end(), part.lines.begin(), part.lines.end());
  }
  if (table.rows() < minimum_rows)
    throw InputError(join(display_names) + ": the files of data: hold " + std::to_string(table.rows()) +
                     " data rows together; a mixed model needs at least " + std::to_string(minimum_rows));
  return table;
}

}  // namespace weft::data
