#pragma once
// yaml-cpp behind a guard: every way YAML text can fail (limits, syntax, several documents,
// a parser that stops making progress) becomes a one-line InputError; nothing else escapes.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace weft::config {

// The one document in `text` (a Null node when there is none: empty or only comments).
// Messages start with `source` ("config.yaml", or "config.yaml: --set x=[a") and give the
// line, column and, where a line starts with one, the key: "config.yaml: not valid YAML at
// line 2, column 9 (key 'formula'): unexpected ':' (...)".
YAML::Node load_yaml_document(std::string_view text, const std::string& source);

}  // namespace weft::config
