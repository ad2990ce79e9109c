#pragma once
// Unit tests use the real plugins from the build tree.
#include "config/model_spec.hpp"
#include "data/data_frame.hpp"
#include "fit/prepared_model.hpp"
#include "registry/plugin_registry.hpp"

#include <string>
#include <vector>

namespace weft::testing {

inline registry::PluginRegistry& build_tree_plugins() {
  static registry::PluginRegistry registry({WEFT_BUILD_PLUGIN_DIR_FOR_TESTS});
  return registry;
}

// The model of a reference case folder (config.yaml and its data), with `--set` values.
inline fit::PreparedModel prepared_case(const std::string& dir, const std::vector<std::string>& set = {}) {
  config::LoadOptions options;
  options.set = set;
  const auto spec = config::load_model_spec(dir + "/config.yaml", options);
  const auto data = data::read_csv(spec.data_path, spec.data_name);
  return fit::prepare_model(spec, data, build_tree_plugins());
}

}  // namespace weft::testing
