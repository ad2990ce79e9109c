// read_csv: parsed values, line numbers, and the one-line InputError for every bad CSV the
// fuzzer makes (../shared/parity/fuzz: csv_*, duplicate_header, cell_*, level_*, data_*).
#include "data/data_frame.hpp"

#include <weft/errors.hpp>

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using weft::data::CellKind;
using weft::data::Column;
using weft::data::DataFrame;
using weft::data::read_csv;
using TempDir = weft::testing::TempDir;


DataFrame read_bytes(std::string_view bytes) {
  const TempDir dir;
  return read_csv(dir.write("data.csv", bytes), "data.csv");
}

// The InputError message read_csv gives for these bytes (fails the test if there is none).
std::string error_for(std::string_view bytes) {
  try {
    read_bytes(bytes);
  } catch (const weft::InputError& e) {
    const std::string message = e.what();
    CHECK(message.rfind("data.csv: ", 0) == 0);
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  FAIL("no InputError for this CSV");
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const Column& column(const DataFrame& frame, const std::string& name) {
  const Column* found = frame.find(name);
  REQUIRE_MESSAGE(found, "no column " << name);
  return *found;
}

// Every column of `expected` has a column of the same name in `actual` with the same cells.
void check_same_cells(const DataFrame& expected, const DataFrame& actual) {
  REQUIRE(actual.rows() == expected.rows());
  for (const Column& want : expected.columns) {
    CAPTURE(want.name);
    const Column& got = column(actual, want.name);
    CHECK(got.text == want.text);
    CHECK(got.kind == want.kind);
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (std::isnan(want.number[i])) CHECK(std::isnan(got.number[i]));
      else CHECK(got.number[i] == want.number[i]);
    }
  }
}

// A small table rendered the ways the fuzzer renders its seeds.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  static std::string field(const std::string& value, bool quote) {
    if (!quote && value.find_first_of(",;\"\n\r\t") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }
  static std::string line(const std::vector<std::string>& cells, char sep, bool quote) {
    std::string out;
    for (std::size_t j = 0; j < cells.size(); ++j) out += (j ? std::string(1, sep) : "") + field(cells[j], quote);
    return out;
  }
  std::vector<std::string> lines(char sep = ',', bool quote_all = false) const {
    std::vector<std::string> out{line(header, sep, quote_all)};
    for (const auto& row : rows) out.push_back(line(row, sep, quote_all));
    return out;
  }
  std::string render(const char* eol = "\n", char sep = ',', bool quote_all = false) const {
    std::string out;
    for (const auto& l : lines(sep, quote_all)) out += l + eol;
    return out;
  }
  void add_column(const std::string& name, const std::vector<std::string>& values) {
    header.push_back(name);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].push_back(values[i % values.size()]);
  }
};

Table seed_table() {
  return {{"herd", "incidence", "size", "period", "site"},
          {{"1", "2", "14", "1", "north"},
           {"1", "3", "12", "2", "north"},
           {"2", "0", "5", "1", "south west"},
           {"2", "1", "18", "2", "south west"},
           {"3", "8", "22", "1", "east"},
           {"3", "-0.5e-3", "16", "2", "east"}}};
}

std::string joined(const std::vector<std::string>& lines, const char* eol = "\n") {
  std::string out;
  for (const auto& l : lines) out += l + eol;
  return out;
}

}  // namespace

namespace {
// The line where each row starts (DataFrame keeps them as jumps).
std::vector<std::size_t> lines_of(const DataFrame& frame) {
  std::vector<std::size_t> lines;
  for (std::size_t r = 0; r < frame.rows(); ++r) lines.push_back(frame.line_of(frame.source_row(r)));
  return lines;
}
}  // namespace

