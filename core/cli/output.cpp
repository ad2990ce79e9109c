#include <weft/errors.hpp>

#include "commands.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace weft::cli {

void write_output(const std::optional<std::string>& path, const std::string& text) {
  if (!path) {
    std::cout << text << std::flush;
    return;
  }
  namespace fs = std::filesystem;
  const fs::path target(*path);
  const fs::path temporary = target.string() + ".weft-partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(temporary, ec);
      throw InputError("--output " + *path + ": cannot write this file");
    }
  }
  std::error_code ec;
  fs::rename(temporary, target, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw InputError("--output " + *path + ": cannot write this file");
  }
}

}  // namespace weft::cli
