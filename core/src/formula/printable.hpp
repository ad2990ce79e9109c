#pragma once
// Arbitrary bytes (a formula, a cell, a level) rendered for a one-line error message: control
// characters and bytes that are not valid UTF-8 become \xNN escapes, and long text is cut.
#include <cstddef>
#include <string>
#include <string_view>

namespace weft::formula {

// `text` with control characters and invalid UTF-8 escaped; longer than `max_chars`
// characters it is cut and ends in "...(N characters)".
std::string printable(std::string_view text, std::size_t max_chars = 60);

// Length of the valid UTF-8 sequence starting at text[i] (1 for ASCII), or 0 when the bytes
// there are not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// Number of UTF-8 characters in text[0, offset) plus one: the 1-based position users see.
std::size_t character_position(std::string_view text, std::size_t offset);

}  // namespace weft::formula
