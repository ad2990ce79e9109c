// Numbers written as R writes them (as.character / deparse), against R 4.2.2's own output in
// tests/data/design/numbers.csv (made by make_design_refs.R).
#include <doctest/doctest.h>

#include "test_support.hpp"

#include "formula/r_number.hpp"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#ifndef WEFT_TEST_DATA_DIR
#define WEFT_TEST_DATA_DIR "tests/data"
#endif

namespace {

// "a","b" -> {a, b}: the two quoted fields of one line.
const auto& quoted_fields = weft::testing::split_csv_line;

}  // namespace

TEST_CASE("format_r_number matches R's as.character") {
  using weft::formula::format_r_number;
  CHECK(format_r_number(95) == "95");
  CHECK(format_r_number(2.5) == "2.5");
  CHECK(format_r_number(1e-05) == "1e-05");
  CHECK(format_r_number(100000) == "1e+05");
  CHECK(format_r_number(123456) == "123456");
  CHECK(format_r_number(0.1 + 0.2) == "0.3");
  CHECK(format_r_number(-2.5) == "-2.5");
  CHECK(format_r_number(1e100) == "1e+100");
  CHECK(weft::formula::format_r_integer(100000) == "100000");

  std::ifstream in(std::string(WEFT_TEST_DATA_DIR) + "/design/numbers.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  int compared = 0;
  while (std::getline(in, line)) {
    const auto fields = quoted_fields(line);
    REQUIRE(fields.size() == 2);
    const double value = std::strtod(fields[0].c_str(), nullptr);
    INFO("value ", fields[0]);
    CHECK(format_r_number(value) == fields[1]);
    ++compared;
  }
  CHECK(compared > 500);
}
