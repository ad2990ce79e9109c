// read_csv: the whole file is mapped into memory (or read, where it cannot be mapped) and parsed
// in one pass; cells are views into those bytes (quoted cells are unescaped in place, in the
// mapping's private copy of the page) until they are copied into the columns.
#include "data/data_frame.hpp"

#include <weft/errors.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <system_error>

#include <sys/mman.h>
#include <sys/stat.h>

namespace weft::data {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw InputError(file + ": " + what);
}

// A file's bytes, writable (a private mapping: writes stay in this process). Mapped where the
// file is a regular one: its pages come from the page cache, where a read into a fresh buffer
// first-touches new memory, which on this project's VMs costs more than parsing (bench/README.md,
// "Reading CSV"). Anything else (a pipe, /dev/stdin) is read.
class FileBytes {
 public:
  FileBytes(const fs::path& path, const std::string& name);
  ~FileBytes() {
    if (mapped_ != MAP_FAILED) munmap(mapped_, size_);
  }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  std::span<char> bytes() { return mapped_ != MAP_FAILED ? std::span<char>(static_cast<char*>(mapped_), size_) : std::span<char>(read_); }

 private:
  void* mapped_ = MAP_FAILED;
  std::size_t size_ = 0;
  std::string read_;
};

FileBytes::FileBytes(const fs::path& path, const std::string& name) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    const std::string looked = path.string() != name ? " (looked for " + path.string() + ")" : "";
    fail(name, "no such file" + looked + "; expected a CSV data file");
  }
  if (ec) fail(name, "cannot be accessed (" + ec.message() + ")");
  if (fs::is_directory(status)) fail(name, "is a directory; expected a CSV data file");

  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) fail(name, std::string("cannot be opened (") + std::strerror(errno) + ")");
  if (fs::is_regular_file(status)) {
    struct stat st {};
    if (fstat(fileno(file.get()), &st) == 0 && st.st_size > 0) {
      mapped_ = mmap(nullptr, std::size_t(st.st_size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE,
                     fileno(file.get()), 0);
      if (mapped_ != MAP_FAILED) {
        size_ = std::size_t(st.st_size);
        return;
      }
    }
  }
  std::array<char, 1 << 16> chunk;
  while (const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get())) read_.append(chunk.data(), n);
  if (std::ferror(file.get()))
    fail(name, std::string("cannot be read (") + std::strerror(errno) + ")");
}

std::size_t line_of(std::span<const char> bytes, std::size_t offset) {
  return 1 + std::count(bytes.begin(), bytes.begin() + offset, '\n');
}

// A CSV is text: control characters other than tab, CR and LF mean binary content (or
// UTF-16, which has a NUL in every ASCII character).
void require_text(std::span<const char> bytes, const std::string& name) {
  if (bytes.size() >= 2 && ((bytes[0] == '\xff' && bytes[1] == '\xfe') ||
                            (bytes[0] == '\xfe' && bytes[1] == '\xff')))
    fail(name, "is not a text CSV file (it is UTF-16 encoded; save it as UTF-8)");
  static const auto is_control = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[c] = c != '\t' && c != '\n' && c != '\r';
    table[0x7f] = true;
    return table;
  }();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (!is_control[byte]) continue;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    fail(name, "is not a text CSV file (control byte " + std::string(hex) + " on line " +
                   std::to_string(line_of(bytes, i)) + "); expected comma-, semicolon- or "
                   "tab-separated text");
  }
}

// How a character is shown in a message: itself if printable ASCII, else its byte value.
std::string shown(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  char hex[16];
  std::snprintf(hex, sizeof hex, "byte 0x%02X", byte);
  return hex;
}

class CsvParser {
 public:
  CsvParser(std::span<char> bytes, const std::string& name, std::size_t minimum_rows)
      : buf_(bytes), name_(name), minimum_rows_(minimum_rows) {
    if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;  // UTF-8 byte order mark
  }

  DataFrame parse();

 private:
  enum class Record { Fields, Blank, End };

  char detect_separator() const;
  Record read_record();
  void read_quoted_field();
  void read_unquoted_field();
  void end_line();
  bool is_pad(char c) const { return (c == ' ' || c == '\t') && c != sep_; }
  bool at_field_end() const {
    return pos_ == buf_.size() || buf_[pos_] == sep_ || buf_[pos_] == '\n' || buf_[pos_] == '\r';
  }
  void append_row(DataFrame& frame) const;

  std::span<char> buf_;
  const std::string& name_;
  std::size_t minimum_rows_;  // 2 for fitting data, 1 for new data
  std::size_t pos_ = 0;
  std::size_t line_ = 1;           // line of pos_
  std::size_t record_line_ = 1;    // line where the current record starts
  char sep_ = ',';
  std::array<bool, 256> ends_field_{};  // the separator, '\n' and '\r'
  std::vector<std::string_view> fields_;
};

// From the first non-blank line: ',' if it occurs outside quotes, else ';', else tab.
char CsvParser::detect_separator() const {
  std::size_t p = pos_;
  while (p < buf_.size()) {
    bool quoted = false, comma = false, semicolon = false, tab = false, text = false;
    for (; p < buf_.size(); ++p) {
      const char c = buf_[p];
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      if (c == '\n' || c == '\r') break;
      comma |= c == ',';
      semicolon |= c == ';';
      tab |= c == '\t';
      text |= c != ' ' && c != '\t';
    }
    if (comma) return ',';
    if (semicolon) return ';';
    if (tab) return '\t';
    if (text) return ',';  // a single column
    ++p;
  }
  return ',';
}

