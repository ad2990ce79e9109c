#pragma once
// Keeps a family plugin's exceptions from escaping as internal errors.
//
// Every family the registry creates is wrapped in a guard: an exception thrown by any of the
// plugin's functions becomes a PluginError (an InputError, so the CLI prints one line and exits
// 2) that names the plugin file, the function and the plugin's message. Optimizer plugins
// treat an exception from the objective as a failed step and carry on, so the guard also
// remembers the first failure: rethrow_plugin_failure() raises it after an optimizer returns.
#include <weft/errors.hpp>
#include <weft/family.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace weft::registry {

class PluginError : public InputError {
 public:
  using InputError::InputError;
};

// `family` wrapped so that its exceptions become PluginErrors naming `file` and `name`.
std::unique_ptr<Family> guard_family(std::unique_ptr<Family> family, const std::filesystem::path& file,
                                     const std::string& name);

// Throws the first PluginError a guarded family raised, if any (no-op for other families).
void rethrow_plugin_failure(const Family& family);

}  // namespace weft::registry
