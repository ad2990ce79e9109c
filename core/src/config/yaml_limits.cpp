#include "config/yaml_limits.hpp"

#include <weft/errors.hpp>

#include <cstdio>

namespace weft::config {
namespace {

// A one-pass approximation of YAML's tokenizer: enough to know which characters are
// indicators (brackets, quotes, aliases) and which are text inside a plain
// scalar such as the formula "cbind(a, n - a) ~ x * z". It errs on the side of counting.
class YamlScan {
 public:
  YamlScan(std::string_view text, const std::string& source) : text_(text), source_(source) {}
  void run();

 private:
  void require_closed() const;
  enum class State { Plain, SingleQuoted, DoubleQuoted, Comment };
  // In block context (outside brackets): what the current run of characters is.
  enum class BlockToken { None, PlainScalar, Property };  // Property: &anchor, !tag, *alias

  void step(char c);
  void block_char(char c);
  void flow_char(char c);
  bool starts_node() const;
  bool blank_or_end_after() const {
    return i_ + 1 >= text_.size() || text_[i_ + 1] == ' ' || text_[i_ + 1] == '\t' ||
           text_[i_ + 1] == '\n' || text_[i_ + 1] == '\r';
  }
  void open_collection();
  void count_alias();
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(source_ + ": line " + std::to_string(line_) + ": " + what);
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t i_ = 0, line_ = 1, depth_ = 0, aliases_ = 0;
  char outer_open_ = 0;          // the outermost '[' or '{' still open, and its line
  std::size_t outer_open_line_ = 0;
  State state_ = State::Plain;
  BlockToken token_ = BlockToken::None;
  char last_ = '\n';             // previous non-blank character on this line ('\n' at its start)
  bool blank_since_last_ = true;
};

// YAML text is printable: C0 controls other than tab, LF and CR, and DEL, are not allowed.
bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f;
}

void YamlScan::run() {
  for (i_ = 0; i_ < text_.size(); ++i_) step(text_[i_]);
  require_closed();
}

// yaml-cpp reports an unclosed bracket where it gives up, often lines later; say where it opened.
void YamlScan::require_closed() const {
  if (depth_ == 0) return;
  throw InputError(source_ + ": line " + std::to_string(outer_open_line_) + ": '" +
                   outer_open_ + "' is never closed with '" + (outer_open_ == '[' ? ']' : '}') +
                   "'");
}

void YamlScan::step(char c) {
  if (is_control(c)) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
    fail(std::string("control character ") + hex +
         "; expected printable text (YAML allows no control characters)");
  }
  if (c == '\n') {
    ++line_;
    if (state_ == State::Comment) state_ = State::Plain;
    if (state_ == State::Plain) last_ = '\n', blank_since_last_ = true, token_ = BlockToken::None;
    return;
  }
  switch (state_) {
    case State::Comment: return;
    case State::DoubleQuoted:
      if (c == '\\' && i_ + 1 < text_.size() && text_[i_ + 1] != '\n') ++i_;
      else if (c == '"') state_ = State::Plain, last_ = c, blank_since_last_ = false;
      return;
    case State::SingleQuoted:
      if (c == '\'' && i_ + 1 < text_.size() && text_[i_ + 1] == '\'') ++i_;
      else if (c == '\'') state_ = State::Plain, last_ = c, blank_since_last_ = false;
      return;
    case State::Plain: break;
  }
  if (c == ' ' || c == '\t' || c == '\r') {
    blank_since_last_ = true;
    if (token_ == BlockToken::Property) token_ = BlockToken::None;
    return;
  }
  if (c == '#' && blank_since_last_) {
    state_ = State::Comment;
    return;
  }
  if (depth_ == 0) block_char(c);
  else flow_char(c);
  last_ = c;
  blank_since_last_ = false;
}

// Outside brackets, '[' '{' '"' '\'' '*' are indicators only where a token starts, not
// inside a plain scalar (a formula may hold any of them).
void YamlScan::block_char(char c) {
  if (token_ == BlockToken::Property) {
    // An anchor, tag or alias name ends at a blank or at a flow indicator.
    if (c != ',' && c != '[' && c != ']' && c != '{' && c != '}') return;
    token_ = BlockToken::None;
  }
  if (token_ == BlockToken::PlainScalar) {
    if (c == ':' && blank_or_end_after()) token_ = BlockToken::None;
    return;
  }
  switch (c) {
    case ',': return;  // invalid here; yaml-cpp reports it
    case '[':
    case '{':
      outer_open_ = c, outer_open_line_ = line_;
      open_collection();
      return;
    case '"': state_ = State::DoubleQuoted; return;
    case '\'': state_ = State::SingleQuoted; return;
    case '*': count_alias(); token_ = BlockToken::Property; return;
    case '&':
    case '!':
    case '|':
    case '>': token_ = BlockToken::Property; return;
    case '-':
    case '?':
    case ':':
      if (!blank_or_end_after()) token_ = BlockToken::PlainScalar;
      return;
    default: token_ = BlockToken::PlainScalar; return;
  }
}

// Inside brackets a plain scalar cannot hold brackets or ',', so every bracket counts;
// quotes and aliases are indicators where a node starts.
void YamlScan::flow_char(char c) {
  if (c == '[' || c == '{') open_collection();
  else if (c == ']' || c == '}') --depth_;
  else if (starts_node() && c == '"') state_ = State::DoubleQuoted;
  else if (starts_node() && c == '\'') state_ = State::SingleQuoted;
  else if (starts_node() && c == '*') count_alias();
}

bool YamlScan::starts_node() const {
  if (last_ == '[' || last_ == '{' || last_ == ',' || last_ == ':' || last_ == '\n') return true;
  return blank_since_last_ && (last_ == '-' || last_ == '?');
}

void YamlScan::open_collection() {
  if (++depth_ > kMaxYamlNesting)
    fail("collections nested more than " + std::to_string(kMaxYamlNesting) +
         " levels deep; a model YAML needs only a few");
}

void YamlScan::count_alias() {
  if (++aliases_ > kMaxYamlAliases)
    fail("more than " + std::to_string(kMaxYamlAliases) +
         " aliases (*name); refusing to expand them (a model YAML needs none)");
}

}  // namespace

void check_yaml_limits(std::string_view text, const std::string& source) {
  YamlScan(text, source).run();
}

}  // namespace weft::config
