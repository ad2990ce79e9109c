// weft simulate and weft residuals: both rebuild the fitted model from a result document (its
// recipe, "model"."spec", re-reads the data file) and work at its estimates.
#include <weft/errors.hpp>

#include "commands.hpp"
#include "config/model_spec_json.hpp"
#include "data/data_frame.hpp"
#include "fit/prepared_model.hpp"
#include "inference/residuals.hpp"
#include "inference/simulation.hpp"
#include "registry/plugin_registry.hpp"

#include <cstdio>
#include <memory>

namespace weft::cli {

namespace {

// The fitted model rebuilt from its result document. The registry outlives the plugins it loaded.
struct RebuiltFit {
  std::unique_ptr<registry::PluginRegistry> registry;
  fit::PreparedModel model;
  inference::SimulationPoint at;
};

RebuiltFit rebuild(const std::string& path) {
  const nlohmann::json doc = read_result_document(path);
  if (!doc.contains("model") || !doc["model"].is_object() || !doc["model"].contains("spec"))
    throw InputError(path + ": the result has no model recipe (\"model\".\"spec\"); refit it with this weft's "
                            "`weft fit --format json`");
  const config::ModelSpec spec = config::spec_from_json(doc["model"]["spec"], path);
  // Messages name the files by their full paths (the result may be read from anywhere).
  std::vector<std::filesystem::path> files = spec.data_paths.empty() ? std::vector{spec.data_path} : spec.data_paths;
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.string());
  const data::DataFrame data = data::read_csv_files(files, names);
  RebuiltFit out;
  out.registry = std::make_unique<registry::PluginRegistry>(spec.plugin_path);
  out.model = fit::prepare_model(spec, data, *out.registry);
  out.at = inference::simulation_point(doc["model"], path, out.model);
  return out;
}

}  // namespace

int run_simulate(const SimulateArguments& args) {
  if (args.nsim < 1) throw InputError("--nsim: expected at least 1, got " + std::to_string(args.nsim));
  const RebuiltFit fit = rebuild(args.result);
  const Matrix sims = inference::simulate_responses(fit.model, fit.at, args.nsim, args.seed, args.conditional);
  // R's simulate(): one column per data set, sim_1, sim_2, ...
  std::string csv;
  for (Index d = 0; d < sims.cols(); ++d) csv += (d ? ",sim_" : "sim_") + std::to_string(d + 1);
  csv += "\n";
  for (Index i = 0; i < sims.rows(); ++i) {
    for (Index d = 0; d < sims.cols(); ++d)
      csv += (d ? "," : "") + csv_field(inference::response_text(fit.model, sims(i, d)));
    csv += "\n";
  }
  write_output(args.output, csv);
  return 0;
}

int run_residuals(const ResidualsArguments& args) {
  inference::ResidualType type = inference::residual_type(args.type, "--type");
  const RebuiltFit fit = rebuild(args.result);
  const Vector r = inference::residuals(fit.model, fit.at, type, args.nsim, args.seed);
  std::string csv = args.type + "\n";
  char buffer[40];
  for (Index i = 0; i < r.size(); ++i) {
    std::snprintf(buffer, sizeof buffer, "%.17g\n", r(i));
    csv += buffer;
  }
  write_output(args.output, csv);
  return 0;
}

}  // namespace weft::cli
