#include "formula/source.hpp"

#include "util/text.hpp"

#include <weft/errors.hpp>

#include <algorithm>

namespace weft::formula {

namespace {

constexpr std::size_t kContextBytes = 40;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string marked_excerpt(std::string_view text, std::size_t offset) {
  if (text.empty()) return "(empty)";
  offset = std::min(offset, text.size());
  std::size_t begin = offset > kContextBytes ? offset - kContextBytes : 0;
  std::size_t end = std::min(text.size(), offset + kContextBytes);
  while (begin > 0 && is_continuation_byte(text[begin])) --begin;
  while (end < text.size() && is_continuation_byte(text[end])) ++end;
  std::string out;
  if (begin > 0) out += "...";
  out += printable(text.substr(begin, offset - begin), std::string::npos);
  out += ">>>";
  out += printable(text.substr(offset, end - offset), std::string::npos);
  if (end < text.size()) out += "...";
  return out;
}

void fail_at(const FormulaSource& source, const std::string& what, std::size_t offset) {
  throw InputError(source.origin + ": " + what + " at position " +
                   std::to_string(character_position(source.text, offset)) + ": " +
                   marked_excerpt(source.text, offset));
}

}  // namespace weft::formula
