#include "registry/plugin_registry.hpp"

#include "registry/guarded_plugins.hpp"
#include "util/text.hpp"

#include <weft/errors.hpp>
#include <weft/plugin.hpp>
#include <weft/spelling.hpp>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace weft::registry {

namespace fs = std::filesystem;

namespace {

// Libraries are never unloaded: objects created from them live as long as the process may.
std::vector<boost::dll::shared_library>& loaded_libraries() {
  static std::vector<boost::dll::shared_library> libraries;
  return libraries;
}

struct LoadedPlugin {
  PluginRecord record;
  const weft_plugin_info* info = nullptr;
};

std::vector<LoadedPlugin>& loaded_plugins() {
  static std::vector<LoadedPlugin> plugins;
  return plugins;
}

// Loads one file and reads its entry point; never throws.
LoadedPlugin load(const fs::path& file) {
  LoadedPlugin out;
  out.record.file = file;
  try {
    boost::dll::shared_library library(file.string(), boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
    if (!library.has("weft_plugin")) {
      out.record.problem = "not a weft plugin (no weft_plugin entry point)";
      return out;
    }
    auto entry = library.get<const weft_plugin_info*()>("weft_plugin");
    const weft_plugin_info* info = entry();
    if (!info || info->magic != WEFT_PLUGIN_MAGIC) {
      out.record.problem = "its weft_plugin entry point does not return weft plugin information";
      return out;
    }
    out.record.abi_version = info->abi_version;
    if (info->abi_version != WEFT_ABI_VERSION) {
      out.record.problem = "built for plugin ABI version " + std::to_string(info->abi_version) +
                           ", but this weft has ABI version " + std::to_string(WEFT_ABI_VERSION) +
                           "; rebuild it against this weft's SDK";
      return out;
    }
    out.record.kind = info->kind ? info->kind : "";
    out.record.name = info->name ? info->name : "";
    out.record.version = info->version ? info->version : "";
    static const std::set<std::string> kinds{"family", "link", "integrator", "optimizer"};
    if (!kinds.count(out.record.kind) || out.record.name.empty() || !info->create) {
      out.record.problem = "declares an unknown kind '" + out.record.kind + "' or no name or factory";
      return out;
    }
    // Integrators are built against the integrator layer (weft/integrator/), versioned apart.
    if (out.record.kind == "integrator" && info->layer_abi_version != WEFT_INTEGRATOR_ABI_VERSION) {
      out.record.problem = "built for integrator ABI version " + std::to_string(info->layer_abi_version) +
                           ", but this weft has integrator ABI version " + std::to_string(WEFT_INTEGRATOR_ABI_VERSION) +
                           "; rebuild it against this weft's SDK";
      return out;
    }
    out.info = info;
    loaded_libraries().push_back(std::move(library));
  } catch (const std::exception& e) {
    out.record.problem = std::string("cannot be loaded: ") + e.what();
  }
  return out;
}

bool is_library_file(const fs::path& p) {
  const std::string name = p.filename().string();
  return p.extension() == ".so" || name.find(".so.") != std::string::npos || p.extension() == ".dylib";
}

}  // namespace

PluginRegistry::PluginRegistry(std::vector<fs::path> extra) : directories_(std::move(extra)) {
  for (auto& d : default_directories()) directories_.push_back(d);
}

std::vector<fs::path> PluginRegistry::environment_directories() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("WEFT_PLUGIN_PATH")) {
    const std::string s = env;
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t end = s.find(':', start);
      if (end == std::string::npos) end = s.size();
      if (end > start) dirs.emplace_back(s.substr(start, end - start));
      start = end + 1;
    }
  }
  return dirs;
}

std::vector<fs::path> PluginRegistry::default_directories() {
  std::vector<fs::path> dirs = environment_directories();
  std::error_code ec;
  fs::path exe_dir;
  try {
    exe_dir = boost::dll::program_location().parent_path().string();
  } catch (...) {
  }
  bool installed = false;
  if (!exe_dir.empty()) {
    dirs.push_back(exe_dir / "plugins");
    dirs.push_back(exe_dir / ".." / WEFT_PLUGIN_RELATIVE_INSTALL_DIR);
    installed = fs::is_directory(dirs.back(), ec);
  }
  // An installed weft uses its own plugins, never those of the build tree it was made in
  // (which may since have been rebuilt against changed headers).
  if (!installed) dirs.emplace_back(WEFT_PLUGIN_BUILD_DIR);
  return dirs;
}

