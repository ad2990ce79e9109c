#include "data/data_frame.hpp"

#include <weft/errors.hpp>
#include <weft/spelling.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>

namespace weft::data {

bool Column::numeric() const {
  bool any = false;
  for (CellKind k : kind) {
    if (k == CellKind::Number) any = true;
    else if (k != CellKind::Missing) return false;
  }
  return any;
}

std::vector<std::string> DataFrame::names() const {
  std::vector<std::string> out;
  out.reserve(columns.size());
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

const Column* DataFrame::find(std::string_view name) const {
  const Column* found = nullptr;
  for (const auto& c : columns) {
    if (c.name != name) continue;
    if (found)
      throw InputError(source + ": column '" + std::string(name) +
                       "' appears more than once in the header; rename one of them");
    found = &c;
  }
  return found;
}

const Column& DataFrame::require(std::string_view name, std::string_view role) const {
  if (const Column* c = find(name)) return *c;
  throw InputError(source + ": no column '" + std::string(name) + "' (" + std::string(role) + ")" +
                   did_you_mean(name, names()));
}

std::size_t DataFrame::file_of(std::size_t row_as_read) const {
  if (file_first_row.empty()) return 0;
  const auto next = std::upper_bound(file_first_row.begin(), file_first_row.end(), row_as_read);
  return std::size_t(next - file_first_row.begin()) - 1;
}

void DataFrame::note_line(std::size_t row_as_read, std::size_t line) {
  // The row is the last so far, so it continues the last jump's run or starts a new one.
  const bool continues = !line_jumps.empty() && line_jumps.back().line + (row_as_read - line_jumps.back().row) == line;
  if (!continues) line_jumps.push_back({row_as_read, line});
}

std::size_t DataFrame::line_of(std::size_t row_as_read) const {
  const auto after = std::upper_bound(line_jumps.begin(), line_jumps.end(), row_as_read,
                                      [](std::size_t row, const LineJump& jump) { return row < jump.row; });
  if (after == line_jumps.begin()) return 0;
  const LineJump& jump = *std::prev(after);
  return jump.line + (row_as_read - jump.row);
}

std::string DataFrame::where(std::size_t row) const {
  std::size_t as_read = source_row(row);
  const std::size_t line = line_of(as_read);
  std::string file = source;
  if (!file_names.empty()) {
    const std::size_t f = file_of(as_read);
    file = file_names[f];
    as_read -= file_first_row[f];
  }
  std::string s = file + ": row " + std::to_string(as_read + 1);
  if (line > 0) s += " (line " + std::to_string(line) + ")";
  return s;
}

DataFrame drop_rows(const DataFrame& data, const std::vector<std::size_t>& dropped) {
  std::vector<std::size_t> kept;
  kept.reserve(data.rows());
  for (std::size_t r = 0, d = 0; r < data.rows(); ++r) {
    if (d < dropped.size() && dropped[d] == r) {
      ++d;
      continue;
    }
    kept.push_back(r);
  }
  DataFrame out;
  out.source = data.source;
  out.file_names = data.file_names;
  out.file_first_row = data.file_first_row;
  out.columns.reserve(data.columns.size());
  for (const Column& c : data.columns) {
    Column k;
    k.name = c.name;
    k.levels = c.levels;
    k.text.reserve(kept.size());
    k.number.reserve(kept.size());
    k.kind.reserve(kept.size());
    for (std::size_t r : kept) {
      k.text.push_back(c.text[r]);
      k.number.push_back(c.number[r]);
      k.kind.push_back(c.kind[r]);
    }
    out.columns.push_back(std::move(k));
  }
  out.line_jumps = data.line_jumps;  // by row as read, which source_rows keeps
  out.source_rows.reserve(kept.size());
  for (std::size_t r : kept) out.source_rows.push_back(data.source_row(r));
  return out;
}

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
}  // namespace

CellKind classify_cell(std::string_view text, double& value) {
  value = std::numeric_limits<double>::quiet_NaN();
  std::size_t b = text.find_first_not_of(" \t"), e = text.find_last_not_of(" \t");
  if (b == std::string_view::npos) return CellKind::Missing;
  std::string_view t = text.substr(b, e - b + 1);
  if (t == "NA") return CellKind::Missing;
  std::string_view body = (t.front() == '+' || t.front() == '-') ? t.substr(1) : t;
  if (iequals(body, "nan")) return CellKind::NotANumber;
  if (iequals(body, "inf") || iequals(body, "infinity")) return CellKind::Infinite;
  const char* first = t.data();
  const char* last = t.data() + t.size();
  if (*first == '+') ++first;
  // from_chars would accept "nan"/"inf" spellings handled above; anything else must be a
  // plain decimal or exponent literal spanning the whole cell.
  if (first == last) return CellKind::Text;
  double v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ptr != last) return CellKind::Text;
  if (ec == std::errc::result_out_of_range) {
    // Overflow (1e400) is infinite; underflow (1e-400) is a tiny number R would read as 0.
    bool overflow = false;
    for (const char* p = first; p != last; ++p)
      if (*p == 'e' || *p == 'E') {
        overflow = p + 1 != last && p[1] != '-';
        break;
      }
    if (!overflow) {
      // A long digit string without exponent that still overflows (10,000 digits).
      std::size_t digits = 0;
      for (const char* p = first; p != last && *p != '.'; ++p) digits += (*p >= '0' && *p <= '9');
      overflow = digits > 300;
    }
    if (overflow) return CellKind::Infinite;
    value = 0.0;
    return CellKind::Number;
  }
  if (ec != std::errc()) return CellKind::Text;
  if (!std::isfinite(v)) return CellKind::Infinite;
  value = v;
  return CellKind::Number;
}

}  // namespace weft::data
