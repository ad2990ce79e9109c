#include <weft/errors.hpp>

#include "commands.hpp"
#include "processes.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace weft::cli {

void write_output(const std::optional<std::string>& path, const std::string& text) {
  if (!processes::reports()) return;  // under mpirun, process 0 writes
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

data::DataFrame read_model_data(const config::ModelSpec& spec) {
  if (spec.data_paths.empty()) return data::read_csv(spec.data_path, spec.data_name);
  return data::read_csv_files(spec.data_paths, spec.data_names);
}

nlohmann::json read_result_document(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path + ": no such result file (write one with `weft fit MODEL.yaml --format json --output " + path + "`)");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw InputError(path + ": not a JSON result document (write one with `weft fit ... --format json`)");
  return doc;
}

std::string csv_field(const std::string& text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos || text.empty() ||
                     text.front() == ' ' || text.back() == ' ';
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace weft::cli
