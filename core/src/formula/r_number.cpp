#include "formula/r_number.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace weft::formula {

namespace {

constexpr int kDigits = 15;  // R's DBL_DIG, used by as.character() and deparse()
constexpr int kMaxPower = 22;

// R's scientific(): |x| = alpha * 10^kpower rounded to `digits` significant digits, of which
// nsig are needed (trailing zeros dropped).
struct Scientific {
  int kpower = 0;
  int nsig = 1;
  bool rounding_widens = false;
};

Scientific scientific(double r, int digits) {
  Scientific s;
  if (r == 0) return s;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, r);  // d.ddd...e+XX
  const char* e = std::strchr(buf, 'e');
  s.kpower = std::atoi(e + 1);
  int last = int(e - buf) - 1;  // last mantissa digit
  int nsig = digits;
  while (nsig > 1 && buf[last] == '0') {
    --nsig;
    --last;
  }
  s.nsig = nsig;
  // Rounding to `digits` digits can carry into a new leading digit (99999.99999999999 -> 1e+05);
  // fixed notation then needs one digit less on the left (R's roundingwidens).
  if (s.kpower > 0 && s.kpower <= kMaxPower) {
    int rgt = digits - s.kpower;
    rgt = rgt < 0 ? 0 : (rgt > kMaxPower ? kMaxPower : rgt);
    const double fuzz = 0.5 / std::pow(10.0, rgt);
    s.rounding_widens = r < std::pow(10.0, s.kpower) - fuzz;
  }
  return s;
}

std::string non_finite(double value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "Inf" : "-Inf";
}

}  // namespace

std::vector<std::string> format_r_numbers(const std::vector<double>& values, int digits) {
  // R's formatReal: the widest left part, the most decimals and significant digits over all
  // finite values decide one fixed or one scientific layout.
  int neg = 0, rgt = INT_MIN, mxl = INT_MIN, mnl = INT_MAX, mxsl = INT_MIN, mxns = INT_MIN;
  for (const double x : values) {
    if (!std::isfinite(x)) continue;
    const Scientific s = scientific(std::fabs(x), digits);
    const int neg_i = x < 0 ? 1 : 0;
    int left = s.kpower + 1;
    if (s.rounding_widens) --left;
    const int sleft = neg_i + (left <= 0 ? 1 : left);
    neg = std::max(neg, neg_i);
    rgt = std::max(rgt, s.nsig - left);
    mxl = std::max(mxl, left);
    mnl = std::min(mnl, left);
    mxsl = std::max(mxsl, sleft);
    mxns = std::max(mxns, s.nsig);
  }
  bool fixed = true;
  int decimals = 0;
  if (mxns != INT_MIN) {
    if (mxl < 0) mxsl = 1 + neg;
    rgt = std::max(rgt, 0);
    const int fixed_width = mxsl + rgt + (rgt != 0);
    const int exponent_digits = (mxl > 100 || mnl <= -99) ? 2 : 1;
    const int sci_decimals = mxns - 1;
    const int sci_width = neg + (sci_decimals > 0) + sci_decimals + 4 + exponent_digits;
    fixed = fixed_width <= sci_width;
    decimals = fixed ? rgt : sci_decimals;
  }
  std::vector<std::string> out;
  out.reserve(values.size());
  char buf[400];
  for (const double x : values) {
    if (!std::isfinite(x)) {
      out.push_back(non_finite(x));
      continue;
    }
    std::snprintf(buf, sizeof buf, fixed ? "%.*f" : "%.*e", decimals, x);
    out.push_back(buf);
  }
  return out;
}

std::string format_r_number(double value) {
  if (!std::isfinite(value)) return non_finite(value);
  if (value == 0) return "0";
  return format_r_numbers({value}, kDigits).front();
}

std::string format_r_integer(long long value) { return std::to_string(value); }

}  // namespace weft::formula
