#include "formula/r_number.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace weft::formula {

namespace {

constexpr int kDigits = 15;  // R's DBL_DIG, used by as.character() and deparse()
constexpr int kMaxPower = 22;

// R's scientific(): |x| = alpha * 10^kpower rounded to 15 significant digits, of which
// nsig are needed (trailing zeros dropped).
struct Scientific {
  int kpower = 0;
  int nsig = 1;
  bool rounding_widens = false;
};

Scientific scientific(double r) {
  Scientific s;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", kDigits - 1, r);  // d.dddddddddddddde+XX
  const char* e = std::strchr(buf, 'e');
  s.kpower = std::atoi(e + 1);
  int last = int(e - buf) - 1;  // last mantissa digit
  int nsig = kDigits;
  while (nsig > 1 && buf[last] == '0') {
    --nsig;
    --last;
  }
  s.nsig = nsig;
  // Rounding to 15 digits can carry into a new leading digit (99999.99999999999 -> 1e+05);
  // fixed notation then needs one digit less on the left (R's roundingwidens).
  if (s.kpower > 0 && s.kpower <= kMaxPower) {
    int rgt = kDigits - s.kpower;
    rgt = rgt < 0 ? 0 : (rgt > kMaxPower ? kMaxPower : rgt);
    const double fuzz = 0.5 / std::pow(10.0, rgt);
    s.rounding_widens = r < std::pow(10.0, s.kpower) - fuzz;
  }
  return s;
}

}  // namespace

std::string format_r_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  if (value == 0) return "0";
  const int neg = value < 0 ? 1 : 0;
  const Scientific s = scientific(std::fabs(value));

  int left = s.kpower + 1;
  if (s.rounding_widens) --left;
  const int sleft = neg + (left <= 0 ? 1 : left);
  int rgt = s.nsig - left;
  if (rgt < 0) rgt = 0;
  const int fixed_width = sleft + rgt + (rgt != 0);
  const int exponent_digits = (s.kpower >= 100 || s.kpower <= -100) ? 2 : 1;
  const int decimals = s.nsig - 1;
  const int sci_width = neg + (decimals > 0) + decimals + 4 + exponent_digits;

  char buf[400];
  if (fixed_width <= sci_width) {
    std::snprintf(buf, sizeof buf, "%.*f", rgt, value);
  } else {
    std::snprintf(buf, sizeof buf, "%.*e", decimals, value);
  }
  return buf;
}

std::string format_r_integer(long long value) { return std::to_string(value); }

}  // namespace weft::formula
