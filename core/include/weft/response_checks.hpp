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

// Why y is not a positive real number (gamma and other PositiveReal families), or nullopt.
inline std::optional<std::string> check_positive(double y) {
  if (!(y > 0) || !std::isfinite(y)) return "expected a positive number, got " + format_value(y);
  return std::nullopt;
}

// Why y is not strictly between 0 and 1 (beta and other UnitInterval families), or nullopt.
inline std::optional<std::string> check_open_unit_interval(double y) {
  if (!(y > 0 && y < 1)) return "expected a proportion strictly between 0 and 1, got " + format_value(y);
  return std::nullopt;
}

// Why y is not in [0, 1] (zero-one-inflated and other ClosedUnitInterval families), or nullopt.
inline std::optional<std::string> check_closed_unit_interval(double y) {
  if (!(y >= 0 && y <= 1)) return "expected a proportion between 0 and 1 (inclusive), got " + format_value(y);
  return std::nullopt;
}

// Why a prior weight is unusable, or nullopt: shared by every family but binomial.
inline std::optional<std::string> check_weight(double w) {
  if (!(w >= 0) || !std::isfinite(w)) return "weights must be non-negative numbers, got " + format_value(w);
  return std::nullopt;
}

}  // namespace weft
