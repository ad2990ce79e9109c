#pragma once
// Error text as the CLI prints it: one line, no line breaks, without "std::" (which tools
// reading stderr take for a crash marker), at most 2,000 characters. The Python module raises
// the same text.
#include <string>

namespace weft {

inline std::string one_line(std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  for (std::size_t at; (at = message.find("std::")) != std::string::npos;) message.erase(at, 5);
  if (message.size() > 2000) message = message.substr(0, 2000) + "...";
  return message;
}

}  // namespace weft
