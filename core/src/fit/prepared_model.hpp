#pragma once
// A model ready to estimate: its plugins chosen and configured, its matrices built.
#include <weft/family.hpp>
#include <weft/integrator/integrator.hpp>
#include <weft/link.hpp>
#include <weft/optimizer.hpp>

#include "config/model_spec.hpp"
#include "data/data_frame.hpp"
#include "design/model_builder.hpp"
#include "registry/plugin_registry.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace weft::fit {

struct PreparedModel {
  std::unique_ptr<Family> family;
  std::unique_ptr<Link> link;
  std::unique_ptr<Integrator> integrator;
  std::unique_ptr<Optimizer> optimizer;
  // The same optimiser for the first stage, whose result is only a start: a looser
  // tolerance unless the model file sets one.
  std::unique_ptr<Optimizer> first_stage_optimizer;
  // Another optimizer for escapes (pipeline.hpp): the first other one the registry has, by
  // name; null when there is none.
  std::unique_ptr<Optimizer> alternative_optimizer;
  config::StartSpec start;  // the user's `start:` values
  bool reml = false;         // the criterion: `reml:`, else REML for a linear mixed model (lmer's default)
  std::vector<std::optional<double>> fixed_family_parameters;  // per Family::parameters()
  config::ComponentSpec family_options;  // the family map's keys the family reads (configure)
  design::BuiltModel built;
  std::string integrator_name, optimizer_name;
  std::string config_name, data_name, formula, zi_formula;
  std::vector<std::string> plugin_path;  // extra plugin folders, for predict
  std::size_t n_omitted = 0;             // rows dropped by na_action: omit
  std::vector<std::size_t> source_rows;  // each model row's row as read, when rows were dropped
  config::ModelSpec spec;                // the recipe, for the result document (simulate, compare)
};

// Chooses and configures the plugins named in `spec`, validates family parameters and link,
// builds the design from `data` and checks the response against the family. Every problem
// is an InputError naming the config or data file and the key, column or row.
// `shards` (mpirun): `data` is this process's rows; the design is learned from every process's
// rows and holds this process's (ModelRequest::shards).
PreparedModel prepare_model(const config::ModelSpec& spec, const data::DataFrame& data,
                            registry::PluginRegistry& registry, const RowShards* shards = nullptr);

}  // namespace weft::fit
