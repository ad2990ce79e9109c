#include "commands.hpp"
#include "registry/plugin_registry.hpp"

#include <algorithm>
#include <iostream>

namespace weft::cli {

int run_plugins(const std::vector<std::string>& plugin_path) {
  std::vector<std::filesystem::path> dirs(plugin_path.begin(), plugin_path.end());
  registry::PluginRegistry registry(dirs);
  const auto& records = registry.records();
  std::size_t kind_w = 4, name_w = 4, version_w = 7;
  for (const auto& r : records) {
    kind_w = std::max(kind_w, r.kind.size());
    name_w = std::max(name_w, r.name.size());
    version_w = std::max(version_w, r.version.size());
  }
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); };
  std::cout << pad("kind", kind_w) << "  " << pad("name", name_w) << "  " << pad("version", version_w) << "  file\n";
  for (const auto& r : records)
    if (r.problem.empty())
      std::cout << pad(r.kind, kind_w) << "  " << pad(r.name, name_w) << "  " << pad(r.version, version_w) << "  "
                << r.file.string() << "\n";
  for (const auto& r : records)
    if (!r.problem.empty()) std::cout << "unusable: " << r.file.string() << ": " << r.problem << "\n";
  if (records.empty()) {
    std::cout << "no plugins found; searched:";
    for (const auto& d : registry.directories()) std::cout << " " << d.string();
    std::cout << "\n";
  }
  return 0;
}

}  // namespace weft::cli
