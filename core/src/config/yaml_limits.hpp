#pragma once
// Limits checked on YAML text before yaml-cpp sees it. yaml-cpp's parser is recursive and
// builds alias graphs that are exponential when walked, so a hostile file (50,000 nested
// brackets, billion laughs) must be refused up front with a clear message.
#include <cstddef>
#include <string>
#include <string_view>

namespace weft::config {

inline constexpr std::size_t kMaxYamlNesting = 64;   // a model YAML needs two or three levels
inline constexpr std::size_t kMaxYamlAliases = 100;  // and no aliases at all

// Throws InputError "<source>: line N: ..." when `text` nests flow collections ('[' / '{')
// deeper than kMaxYamlNesting, uses more than kMaxYamlAliases aliases ('*name'), holds a
// control character (binary content; YAML text must be printable) or leaves a '[' / '{'
// open (yaml-cpp would report that lines later, where it gives up).
// Quoted scalars and comments are skipped; the scan is linear and allocates nothing.
void check_yaml_limits(std::string_view text, const std::string& source);

}  // namespace weft::config
