#pragma once
// Unit tests use the real plugins from the build tree.
#include "registry/plugin_registry.hpp"

namespace weft::testing {

inline registry::PluginRegistry& build_tree_plugins() {
  static registry::PluginRegistry registry({WEFT_BUILD_PLUGIN_DIR_FOR_TESTS});
  return registry;
}

}  // namespace weft::testing
