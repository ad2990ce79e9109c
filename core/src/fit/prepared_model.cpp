#include "fit/prepared_model.hpp"
#include "distributed/shard_agreement.hpp"
#include "registry/guarded_plugins.hpp"
#include "util/text.hpp"

#include <weft/errors.hpp>
#include <weft/integrator/linear_mixed.hpp>
#include <weft/spelling.hpp>

#include <algorithm>
#include <cmath>

namespace weft::fit {

namespace {

// Rejects option keys a plugin does not take, then lets it read the rest.
template <class Plugin>
void configure(Plugin& plugin, const config::ComponentSpec& spec, const std::string& config_name,
               const std::string& section) {
  const auto allowed = plugin.option_names();
  for (const auto& key : spec.keys())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw InputError(config_name + ": " + section + "." + key + ": " + section + " '" + spec.name +
                       "' has no option '" + key + "'" + did_you_mean(key, allowed) +
                       (allowed.empty() ? "; it takes none" : "; it takes: " + join(allowed)));
  plugin.configure(Options(config_name, section, spec.options, spec.lists));
}

// The key of the family map that orders a response with levels (read by the kernel).
constexpr const char* kLevelsKey = "levels";

// The family map's keys, by who reads them: the family's options (configure), the kernel's
// `levels` (families whose response has levels), and the rest: fixed family parameters.
struct FamilyMap {
  config::ComponentSpec options;      // keys in Family::option_names()
  std::optional<std::vector<std::string>> levels;
  config::ComponentSpec parameters;   // everything else
};

FamilyMap split_family_map(const Family& family, const config::ComponentSpec& spec) {
  FamilyMap map{{spec.name, {}, {}}, std::nullopt, {spec.name, {}, {}}};
  const auto option_names = family.option_names();
  const bool has_levels = family.support() == Support::OrderedCategories;
  auto is_option = [&](const std::string& key) {
    return std::find(option_names.begin(), option_names.end(), key) != option_names.end();
  };
  for (const auto& [key, value] : spec.options) {
    if (has_levels && key == kLevelsKey) map.levels = std::vector<std::string>{value};
    else (is_option(key) ? map.options : map.parameters).options.emplace(key, value);
  }
  for (const auto& [key, items] : spec.lists) {
    if (has_levels && key == kLevelsKey) map.levels = items;
    else (is_option(key) ? map.options : map.parameters).lists.emplace(key, items);
  }
  return map;
}

// Family parameters given in the family map are fixed; each must be a valid value. Any other
// key is unknown (the message lists the parameters and options the family takes).
std::vector<std::optional<double>> fixed_family_parameters(const Family& family, const config::ComponentSpec& spec,
                                                           const std::string& config_name) {
  const auto parameters = family.parameters();
  std::vector<std::string> names, known;
  for (const auto& p : parameters) names.push_back(p.name);
  for (const auto& o : family.option_names()) known.push_back(o);
  if (family.support() == Support::OrderedCategories) known.push_back(kLevelsKey);
  known.insert(known.end(), names.begin(), names.end());
  for (const auto& key : spec.keys())
    if (std::find(names.begin(), names.end(), key) == names.end())
      throw InputError(config_name + ": family." + key + ": family '" + spec.name + "' has no parameter " +
                       (family.option_names().empty() ? "" : "or option ") + "'" + key + "'" + did_you_mean(key, known) +
                       (known.empty() ? "; it has none" : "; it takes: " + join(known)));
  const Options options(config_name, "family", spec.options, spec.lists);
  std::vector<std::optional<double>> fixed(parameters.size());
  for (std::size_t k = 0; k < parameters.size(); ++k) {
    if (!options.has(parameters[k].name)) continue;
    switch (parameters[k].scale) {
      case ParameterScale::Log:
        fixed[k] = options.number(parameters[k].name, 1.0, 0.0, HUGE_VAL, "a positive number");
        if (*fixed[k] <= 0) options.fail(parameters[k].name, "expected a positive number, got '" + *options.text(parameters[k].name) + "'");
        break;
      case ParameterScale::Logit:
        fixed[k] = options.number(parameters[k].name, 0.5, 0.0, 1.0, "a number between 0 and 1 (exclusive)");
        if (*fixed[k] <= 0 || *fixed[k] >= 1) options.fail(parameters[k].name, "expected a number between 0 and 1 (exclusive), got '" + *options.text(parameters[k].name) + "'");
        break;
      case ParameterScale::Identity:
        fixed[k] = options.number(parameters[k].name, 0.0);
        break;
      case ParameterScale::Increasing:
        options.fail(parameters[k].name, "'" + parameters[k].name + "' is ordered after '" + parameters[k - 1].name +
                                             "' and is estimated with it; it cannot be fixed");
    }
  }
  return fixed;
}

std::unique_ptr<Link> choose_link(const Family& family, const std::optional<std::string>& requested,
                                  registry::PluginRegistry& registry, const std::string& config_name) {
  const std::string name = requested.value_or(family.default_link());
  const auto accepted = family.links();
  if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
    const bool known = make_builtin_link(name) != nullptr || !registry.names("link").empty();
    throw InputError(config_name + ": link: " +
                     (known ? "family '" + family.name() + "' does not take the link '" + name + "'"
                            : "unknown link '" + name + "'") +
                     did_you_mean(name, accepted) + "; it takes: " + join(accepted));
  }
  if (auto builtin = make_builtin_link(name)) return builtin;
  return registry.create_link(name, config_name + ": link");
}

}  // namespace

