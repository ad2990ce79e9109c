#pragma once
// A data set as typed columns, read from CSV (csv_reader.cpp) or built in memory (Python).
//
// Every cell keeps its text (for factor levels) and, where it is a number, its value; the
// type a column has is decided where it is used: a covariate used as a number must be all
// numbers, a grouping factor may be anything. Error messages point at file, row and column.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace weft::data {

enum class CellKind : std::uint8_t {
  Number,      // a finite number
  Missing,     // empty or NA (R's missing value)
  Text,        // anything that is not a number
  NotANumber,  // NaN / nan
  Infinite,    // Inf / -Inf / inf, or a literal that overflows a double (1e400)
};

// The text of a column's cells, packed: one character buffer and each cell's end offset (a
// std::string per cell would take 32 bytes of memory for every cell, most of it never read,
// and that memory's first touch is most of the time a large CSV takes to read). Offsets are 4
// bytes while the column's text is under 4 GiB, 8 bytes from there on.
class CellTexts {
 public:
  CellTexts() = default;
  // (`narrow_limit`: where 8-byte offsets begin; tests lower it.)
  explicit CellTexts(std::size_t narrow_limit) : narrow_limit_(narrow_limit) {}
  std::string_view operator[](std::size_t row) const {
    const std::size_t begin = row == 0 ? 0 : end_of(row - 1);
    return {chars_.data() + begin, end_of(row) - begin};
  }
  std::size_t size() const { return wide_ends_.empty() ? ends_.size() : wide_ends_.size(); }
  bool empty() const { return size() == 0; }
  void reserve(std::size_t cells) { ends_.reserve(cells); }
  void reserve_chars(std::size_t chars) { chars_.reserve(chars); }
  void push_back(std::string_view text) {
    chars_.append(text);
    if (wide_ends_.empty() && chars_.size() <= narrow_limit_) {
      ends_.push_back(std::uint32_t(chars_.size()));
      return;
    }
    if (wide_ends_.empty()) {  // the first end past 4 GiB: every offset becomes 8 bytes
      wide_ends_.assign(ends_.begin(), ends_.end());
      ends_ = {};
    }
    wide_ends_.push_back(chars_.size());
  }
  void emplace_back(std::string_view text) { push_back(text); }

  friend bool operator==(const CellTexts& a, const CellTexts& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t r = 0; r < a.size(); ++r)
      if (a[r] != b[r]) return false;
    return true;
  }
  friend bool operator==(const CellTexts& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t r = 0; r < b.size(); ++r)
      if (a[r] != b[r]) return false;
    return true;
  }

 private:
  std::size_t end_of(std::size_t row) const { return wide_ends_.empty() ? ends_[row] : wide_ends_[row]; }
  std::size_t narrow_limit_ = 0xFFFFFFFFu;
  std::string chars_;
  std::vector<std::uint32_t> ends_;
  std::vector<std::uint64_t> wide_ends_;  // instead of ends_ once the text passes 4 GiB
};

struct Column {
  std::string name;
  CellTexts text;  // the cell as read: quotes removed, surrounding blanks trimmed
  std::vector<double> number;     // the value where kind == Number, NaN otherwise
  std::vector<CellKind> kind;
  // The levels in their declared order (a pandas Categorical: the first is the reference
  // level); empty for CSV data, whose text levels are sorted as R's factor() sorts them.
  std::vector<std::string> levels;

  std::size_t size() const { return kind.size(); }
  // True when every cell is a Number or Missing (R's read.csv would make it numeric).
  bool numeric() const;
};

class DataFrame {
 public:
  std::string source;                // the file as the user named it ("data.csv"), for messages
  std::vector<Column> columns;
  // The 1-based line in its file where each row as read starts, kept as the places where the
  // count jumps: row k starts on line `line + (k - row)` of the last jump at or before k. A file
  // without blank lines or line breaks inside quotes has one jump ({0, 2}); a line number per
  // row was a tenth of a large table's memory. Empty: rows have no lines (no messages say one).
  struct LineJump {
    std::size_t row, line;
  };
  std::vector<LineJump> line_jumps;
  // Records that row `row_as_read` (the last so far) starts on `line`.
  void note_line(std::size_t row_as_read, std::size_t line);
  // The line where a row as read starts (0 when line_jumps is empty).
  std::size_t line_of(std::size_t row_as_read) const;
  // Each row's 0-based row in the data as read, where rows were dropped (drop_rows); empty when
  // every row is there. Messages name the row as read.
  std::vector<std::size_t> source_rows;
  // A table read from several files (data: [part00.csv, part01.csv]): each file's name and the
  // row as read where it begins; messages about a row name its file. Empty for one file.
  std::vector<std::string> file_names;
  std::vector<std::size_t> file_first_row;
  // The file (index into file_names) a row as read comes from; 0 for a one-file table.
  std::size_t file_of(std::size_t row_as_read) const;

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  std::vector<std::string> names() const;
  // The column, or nullptr. A name that occurs twice in the header is an InputError here,
  // because the model could not say which one it meant.
  const Column* find(std::string_view name) const;
  // The column or an InputError: "data.csv: no column 'farm' (used as grouping factor in the
  // formula; did you mean 'herd'?)". `role` says how the model uses it.
  const Column& require(std::string_view name, std::string_view role) const;
  // "data.csv: row 7 (line 8)" for messages about one row.
  std::string where(std::size_t row) const;
  // The row as read (before drop_rows).
  std::size_t source_row(std::size_t row) const { return row < source_rows.size() ? source_rows[row] : row; }
};

// The frame without the rows in `dropped` (ascending, each < rows()); messages still name the
// rows and lines as read.
DataFrame drop_rows(const DataFrame& data, const std::vector<std::size_t>& dropped);

// True where a cell is a missing value for R's na.omit: empty, NA or NaN.
inline bool is_missing(CellKind kind) { return kind == CellKind::Missing || kind == CellKind::NotANumber; }

// Reads a CSV file: RFC 4180 quoting (quoted fields may hold separators, doubled quotes and
// line breaks), UTF-8 BOM, CRLF or LF, blank lines skipped (as R's read.csv), separator
// detected from the header line (',' else ';' else tab). Cells "", "NA" are Missing.
// Throws InputError naming the file (and line) for: a missing/unreadable file, a directory,
// an empty file, no data rows, fewer than `minimum_rows` data rows, a row with more or fewer
// fields than the header, an unterminated quote, binary content (NUL bytes). Empty header
// names are read (find() rejects a duplicated name when the model uses it).
// `minimum_rows`: 2 for fitting data (a mixed model needs more than one row), 1 for new data.
DataFrame read_csv(const std::filesystem::path& path, const std::string& display_name,
                   std::size_t minimum_rows = 2);

// Several CSV files read as one table (data: [part00.csv, part01.csv]): every file must have the
// same header as the first, else an InputError naming the file. One file is read_csv's table.
DataFrame read_csv_files(const std::vector<std::filesystem::path>& paths, const std::vector<std::string>& display_names,
                         std::size_t minimum_rows = 2);

// The checks on a table read from several files: InputError unless file `file`'s header `names`
// is `first_file`'s `first_names`; unless the files hold `minimum` rows together (`files`: their
// names as the message gives them).
void require_same_header(const std::string& file, const std::vector<std::string>& names, const std::string& first_file,
                         const std::vector<std::string>& first_names);
void require_table_rows(const std::string& files, std::size_t rows, std::size_t minimum);

// Parses one cell the way read_csv does (exposed for in-memory data and tests).
CellKind classify_cell(std::string_view text, double& value);

}  // namespace weft::data