TEST_SUITE("csv_reader") {

TEST_CASE("CellTexts: 4-byte offsets, 8-byte ones once the text passes the limit") {
  weft::data::CellTexts narrow, switching(10);  // (4 GiB in use; 10 characters here)
  const std::vector<std::string> cells = {"abc", "", "defgh", "ij", "klmnop", "q", ""};
  for (const std::string& cell : cells) {
    narrow.push_back(cell);
    switching.push_back(cell);
  }
  CHECK(narrow == cells);
  CHECK(switching == cells);  // switched at "klmnop" (16 characters)
  CHECK(switching.size() == cells.size());
  CHECK(switching[4] == "klmnop");
  CHECK(switching == narrow);
}

TEST_CASE("reads names, texts, numbers, kinds and line numbers") {
  const DataFrame frame = read_bytes("y,x,g\n1,2.5,a\n0,-1e3,b\n4,.25,c\n");
  CHECK(frame.source == "data.csv");
  CHECK(frame.names() == std::vector<std::string>{"y", "x", "g"});
  CHECK(frame.rows() == 3);
  CHECK(lines_of(frame) == std::vector<std::size_t>{2, 3, 4});
  const Column& x = column(frame, "x");
  CHECK(x.text == std::vector<std::string>{"2.5", "-1e3", ".25"});
  CHECK(x.number == std::vector<double>{2.5, -1000.0, 0.25});
  CHECK(x.numeric());
  const Column& g = column(frame, "g");
  CHECK(g.text == std::vector<std::string>{"a", "b", "c"});
  CHECK(g.kind == std::vector<CellKind>(3, CellKind::Text));
  CHECK(std::isnan(g.number[0]));
  CHECK_FALSE(g.numeric());
  CHECK(frame.where(1) == "data.csv: row 2 (line 3)");
}

TEST_CASE("reads the cbpp data file from tests/data") {
  const fs::path file = fs::path(WEFT_TEST_DATA_DIR) / "csv" / "cbpp.csv";
  const DataFrame frame = read_csv(file, "cbpp.csv");
  CHECK(frame.names() == std::vector<std::string>{"herd", "incidence", "size", "period"});
  REQUIRE(frame.rows() == 56);
  CHECK(frame.line_of(0) == 2);
  CHECK(frame.line_of(frame.rows() - 1) == 57);
  CHECK(column(frame, "size").number[0] == 14);
  CHECK(column(frame, "incidence").number[55] == 0);
  CHECK(column(frame, "herd").text[55] == "15");
}

TEST_CASE("cell kinds: missing, NaN, infinite, overflow, huge numbers, text") {
  const std::string huge(10000, '9');
  const DataFrame frame =
      read_bytes("v\n1\nNA\n\"\"\nNaN\ninf\n-inf\n1e400\n" + huge + "\nabc\n1e-400\n");
  const Column& v = column(frame, "v");
  CHECK(v.kind == std::vector<CellKind>{CellKind::Number, CellKind::Missing, CellKind::Missing,
                                        CellKind::NotANumber, CellKind::Infinite,
                                        CellKind::Infinite, CellKind::Infinite,
                                        CellKind::Infinite, CellKind::Text, CellKind::Number});
  CHECK(v.text[7] == huge);
  CHECK(v.number[9] == 0.0);
  CHECK(lines_of(frame) == std::vector<std::size_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
}

TEST_CASE("RFC 4180 quoting: separators, doubled quotes and line breaks inside quotes") {
  const DataFrame frame = read_bytes(
      "id,note,y\n"
      "1,\"a, b\",10\n"
      "2,\"he said \"\"hi\"\", left\",11\n"
      "3,\"line1\nline2\nline3\",12\n"
      "4,\"\"\"\",13\n"
      "5,\"x\r\ny\",14\n");
  const Column& note = column(frame, "note");
  CHECK(note.text == std::vector<std::string>{"a, b", "he said \"hi\", left", "line1\nline2\nline3",
                                              "\"", "x\r\ny"});
  CHECK(column(frame, "y").number == std::vector<double>{10, 11, 12, 13, 14});
  // lines[row] is the line where the row starts; the quoted line breaks count as lines.
  CHECK(lines_of(frame) == std::vector<std::size_t>{2, 3, 4, 7, 8});
  CHECK(frame.where(4) == "data.csv: row 5 (line 8)");
}

TEST_CASE("quoted cells are classified like unquoted ones, as read.csv does") {
  const DataFrame frame = read_bytes("\"a\",\"b\"\n\"1\",\" 2.5 \"\n\"NA\",\"x\"\n");
  const Column& a = column(frame, "a");
  CHECK(a.kind == std::vector<CellKind>{CellKind::Number, CellKind::Missing});
  CHECK(a.number[0] == 1.0);
  const Column& b = column(frame, "b");
  CHECK(b.text[0] == " 2.5 ");  // a quoted cell's text is its content
  CHECK(b.kind[0] == CellKind::Number);
  CHECK(b.number[0] == 2.5);
}

TEST_CASE("unquoted cells are trimmed; empty cells are missing") {
  const DataFrame frame = read_bytes("a , b,c\n  1.5  ,\tx y\t,\n2,,\" q \"\n");
  CHECK(frame.names() == std::vector<std::string>{"a", "b", "c"});
  CHECK(column(frame, "a").text == std::vector<std::string>{"1.5", "2"});
  CHECK(column(frame, "a").number == std::vector<double>{1.5, 2});
  CHECK(column(frame, "b").text == std::vector<std::string>{"x y", ""});
  CHECK(column(frame, "b").kind == std::vector<CellKind>{CellKind::Text, CellKind::Missing});
  CHECK(column(frame, "c").text == std::vector<std::string>{"", " q "});
  CHECK(column(frame, "c").kind[0] == CellKind::Missing);
}

TEST_CASE("separator detection from the header line") {
  SUBCASE("semicolon, with decimal points and commas inside quotes") {
    const DataFrame frame = read_bytes("\"a,b\";c\n\"1,5\";2.5\n3;4\n");
    CHECK(frame.names() == std::vector<std::string>{"a,b", "c"});
    CHECK(column(frame, "c").number == std::vector<double>{2.5, 4});
    CHECK(column(frame, "a,b").text == std::vector<std::string>{"1,5", "3"});
  }
  SUBCASE("tab, where empty cells between tabs stay empty") {
    const DataFrame frame = read_bytes("a\tb\tc\n1\t\t3\n 4 \t5\t6\n");
    CHECK(column(frame, "b").kind == std::vector<CellKind>{CellKind::Missing, CellKind::Number});
    CHECK(column(frame, "a").text == std::vector<std::string>{"1", "4"});
    CHECK(column(frame, "c").number == std::vector<double>{3, 6});
  }
  SUBCASE("comma wins over semicolon and tab") {
    const DataFrame frame = read_bytes("a;x,b\tz\n1;2,3\n4,5\n");
    CHECK(frame.names() == std::vector<std::string>{"a;x", "b\tz"});
  }
  SUBCASE("a single column") {
    const DataFrame frame = read_bytes("y\n1\n2\n");
    CHECK(frame.names() == std::vector<std::string>{"y"});
    CHECK(column(frame, "y").number == std::vector<double>{1, 2});
  }
}

TEST_CASE("blank lines are skipped anywhere; line numbers still count them") {
  const DataFrame frame = read_bytes("\n\na,b\n\n1,2\n   \n3,4\n\n\n");
  CHECK(frame.rows() == 2);
  CHECK(lines_of(frame) == std::vector<std::size_t>{5, 7});
  CHECK(column(frame, "b").number == std::vector<double>{2, 4});
  SUBCASE("but a line of separators is a row of missing cells") {
    const DataFrame commas = read_bytes("a,b\n1,2\n,\n");
    CHECK(commas.rows() == 2);
    CHECK(column(commas, "a").kind[1] == CellKind::Missing);
  }
}

TEST_CASE("line endings: LF, CRLF, lone CR, no final newline") {
  const DataFrame lf = read_bytes("a,b\n1,x\n2,y\n");
  for (const char* bytes : {"a,b\r\n1,x\r\n2,y\r\n", "a,b\r1,x\r2,y\r", "a,b\n1,x\n2,y"}) {
    CAPTURE(bytes);
    const DataFrame other = read_bytes(bytes);
    check_same_cells(lf, other);
    CHECK(lines_of(other) == lines_of(lf));
  }
}

TEST_CASE("raw bytes are kept: invalid UTF-8, non-ASCII, JSON specials, 10,000 characters") {
  const std::string huge(10000, 'L');
  const std::string bad_utf8 = "bad\xff\xfelevel";
  const DataFrame frame = read_bytes("g,y\n" + bad_utf8 + ",1\n\"gr\xc3\xb6\xc3\x9f\x65\",2\n" +
                                     huge + ",3\n\"q\"\"\\\t\",4\n");
  CHECK(column(frame, "g").text ==
        std::vector<std::string>{bad_utf8, "gr\xc3\xb6\xc3\x9f" "e", huge, "q\"\\\t"});
  CHECK(column(frame, "g").kind == std::vector<CellKind>(4, CellKind::Text));
}

TEST_CASE("empty and duplicate header names are read; find() refuses an ambiguous name") {
  const DataFrame frame = read_bytes("\"\",y,y\n\"1\",5,6\n\"2\",7,8\n");
  CHECK(frame.names() == std::vector<std::string>{"", "y", "y"});
  CHECK_THROWS_WITH_AS(frame.find("y"),
                       "data.csv: column 'y' appears more than once in the header; rename one "
                       "of them",
                       weft::InputError);
  CHECK(frame.find("z") == nullptr);
}

TEST_CASE("a UTF-8 byte order mark is skipped") {
  const DataFrame frame = read_bytes("\xEF\xBB\xBF\"herd\",size\n1,2\n3,4\n");
  CHECK(frame.names() == std::vector<std::string>{"herd", "size"});
}

TEST_CASE("same data written another way reads the same (fuzz same_fit mutations)") {
  const Table table = seed_table();
  const DataFrame plain = read_bytes(table.render());
  REQUIRE(plain.rows() == 6);
  CHECK(column(plain, "incidence").number[5] == -0.0005);

  SUBCASE("csv_crlf") { check_same_cells(plain, read_bytes(table.render("\r\n"))); }
  SUBCASE("csv_bom") { check_same_cells(plain, read_bytes("\xEF\xBB\xBF" + table.render())); }
  SUBCASE("csv_trailing_blank_line") { check_same_cells(plain, read_bytes(table.render() + "\n")); }
  SUBCASE("csv_no_final_newline") {
    std::string text = table.render();
    text.pop_back();
    check_same_cells(plain, read_bytes(text));
  }
  SUBCASE("csv_blank_line_middle") {
    auto lines = table.lines();
    lines.insert(lines.begin() + 3, "");
    const DataFrame frame = read_bytes(joined(lines));
    check_same_cells(plain, frame);
    CHECK(lines_of(frame) == std::vector<std::size_t>{2, 3, 5, 6, 7, 8});
  }
  SUBCASE("csv_quote_all") { check_same_cells(plain, read_bytes(table.render("\n", ',', true))); }
  SUBCASE("csv_semicolon") { check_same_cells(plain, read_bytes(table.render("\n", ';'))); }
  SUBCASE("csv_tab_separated") { check_same_cells(plain, read_bytes(table.render("\n", '\t'))); }
  SUBCASE("csv_shuffle_columns") {
    Table shuffled{{"site", "size", "herd", "period", "incidence"}, {}};
    for (const auto& row : table.rows) shuffled.rows.push_back({row[4], row[2], row[0], row[3], row[1]});
    check_same_cells(plain, read_bytes(shuffled.render()));
  }
  SUBCASE("csv_quoted_commas and csv_embedded_newline: an unused quoted column") {
    Table noted = table;
    noted.add_column("note", {"a, b", "he said \"hi\", left", "\"", ",", "line1\nline2", "a\r\nb"});
    const DataFrame frame = read_bytes(noted.render("\n", ',', false));
    check_same_cells(plain, frame);
    CHECK(column(frame, "note").text[1] == "he said \"hi\", left");
    CHECK(lines_of(frame) == std::vector<std::size_t>{2, 3, 4, 5, 6, 8});
  }
  SUBCASE("csv_many_columns") {
    Table wide = table;
    for (int i = 0; i < 500; ++i) wide.add_column("extra_" + std::to_string(i), {std::to_string(i)});
    const DataFrame frame = read_bytes(wide.render());
    CHECK(frame.columns.size() == 505);
    check_same_cells(plain, frame);
  }
  SUBCASE("cell_whitespace_padded") {
    Table padded = table;
    for (auto& row : padded.rows) row[2] = " " + row[2] + " ";
    check_same_cells(plain, read_bytes(padded.render()));
  }
}

TEST_CASE("many rows are read in order with their line numbers") {
  std::string text = "i,x,g\n";
  constexpr int kRows = 100000;
  for (int i = 0; i < kRows; ++i) text += std::to_string(i) + "," + std::to_string(i * 0.5) + ",g" + std::to_string(i % 7) + "\n";
  const DataFrame frame = read_bytes(text);
  REQUIRE(frame.rows() == kRows);
  CHECK(column(frame, "i").number[kRows - 1] == kRows - 1);
  CHECK(column(frame, "x").number[12345] == 6172.5);
  CHECK(column(frame, "g").text[12345] == "g4");
  CHECK(frame.line_of(kRows - 1) == kRows + 1);
  CHECK(frame.line_jumps.size() == 1);  // one run of lines, not a number per row
}

TEST_CASE("files that cannot be read as CSV") {
  const TempDir dir;
  const auto error_reading = [](const fs::path& path, const std::string& name) {
    try {
      read_csv(path, name);
    } catch (const weft::InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  SUBCASE("data_missing_file names the file as written") {
    const std::string message = error_reading(dir.path() / "no_such_file.csv", "no_such_file.csv");
    CHECK(message.rfind("no_such_file.csv: no such file (looked for ", 0) == 0);
    CHECK(contains(message, "expected a CSV data file"));
  }
  SUBCASE("data_is_directory") {
    fs::create_directory(dir.path() / "datadir");
    CHECK(error_reading(dir.path() / "datadir", "datadir") ==
          "datadir: is a directory; expected a CSV data file");
  }
  SUBCASE("data_dev_null") {
    CHECK(error_reading("/dev/null", "/dev/null") ==
          "/dev/null: is empty; expected a header line and data rows");
  }
  SUBCASE("data_path_with_spaces reads fine") {
    const fs::path file = dir.write("my data (v2).csv", "a,b\n1,2\n3,4\n");
    CHECK(read_csv(file, "my data (v2).csv").source == "my data (v2).csv");
  }
}

TEST_CASE("bad CSV content is a one-line InputError naming the file and line (fuzz must_fail)") {
  const Table table = seed_table();
  SUBCASE("csv_empty_file") {
    CHECK(error_for("") == "data.csv: is empty; expected a header line and data rows");
    CHECK(error_for("\xEF\xBB\xBF") == "data.csv: is empty; expected a header line and data rows");
  }
  SUBCASE("only blank lines") {
    CHECK(error_for("\n \n\r\n") ==
          "data.csv: has only blank lines; expected a header line and data rows");
  }
  SUBCASE("csv_header_only") {
    CHECK(error_for("a,b\n") ==
          "data.csv: has a header line but no data rows; expected at least two rows");
    CHECK(error_for("a,b\n\n\n") ==
          "data.csv: has a header line but no data rows; expected at least two rows");
  }
  SUBCASE("csv_one_row") {
    CHECK(error_for("a,b\n\n1,2\n") ==
          "data.csv: has only one data row (line 3); a mixed model needs at least two rows");
  }
  SUBCASE("csv_ragged_long") {
    auto lines = table.lines();
    lines[3] += ",7";
    CHECK(error_for(joined(lines)) == "data.csv: line 4 has 6 fields, expected 5 like the header (line 1)");
  }
  SUBCASE("csv_ragged_short") {
    auto lines = table.lines();
    lines[5] = "3,8,22,1";
    CHECK(error_for(joined(lines)) == "data.csv: line 6 has 4 fields, expected 5 like the header (line 1)");
  }
  SUBCASE("ragged row after a quoted line break names the line where the row starts") {
    CHECK(error_for("a,b\n1,2\n\"x\ny\",2,3\n") ==
          "data.csv: line 3 has 3 fields, expected 2 like the header (line 1)");
  }
  SUBCASE("csv_unterminated_quote: a quote that never closes") {
    auto lines = table.lines();
    lines[4] = "\"" + lines[4];
    CHECK(error_for(joined(lines)) ==
          "data.csv: line 5: a quoted field opens here and is never closed; expected a closing '\"'");
  }
  SUBCASE("csv_unterminated_quote: a quoted field's closing quote removed") {
    auto lines = table.lines(',', true);
    lines[2] = "\"1,\"3\",\"12\",\"2\",\"north\"";  // "1 lost its closing quote
    const std::string message = error_for(joined(lines));
    CHECK(message == "data.csv: line 3: '3' follows the closing quote of a field; expected ',' or "
                     "the end of the line (unbalanced quotes?)");
  }
  SUBCASE("text after a closing quote on a later line names where the quote opened") {
    const std::string message = error_for("a,b\n1,2\n\"x\ny\"z,3\n");
    CHECK(message == "data.csv: line 4: 'z' follows the closing quote of a field (the quote "
                     "opened on line 3); expected ',' or the end of the line (unbalanced quotes?)");
  }
  SUBCASE("csv_binary_garbage: random bytes with NULs") {
    std::mt19937 rng(1);
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += char(rng() % 256);
    garbage += std::string(2, '\0');
    CHECK(contains(error_for(garbage), "data.csv: is not a text CSV file (control byte 0x"));
  }
  SUBCASE("a NUL byte in otherwise good text names its line") {
    CHECK(error_for(std::string("a,b\n1,2\n3,\0\n", 11)) ==
          "data.csv: is not a text CSV file (control byte 0x00 on line 3); expected comma-, "
          "semicolon- or tab-separated text");
  }
  SUBCASE("UTF-16") {
    CHECK(error_for(std::string("\xff\xfe" "a\0,\0b\0", 8)) ==
          "data.csv: is not a text CSV file (it is UTF-16 encoded; save it as UTF-8)");
  }
}

TEST_CASE("mangled CSVs give an InputError or a consistent frame, never anything else") {
  const std::string seed = seed_table().render("\n", ',', false) + "\"a\"\"b\",\"c,d\",\"e\nf\",\"\",x\n";
  const std::string alphabet = ",;\t\"\n\r x1.";
  const TempDir dir;
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string text = seed;
    const int edits = 1 + int(rng() % 5);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % (text.size() + 1);
      if (rng() % 3 == 0 && at < text.size()) text.erase(at, 1 + rng() % 4);
      else text.insert(at, 1, alphabet[rng() % alphabet.size()]);
    }
    CAPTURE(text);
    try {
      const DataFrame frame = read_csv(dir.write("data.csv", text), "data.csv");
      REQUIRE(frame.rows() >= 2);
      for (const Column& c : frame.columns) {
        REQUIRE(c.text.size() == frame.rows());
        REQUIRE(c.number.size() == frame.rows());
      }
      {
        const auto lines = lines_of(frame);
        REQUIRE(std::is_sorted(lines.begin(), lines.end()));
      }
    } catch (const weft::InputError& e) {
      const std::string message = e.what();
      REQUIRE(message.rfind("data.csv: ", 0) == 0);
      REQUIRE(message.find('\n') == std::string::npos);
    }
  }
}

}  // TEST_SUITE
