#pragma once
// Finds, loads and checks plugins (Boost.DLL), and creates their objects by kind and name.
//
// Search order (the first plugin of a kind and name wins): directories from the model's
// `plugin_path` and --plugin-path, $WEFT_PLUGIN_PATH (':'-separated), the build tree's plugin
// folder next to the executable (build/plugins), the installed one
// (<prefix>/lib/weft/plugins, found relative to the executable), and, unless that installed
// folder exists, the build tree's plugin folder compiled in. Libraries stay loaded for
// the life of the process, so objects from them can never outlive their code.
#include <weft/family.hpp>
#include <weft/integrator/integrator.hpp>
#include <weft/link.hpp>
#include <weft/optimizer.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace weft::registry {

struct PluginRecord {
  std::string kind;     // family | link | integrator | optimizer (empty when broken)
  std::string name;
  std::string version;
  unsigned abi_version = 0;
  std::filesystem::path file;
  std::string problem;  // why the file cannot be used; empty when it can
};

// One library file loaded directly, without searching (weft check-family): its record and,
// when the record has no problem, the plugin's factory. Never throws; the library stays loaded.
struct PluginFile {
  PluginRecord record;
  void* (*create)() = nullptr;
};
PluginFile load_plugin_file(const std::filesystem::path& file);

class PluginRegistry {
 public:
  // `extra` directories are searched before the defaults.
  explicit PluginRegistry(std::vector<std::filesystem::path> extra = {});

  // Every plugin file found, loadable or not, in search order.
  const std::vector<PluginRecord>& records();
  const std::vector<std::filesystem::path>& directories() const { return directories_; }
  // Names of the usable plugins of one kind.
  std::vector<std::string> names(const std::string& kind);

  // New objects; an InputError "<context>: unknown family 'x' (did you mean ...?)" when none
  // has that name, or naming the file when the plugin fails to create its object.
  std::unique_ptr<Family> create_family(const std::string& name, const std::string& context);
  std::unique_ptr<Link> create_link(const std::string& name, const std::string& context);
  std::unique_ptr<Integrator> create_integrator(const std::string& name, const std::string& context);
  std::unique_ptr<Optimizer> create_optimizer(const std::string& name, const std::string& context);

  // The default search directories for the running executable.
  static std::vector<std::filesystem::path> default_directories();
  // The folders in $WEFT_PLUGIN_PATH (':'-separated), in order.
  static std::vector<std::filesystem::path> environment_directories();

 private:
  void scan();
  void* create(const std::string& kind, const std::string& name, const std::string& context,
               std::filesystem::path* file = nullptr);

  std::vector<std::filesystem::path> directories_;
  std::vector<PluginRecord> records_;
  bool scanned_ = false;
};

}  // namespace weft::registry