// Past one line break: LF, CRLF or a lone CR.
void CsvParser::end_line() {
  if (buf_[pos_] == '\r') ++pos_;
  if (pos_ < buf_.size() && buf_[pos_] == '\n') ++pos_;
  ++line_;
}

// RFC 4180: the content runs to the next lone '"'; '""' is one quote; line breaks are kept.
// The content is moved left in place over the opening quote and the doubled quotes.
void CsvParser::read_quoted_field() {
  const std::size_t open_line = line_;
  ++pos_;
  const std::size_t start = pos_;
  std::size_t out = pos_;
  for (;;) {
    if (pos_ == buf_.size())
      fail(name_, "line " + std::to_string(open_line) +
                      ": a quoted field opens here and is never closed; expected a closing '\"'");
    const char c = buf_[pos_++];
    if (c == '"') {
      if (pos_ == buf_.size() || buf_[pos_] != '"') break;
      ++pos_;
    } else if (c == '\n' || (c == '\r' && (pos_ == buf_.size() || buf_[pos_] != '\n'))) {
      ++line_;
    }
    buf_[out++] = c;
  }
  fields_.emplace_back(buf_.data() + start, out - start);
  while (pos_ < buf_.size() && is_pad(buf_[pos_])) ++pos_;
  if (at_field_end()) return;
  const std::string opened =
      open_line != line_ ? " (the quote opened on line " + std::to_string(open_line) + ")" : "";
  fail(name_, "line " + std::to_string(line_) + ": " + shown(buf_[pos_]) +
                  " follows the closing quote of a field" + opened + "; expected '" +
                  (sep_ == '\t' ? std::string("\\t") : std::string(1, sep_)) +
                  "' or the end of the line (unbalanced quotes?)");
}

void CsvParser::read_unquoted_field() {
  const std::size_t start = pos_;
  // The field runs to the separator or a line break (a table lookup per byte, not four tests).
  const char* p = buf_.data() + pos_;
  const char* const last = buf_.data() + buf_.size();
  while (p != last && !ends_field_[static_cast<unsigned char>(*p)]) ++p;
  pos_ = std::size_t(p - buf_.data());
  std::size_t end = pos_;
  while (end > start && is_pad(buf_[end - 1])) --end;
  fields_.emplace_back(buf_.data() + start, end - start);
}

// One record (a line, or several when a quoted field holds line breaks) into fields_.
// A line with nothing but blanks is Blank, as read.csv skips it; "," alone is two empty cells.
CsvParser::Record CsvParser::read_record() {
  fields_.clear();
  if (pos_ == buf_.size()) return Record::End;
  record_line_ = line_;
  bool blank = true;
  for (;;) {
    while (pos_ < buf_.size() && is_pad(buf_[pos_])) ++pos_;
    if (pos_ < buf_.size() && buf_[pos_] == '"') {
      read_quoted_field();
      blank = false;
    } else {
      read_unquoted_field();
      blank = blank && fields_.back().empty();
    }
    if (pos_ == buf_.size()) break;
    if (buf_[pos_] != sep_) {
      end_line();
      break;
    }
    ++pos_;
    blank = false;
  }
  return blank ? Record::Blank : Record::Fields;
}

void CsvParser::append_row(DataFrame& frame) const {
  for (std::size_t j = 0; j < fields_.size(); ++j) {
    Column& column = frame.columns[j];
    double value;
    column.kind.push_back(classify_cell(fields_[j], value));
    column.number.push_back(value);
    column.text.emplace_back(fields_[j]);
  }
  frame.note_line(frame.rows() - 1, record_line_);
}

DataFrame CsvParser::parse() {
  if (pos_ == buf_.size()) fail(name_, "is empty; expected a header line and data rows");
  require_text(buf_, name_);
  sep_ = detect_separator();
  ends_field_[static_cast<unsigned char>(sep_)] = ends_field_['\n'] = ends_field_['\r'] = true;

  DataFrame frame;
  frame.source = name_;
  Record record;
  while ((record = read_record()) == Record::Blank) {
  }
  if (record == Record::End)
    fail(name_, "has only blank lines; expected a header line and data rows");
  const std::size_t header_line = record_line_;
  frame.columns.resize(fields_.size());
  const std::size_t expected_rows = std::count(buf_.begin() + pos_, buf_.end(), '\n') + 1;
  for (std::size_t j = 0; j < fields_.size(); ++j) {
    Column& column = frame.columns[j];
    column.name = std::string(fields_[j]);
    column.text.reserve(expected_rows);
    column.text.reserve_chars((buf_.size() - pos_) / fields_.size());  // an estimate: grows if short
    column.number.reserve(expected_rows);
    column.kind.reserve(expected_rows);
  }

  while ((record = read_record()) != Record::End) {
    if (record == Record::Blank) continue;
    if (fields_.size() != frame.columns.size())
      fail(name_, "line " + std::to_string(record_line_) + " has " +
                      std::to_string(fields_.size()) + " fields, expected " +
                      std::to_string(frame.columns.size()) + " like the header (line " +
                      std::to_string(header_line) + ")");
    append_row(frame);
  }

  if (frame.rows() == 0)
    fail(name_, minimum_rows_ > 1 ? "has a header line but no data rows; expected at least two rows"
                                  : "has a header line but no data rows");
  if (frame.rows() == 1 && minimum_rows_ > 1)
    fail(name_, "has only one data row (line " + std::to_string(frame.line_of(0)) +
                    "); a mixed model needs at least two rows");
  return frame;
}

}  // namespace

DataFrame read_csv(const std::filesystem::path& path, const std::string& display_name, std::size_t minimum_rows) {
  FileBytes file(path, display_name);
  return CsvParser(file.bytes(), display_name, minimum_rows).parse();
}

}  // namespace weft::data
