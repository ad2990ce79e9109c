#pragma once
// Text for messages, shared by every part of the kernel: arbitrary bytes (a formula, a cell, a
// level) rendered for a one-line error message (control characters and bytes that are not
// valid UTF-8 become \xNN escapes, long text is cut), lists joined with commas, numbers with
// a few significant digits.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

// "a, b, c" (with `separator` between items).
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// `value` with `significant` significant digits, as %g does: 0.002, 2.8e+06.
std::string format_number(double value, int significant = 4);

// `text` with control characters and invalid UTF-8 escaped; longer than `max_chars`
// characters it is cut and ends in "...(N characters)".
std::string printable(std::string_view text, std::size_t max_chars = 60);

// Length of the valid UTF-8 sequence starting at text[i] (1 for ASCII), or 0 when the bytes
// there are not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// Number of UTF-8 characters in text[0, offset) plus one: the 1-based position users see.
std::size_t character_position(std::string_view text, std::size_t offset);

}  // namespace weft
