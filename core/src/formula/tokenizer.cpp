#include "formula/tokenizer.hpp"

#include "util/text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace weft::formula {

namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_high(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// R's reserved words cannot be names without backquotes.
bool is_reserved(std::string_view name) {
  static constexpr std::array<std::string_view, 19> kReserved{
      "if", "else", "repeat", "while", "function", "for", "next", "break", "in", "TRUE",
      "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "NA_complex_"};
  for (auto r : kReserved)
    if (r == name) return true;
  return false;
}

class Tokenizer {
 public:
  explicit Tokenizer(const FormulaSource& source) : source_(source), text_(source.text) {}

  std::vector<Token> run() {
    while (true) {
      while (i_ < text_.size() && is_space(text_[i_])) ++i_;
      if (i_ >= text_.size()) break;
      const char c = text_[i_];
      if (is_ascii_letter(c) || is_high(c) || (c == '.' && !(i_ + 1 < text_.size() && is_digit(text_[i_ + 1]))))
        name();
      else if (is_digit(c) || c == '.')
        number();
      else if (c == '`')
        backquoted_name();
      else if (c == '%')
        special_operator();
      else
        punctuation(c);
    }
    push(TokenKind::End, "", text_.size(), text_.size());
    return std::move(tokens_);
  }

 private:
  void push(TokenKind kind, std::string text, std::size_t begin, std::size_t end) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.begin = begin;
    t.end = end;
    tokens_.push_back(std::move(t));
  }

  // Bytes >= 0x80 must form valid UTF-8 (names may be non-ASCII, as in R).
  std::size_t utf8_sequence() {
    const std::size_t len = utf8_sequence_length(text_, i_);
    if (len == 0) fail_at(source_, "invalid UTF-8 byte " + printable(text_.substr(i_, 1)), i_);
    return len;
  }

  void name() {
    const std::size_t begin = i_;
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (is_ascii_letter(c) || is_digit(c) || c == '.' || c == '_') ++i_;
      else if (is_high(c)) i_ += utf8_sequence();
      else break;
    }
    push(TokenKind::Name, std::string(text_.substr(begin, i_ - begin)), begin, i_);
  }

  void number() {
    const std::size_t begin = i_;
    while (i_ < text_.size() && is_digit(text_[i_])) ++i_;
    if (i_ < text_.size() && text_[i_] == '.') {
      ++i_;
      while (i_ < text_.size() && is_digit(text_[i_])) ++i_;
    }
    if (i_ < text_.size() && (text_[i_] == 'e' || text_[i_] == 'E')) {
      std::size_t j = i_ + 1;
      if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
      if (j >= text_.size() || !is_digit(text_[j])) fail_at(source_, "malformed number", begin);
      i_ = j;
      while (i_ < text_.size() && is_digit(text_[i_])) ++i_;
    }
    const std::size_t digits_end = i_;
    bool integer = false;
    if (i_ < text_.size() && text_[i_] == 'L') {
      integer = true;
      ++i_;
    }
    if (i_ < text_.size() && (is_ascii_letter(text_[i_]) || is_digit(text_[i_]) || text_[i_] == '_' ||
                              text_[i_] == '.'))
      fail_at(source_, "malformed number", begin);
    const std::string literal(text_.substr(begin, digits_end - begin));
    const double value = std::strtod(literal.c_str(), nullptr);  // 1e400 -> inf, as R
    push(TokenKind::Number, std::string(text_.substr(begin, i_ - begin)), begin, i_);
    tokens_.back().number = value;
    tokens_.back().integer_literal = integer && value == std::floor(value) && std::fabs(value) <= 2147483647.0;
  }

  void backquoted_name() {
    const std::size_t begin = i_;
    std::string name;
    ++i_;
    while (true) {
      if (i_ >= text_.size()) fail_at(source_, "backquote is never closed", begin);
      const char c = text_[i_];
      if (c == '`') break;
      if (c == '\\' && i_ + 1 < text_.size() && (text_[i_ + 1] == '`' || text_[i_ + 1] == '\\')) {
        name += text_[i_ + 1];
        i_ += 2;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        fail_at(source_, "control character " + printable(text_.substr(i_, 1)) + " in a name", i_);
      if (is_high(c)) {
        const std::size_t len = utf8_sequence();
        name.append(text_.substr(i_, len));
        i_ += len;
        continue;
      }
      name += c;
      ++i_;
    }
    ++i_;
    if (name.empty()) fail_at(source_, "empty backquoted name", begin);
    push(TokenKind::Name, std::move(name), begin, i_);
  }

  void special_operator() {
    const std::size_t begin = i_;
    const std::size_t close = text_.find('%', i_ + 1);
    if (close == std::string_view::npos) fail_at(source_, "'%' is never closed", begin);
    const std::string op(text_.substr(begin, close + 1 - begin));
    if (op != "%in%") fail_at(source_, "operator " + printable(op) + " is not supported (only %in%)", begin);
    i_ = close + 1;
    push(TokenKind::Operator, op, begin, i_);
  }

  void punctuation(char c) {
    const std::size_t begin = i_;
    auto next_is = [&](char d) { return i_ + 1 < text_.size() && text_[i_ + 1] == d; };
    switch (c) {
      case '~': ++i_; push(TokenKind::Tilde, "~", begin, i_); return;
      case '(': ++i_; push(TokenKind::LeftParen, "(", begin, i_); return;
      case ')': ++i_; push(TokenKind::RightParen, ")", begin, i_); return;
      case ',': ++i_; push(TokenKind::Comma, ",", begin, i_); return;
      case '+': case '-': case '/': case '^':
        ++i_; push(TokenKind::Operator, std::string(1, c), begin, i_); return;
      case '*':
        if (next_is('*')) {  // R reads ** as ^
          i_ += 2; push(TokenKind::Operator, "^", begin, i_); return;
        }
        ++i_; push(TokenKind::Operator, "*", begin, i_); return;
      case ':':
        if (next_is(':')) fail_at(source_, "'::' is not supported", begin);
        ++i_; push(TokenKind::Operator, ":", begin, i_); return;
      case '|':
        if (next_is('|')) {
          i_ += 2; push(TokenKind::Operator, "||", begin, i_); return;
        }
        ++i_; push(TokenKind::Operator, "|", begin, i_); return;
      default: break;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      fail_at(source_, "control character " + printable(text_.substr(i_, 1)), begin);
    fail_at(source_, "unexpected character '" + std::string(1, c) + "'", begin);
  }

  const FormulaSource& source_;
  std::string_view text_;
  std::size_t i_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(const FormulaSource& source) { return Tokenizer(source).run(); }

bool is_syntactic_name(std::string_view name) {
  if (name.empty() || is_reserved(name)) return false;
  // Non-ASCII letters count as letters, as in R under a UTF-8 locale.
  const char first = name[0];
  if (!(is_ascii_letter(first) || is_high(first) || first == '.')) return false;
  if (first == '.' && name.size() > 1 && is_digit(name[1])) return false;
  for (std::size_t i = 0; i < name.size();) {
    const char c = name[i];
    if (is_ascii_letter(c) || is_digit(c) || c == '.' || c == '_') {
      ++i;
      continue;
    }
    const std::size_t len = is_high(c) ? utf8_sequence_length(name, i) : 0;
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace weft::formula
