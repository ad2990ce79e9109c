#pragma once
// Checks families share when validating a response, and the wording of their messages.
#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>

namespace weft {

// A number as a user would write it in a message: 2, 2.5, -1, 1e+12.
inline std::string format_value(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

// True when x is within rounding error of an integer (counts read from CSV, or computed as
// proportion x trials).
inline bool is_whole_number(double x) {
  return std::abs(x - std::round(x)) <= 1e-7 * std::max(1.0, std::abs(x));
}

// Why y is not a count (a non-negative whole number), or nullopt: shared by the count families.
inline std::optional<std::string> check_count(double y) {
  if (y < 0) return "expected a non-negative count, got " + format_value(y);
  if (!is_whole_number(y)) return "expected a whole-number count, got " + format_value(y);
  return std::nullopt;
}

}  // namespace weft
