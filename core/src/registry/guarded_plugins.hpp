#pragma once
// Keeps every plugin's exceptions from escaping as internal errors.
//
// The registry wraps each family, integrator and optimizer it creates in a guard: an exception
// thrown by any of the plugin's functions becomes a PluginError (an InputError, so the CLI prints
// one line and exits 2) that names the plugin's kind, name, file and function and the plugin's
// message. A PluginError raised inside another guarded plugin (a family failing while an
// integrator evaluates it) passes through unchanged: the first plugin to fail is the one named.
// InputErrors from configure() and bind() are a plugin's verdict on the user's input (an AGQ
// integrator refusing crossed factors) and pass through as they are.
//
// An optimizer never sees a plugin's exception: the kernel's Objective turns it into
// EvaluationAborted (optimizer.hpp), which the guarded optimizer lets through, and the kernel
// rethrows the PluginError it stored.
#include <weft/errors.hpp>
#include <weft/family.hpp>
#include <weft/integrator/integrator.hpp>
#include <weft/optimizer.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace weft::registry {

class PluginError : public InputError {
 public:
  using InputError::InputError;
};

// Where a guarded plugin came from, for its messages.
struct PluginOrigin {
  std::string kind;  // family | integrator | optimizer
  std::string name;
  std::filesystem::path file;
};

std::unique_ptr<Family> guard_family(std::unique_ptr<Family> family, PluginOrigin origin);
std::unique_ptr<Integrator> guard_integrator(std::unique_ptr<Integrator> integrator, PluginOrigin origin);
std::unique_ptr<Optimizer> guard_optimizer(std::unique_ptr<Optimizer> optimizer, PluginOrigin origin);

}  // namespace weft::registry
