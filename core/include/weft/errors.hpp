#pragma once
// The error a user can fix: a bad config, formula, data file or plugin.
//
// The CLI prints what() as a single line and exits with code 2. Messages name the file,
// key, column or row and say what was expected ("data.csv: row 7, column 'visits': expected
// a non-negative integer count, got -1").
#include <stdexcept>
#include <string>

namespace weft {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace weft