PreparedModel prepare_model(const config::ModelSpec& spec, const data::DataFrame& data,
                            registry::PluginRegistry& registry, const RowShards* shards) {
  const std::string& cfg = spec.config_name;
  PreparedModel m;
  m.spec = spec;
  m.config_name = cfg;
  m.data_name = spec.data_name;
  m.formula = spec.formula;
  for (const auto& g : spec.groups) m.formula += " + (1 | " + g + ")";  // as lme4 would print it
  m.zi_formula = spec.zi_formula.value_or("");
  for (const auto& d : spec.plugin_path) m.plugin_path.push_back(d.string());

  m.family = registry.create_family(spec.family.name, cfg + ": family");
  const FamilyMap family_map = split_family_map(*m.family, spec.family);
  m.family->configure(Options(cfg, "family", family_map.options.options, family_map.options.lists));
  m.family_options = family_map.options;
  m.link = choose_link(*m.family, spec.link, registry, cfg);
  m.reml = spec.reml.value_or(is_linear_mixed_model(*m.family, *m.link));
  m.integrator = registry.create_integrator(spec.integrator.name, cfg + ": integrator");
  configure(*m.integrator, spec.integrator, cfg, "integrator");
  m.integrator_name = spec.integrator.name;
  m.optimizer = registry.create_optimizer(spec.optimizer.name, cfg + ": optimizer");
  configure(*m.optimizer, spec.optimizer, cfg, "optimizer");
  m.optimizer_name = spec.optimizer.name;
  m.first_stage_optimizer = registry.create_optimizer(spec.optimizer.name, cfg + ": optimizer");
  config::ComponentSpec first_stage = spec.optimizer;
  const auto accepted = m.first_stage_optimizer->option_names();
  if (!first_stage.options.count("tolerance") &&
      std::find(accepted.begin(), accepted.end(), "tolerance") != accepted.end())
    first_stage.options["tolerance"] = "1e-3";
  configure(*m.first_stage_optimizer, first_stage, cfg, "optimizer");
  auto optimizers = registry.names("optimizer");
  std::sort(optimizers.begin(), optimizers.end());
  for (const auto& name : optimizers)
    if (name != spec.optimizer.name) {
      m.alternative_optimizer = registry.create_optimizer(name, cfg + ": optimizer");
      m.alternative_optimizer->configure(Options(cfg, "optimizer", {}));
      break;
    }
  m.start = spec.start;

  if (spec.zi_formula && !m.family->uses_zero_model()) {
    std::vector<std::string> with_zero_model;  // what the plugins found declare, not a list kept here
    for (const auto& name : registry.names("family"))
      if (registry.create_family(name, cfg + ": family")->uses_zero_model()) with_zero_model.push_back(name);
    throw InputError(cfg + ": zi: family '" + m.family->name() + "' has no zero-inflation or hurdle part; " +
                     (with_zero_model.empty() ? std::string("no family plugin found has one")
                                              : "use " + join(with_zero_model, ", ") + ", or remove zi"));
  }

  design::ModelRequest request;
  request.formula = spec.formula;
  request.zi_formula = spec.zi_formula;
  request.groups = spec.groups;
  request.weights = spec.weights;
  request.offset = spec.offset;
  request.binomial_response = m.family->support() == Support::Binomial;
  request.level_response = m.family->support() == Support::OrderedCategories;
  request.level_order.given = family_map.levels;
  request.level_order.levels_key = cfg + ": family." + kLevelsKey;
  request.level_order.family_name = spec.family.name;
  request.absorb_intercept = m.family->absorbs_intercept();
  request.zero_model = m.family->uses_zero_model();
  request.config_name = cfg;
  request.shards = shards;
  // na_action: omit fits the rows without a missing value in a column the model uses.
  std::optional<data::DataFrame> complete;
  if (spec.na_action == config::NaAction::Omit) {
    const std::vector<std::size_t> dropped = design::incomplete_rows(request, data);
    // Counted over every process's rows (one table's counts under mpirun).
    const auto rows = std::size_t(distributed::summed_over_processes(shards, double(data.rows())));
    m.n_omitted = std::size_t(distributed::summed_over_processes(shards, double(dropped.size())));
    if (rows - m.n_omitted < 2)
      throw InputError(data.source + ": na_action: omit leaves " + std::to_string(rows - m.n_omitted) + " of " +
                       std::to_string(rows) +
                       " rows (the others have missing values in columns the model uses); a mixed model needs "
                       "at least two");
    if (!dropped.empty()) {
      complete.emplace(data::drop_rows(data, dropped));
      m.source_rows = complete->source_rows;
    }
  }
  const data::DataFrame& used = complete ? *complete : data;
  m.built = design::build_model(request, used);

  // The family sees the response before it lists its parameters (ordinal: K - 1 thresholds).
  try {
    m.family->set_response(m.built.response_levels);
  } catch (const registry::PluginError&) {
    throw;
  } catch (const InputError& e) {
    throw InputError(cfg + ": family: " + e.what());
  }
  m.fixed_family_parameters = fixed_family_parameters(*m.family, family_map.parameters, cfg);

  const ModelMatrices& mm = m.built.matrices;
  if (mm.terms.empty())
    throw InputError(cfg + ": formula: no random-effects terms such as (1 | group); weft fits mixed models "
                           "(add a random term or a `groups:` key)");
  const Observations obs{{mm.y.data(), std::size_t(mm.n())}, {mm.weights.data(), std::size_t(mm.n())}};
  if (auto problem = m.family->check_response(obs))
    throw InputError(used.where(problem->row) + ": response " + m.built.response + ": " + problem->reason);
  return m;
}

}  // namespace weft::fit