// A file already loaded (by a registry or an earlier call) is reused.
static const LoadedPlugin& load_cached(const fs::path& canonical) {
  auto& cache = loaded_plugins();
  auto it = std::find_if(cache.begin(), cache.end(), [&](const LoadedPlugin& p) { return p.record.file == canonical; });
  if (it != cache.end()) return *it;
  cache.push_back(load(canonical));
  return cache.back();
}

PluginFile load_plugin_file(const fs::path& file) {
  std::error_code ec;
  PluginFile out;
  if (!fs::exists(file, ec)) {
    out.record.file = file;
    out.record.problem = "no such file";
    return out;
  }
  if (!fs::is_regular_file(file, ec)) {
    out.record.file = file;
    out.record.problem = "not a regular file";
    return out;
  }
  const fs::path canonical = fs::weakly_canonical(file, ec);
  const LoadedPlugin& loaded = load_cached(ec ? file : canonical);
  out.record = loaded.record;
  if (loaded.record.problem.empty() && loaded.info) out.create = loaded.info->create;
  return out;
}

void PluginRegistry::scan() {
  if (scanned_) return;
  scanned_ = true;
  std::set<fs::path> seen_files;
  for (const auto& dir : directories_) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_regular_file(ec) && is_library_file(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      const fs::path canonical = fs::weakly_canonical(file, ec);
      if (!seen_files.insert(canonical).second) continue;
      // A file already loaded by another registry in this process is reused.
      records_.push_back(load_cached(canonical).record);
    }
  }
}

const std::vector<PluginRecord>& PluginRegistry::records() {
  scan();
  return records_;
}

std::vector<std::string> PluginRegistry::names(const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& r : records())
    if (r.problem.empty() && r.kind == kind && std::find(out.begin(), out.end(), r.name) == out.end())
      out.push_back(r.name);
  return out;
}

void* PluginRegistry::create(const std::string& kind, const std::string& name, const std::string& context,
                             fs::path* file) {
  for (const auto& r : records()) {
    if (!r.problem.empty() || r.kind != kind || r.name != name) continue;
    const auto& cache = loaded_plugins();
    auto it = std::find_if(cache.begin(), cache.end(), [&](const LoadedPlugin& p) { return p.record.file == r.file; });
    void* object = nullptr;
    try {
      object = it->info->create();
    } catch (const std::exception& e) {
      throw InputError(context + ": " + kind + " plugin '" + name + "' (" + r.file.string() +
                       ") failed to start: " + e.what());
    } catch (...) {
      throw InputError(context + ": " + kind + " plugin '" + name + "' (" + r.file.string() + ") failed to start");
    }
    if (!object)
      throw InputError(context + ": " + kind + " plugin '" + name + "' (" + r.file.string() + ") created no object");
    if (file) *file = r.file;
    return object;
  }
  const auto known = names(kind);
  std::string message = context + ": unknown " + kind + " '" + name + "'" + did_you_mean(name, known);
  const std::string list = join(known);
  message += known.empty() ? "; no " + kind + " plugins were found (see `weft plugins`)" : "; available: " + list;
  std::size_t broken = 0;
  for (const auto& r : records()) broken += !r.problem.empty();
  if (broken) message += " (" + std::to_string(broken) + " plugin file(s) could not be used; see `weft plugins`)";
  throw InputError(message);
}

std::unique_ptr<Family> PluginRegistry::create_family(const std::string& name, const std::string& context) {
  fs::path file;
  std::unique_ptr<Family> family(static_cast<Family*>(create("family", name, context, &file)));
  return guard_family(std::move(family), {"family", name, file});  // its exceptions become PluginErrors naming the file
}
std::unique_ptr<Link> PluginRegistry::create_link(const std::string& name, const std::string& context) {
  return std::unique_ptr<Link>(static_cast<Link*>(create("link", name, context)));
}
std::unique_ptr<Integrator> PluginRegistry::create_integrator(const std::string& name, const std::string& context) {
  fs::path file;
  std::unique_ptr<Integrator> integrator(static_cast<Integrator*>(create("integrator", name, context, &file)));
  return guard_integrator(std::move(integrator), {"integrator", name, file});
}
std::unique_ptr<Optimizer> PluginRegistry::create_optimizer(const std::string& name, const std::string& context) {
  fs::path file;
  std::unique_ptr<Optimizer> optimizer(static_cast<Optimizer*>(create("optimizer", name, context, &file)));
  return guard_optimizer(std::move(optimizer), {"optimizer", name, file});
}

}  // namespace weft::registry
