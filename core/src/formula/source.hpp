#pragma once
// The text a formula was parsed from and the key it came from, so that every formula error is
// one line: "config.yaml: formula: <what> at position <n>: <text with a >>> marker>".
#include <cstddef>
#include <string>
#include <string_view>

namespace weft::formula {

struct FormulaSource {
  std::string origin;  // "config.yaml: formula", "config.yaml: zi", ...
  std::string text;
};

// The formula text around byte `offset` with ">>>" marking the offset; long texts are cut to
// a window around it, control characters escaped.
std::string marked_excerpt(std::string_view text, std::size_t offset);

// Throws InputError("<origin>: <what> at position <n>: <marked excerpt>").
[[noreturn]] void fail_at(const FormulaSource& source, const std::string& what, std::size_t offset);

}  // namespace weft::formula
