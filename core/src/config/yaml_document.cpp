#include "config/yaml_document.hpp"

#include "config/yaml_limits.hpp"

#include <weft/errors.hpp>

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>

#include <array>
#include <sstream>
#include <utility>

namespace weft::config {
namespace {

// yaml-cpp's parser messages in words a model author can act on.
std::string explain(const std::string& msg) {
  static const std::array<std::pair<std::string_view, std::string_view>, 10> known = {{
      {YAML::ErrorMsg::END_OF_SEQ_FLOW, "a '[' is never closed with ']'"},
      {YAML::ErrorMsg::END_OF_MAP_FLOW, "a '{' is never closed with '}'"},
      {YAML::ErrorMsg::FLOW_END, "a ']' or '}' that closes nothing, or the wrong bracket"},
      {YAML::ErrorMsg::MAP_VALUE,
       "unexpected ':' (is a key indented differently from the others, or does an unquoted "
       "value contain ': '?)"},
      {YAML::ErrorMsg::END_OF_MAP, "a map ends unexpectedly (check the indentation)"},
      {YAML::ErrorMsg::END_OF_SEQ, "a list ends unexpectedly (check the indentation)"},
      {YAML::ErrorMsg::BLOCK_ENTRY, "a '- ' list entry where a key was expected"},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR, "an alias (*name) refers to an anchor that is not defined"},
      {YAML::ErrorMsg::EOF_IN_SCALAR, "a quoted value is never closed"},
      {YAML::ErrorMsg::BAD_FILE, "the structure is nested too deeply"},
  }};
  for (const auto& [yaml_cpp, ours] : known)
    if (msg == yaml_cpp) return std::string(ours);
  return msg;
}

// The key a line of YAML starts with ("formula" for "  formula: y ~ x :"), or "".
std::string key_on_line(std::string_view text, int line) {
  std::size_t begin = 0;
  for (int l = 0; l < line && begin != std::string_view::npos; ++l) {
    begin = text.find('\n', begin);
    if (begin != std::string_view::npos) ++begin;
  }
  if (begin == std::string_view::npos) return {};
  const std::string_view rest = text.substr(begin, text.find('\n', begin) - begin);
  const auto key_begin = rest.find_first_not_of(" \t");
  if (key_begin == std::string_view::npos) return {};
  const auto key_end = rest.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", key_begin);
  if (key_end == key_begin || key_end == std::string_view::npos || rest[key_end] != ':') return {};
  return std::string(rest.substr(key_begin, key_end - key_begin));
}

[[noreturn]] void fail_at(const std::string& source, std::string_view text, const YAML::Mark& mark,
                          const std::string& what) {
  std::string at;
  if (!mark.is_null()) {
    at = " at line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
    if (const std::string key = key_on_line(text, mark.line); !key.empty())
      at += " (key '" + key + "')";
  }
  throw InputError(source + ": not valid YAML" + at + ": " + what);
}

// Counts documents, and where each starts. yaml-cpp 0.7 ends a document without consuming a
// token it cannot place (a ',' or '?' after the root node), so the next "document" starts
// at the same token, forever: two documents starting at one place mean it is stuck there.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    start = mark;
    empty = true;
    first_event = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { node(false); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { node(true); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {
    node(true);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(true);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(true);
  }
  void OnMapEnd() override {}

  YAML::Mark start;
  bool empty = true;  // the document is only a null node

 private:
  void node(bool has_content) {
    if (first_event) empty = !has_content;
    first_event = false;
  }
  bool first_event = true;
};

// Checks the document structure without building nodes; throws for syntax errors, for more
// than one non-empty document and for a parser that stopped making progress.
void check_documents(std::string_view text, const std::string& source) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentCounter counter;
  std::size_t documents = 0;
  int previous_start = -1;
  while (parser.HandleNextDocument(counter)) {
    if (counter.start.pos == previous_start) {
      const std::size_t pos = static_cast<std::size_t>(counter.start.pos);
      const std::string token = pos < text.size() ? std::string(1, text[pos]) : "end of text";
      fail_at(source, text, counter.start,
              "unexpected '" + token + "' (quote a value that starts with it)");
    }
    previous_start = counter.start.pos;
    documents += counter.empty ? 0 : 1;
  }
  if (documents > 1)
    throw InputError(source + ": holds " + std::to_string(documents) +
                     " YAML documents (separated by ---); expected one");
}

}  // namespace

YAML::Node load_yaml_document(std::string_view text, const std::string& source) {
  check_yaml_limits(text, source);
  try {
    check_documents(text, source);  // after which LoadAll is known to terminate
    for (const YAML::Node& document : YAML::LoadAll(std::string(text)))
      if (!document.IsNull()) return document;
    return YAML::Node();
  } catch (const YAML::Exception& e) {
    fail_at(source, text, e.mark, explain(e.msg));
  }
}

}  // namespace weft::config
