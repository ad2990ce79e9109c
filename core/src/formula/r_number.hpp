#pragma once
// Numbers written the way R writes them: as.character() of a double and deparse() of a numeric
// constant both use 15 significant digits and pick fixed or scientific notation by width
// (R's formatReal with digits = 15, scipen = 0): 95 -> "95", 2.5 -> "2.5", 1e-05 -> "1e-05",
// 100000 -> "1e+05", 123456 -> "123456", 0.1 + 0.2 -> "0.3".
#include <string>
#include <vector>

namespace weft::formula {

std::string format_r_number(double value);

// R's format(values, digits = digits): every finite value to `digits` significant digits at
// most (trailing zeros dropped), all in one notation with the same number of decimals (R's
// formatReal, scipen = 0); not padded. NaN is "NaN", NA in R (na.print decides there).
std::vector<std::string> format_r_numbers(const std::vector<double>& values, int digits);

// An R integer (read.csv reads whole-number columns as integers): plain digits, 100000 -> "100000".
std::string format_r_integer(long long value);

}  // namespace weft::formula
