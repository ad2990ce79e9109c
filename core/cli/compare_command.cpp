// weft compare A.yaml B.yaml ...: lme4's anova(m1, m2, ...) for nested models. Each model is
// fitted by maximum likelihood: a REML model (a linear mixed model by default, or `reml: true`)
// is fitted with reml = false, as anova(refit = TRUE) refits it.
#include <weft/errors.hpp>

#include "commands.hpp"
#include "config/model_spec.hpp"
#include "data/data_frame.hpp"
#include "fit/estimation.hpp"
#include "fit/prepared_model.hpp"
#include "inference/model_comparison.hpp"
#include "progress/progress.hpp"
#include "registry/plugin_registry.hpp"
#include "report/comparison_report.hpp"
#include "report/json_report.hpp"

#include <filesystem>
#include <iostream>
#include <set>

namespace weft::cli {

namespace {

// Row names: the files' names without folder and extension (m1.yaml -> m1), or the paths as
// given when two files share a name.
std::vector<std::string> row_names(const std::vector<std::string>& files) {
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(std::filesystem::path(file).stem().string());
  if (std::set<std::string>(names.begin(), names.end()).size() != names.size()) return files;
  return names;
}

// The model in `file` fitted by maximum likelihood; `refitted` is set when its own criterion
// is REML.
inference::ComparedModel fit_by_ml(const std::string& file, const std::string& name, bool& refitted,
                                   progress::Monitor& monitor) {
  const config::ModelSpec spec = config::load_model_spec(file, {});
  const data::DataFrame data = read_model_data(spec);
  registry::PluginRegistry registry(spec.plugin_path);
  const fit::PreparedModel model = fit::prepare_model(spec, data, registry);
  refitted = refitted || model.reml;
  fit::EstimateOptions options;
  options.reml = false;
  const progress::Task task(&monitor, "weft compare " + file);
  fit::FitResult result = fit::estimate_model(model, options).result;
  std::error_code ec;
  const auto data_file = std::filesystem::weakly_canonical(spec.data_path, ec);
  return {name, file, ec ? spec.data_path.string() : data_file.string(), std::move(result)};
}

}  // namespace

int run_compare(const CompareArguments& args) {
  if (args.format != "text" && args.format != "json")
    throw InputError("--format: expected text or json, got '" + args.format + "'");
  if (args.models.size() < 2) throw InputError("compare: give at least two model files");
  progress::Monitor monitor(progress::Settings::for_stream(
      stderr, args.quiet ? progress::Verbosity::Quiet : progress::Verbosity::Normal));
  const progress::Scope scope(&monitor);
  const std::vector<std::string> names = row_names(args.models);
  std::vector<inference::ComparedModel> models;
  bool refitted = false;
  for (std::size_t i = 0; i < args.models.size(); ++i)
    models.push_back(fit_by_ml(args.models[i], names[i], refitted, monitor));

  const inference::ModelComparison comparison = inference::compare_models(models);
  // lme4's message, said once the comparison stands (bad input stays one line on stderr).
  if (refitted && !args.quiet) std::cerr << "refitting model(s) with ML (instead of REML)" << std::endl;
  write_output(args.output, args.format == "json" ? report::dump(report::comparison_document(comparison))
                                                  : report::comparison_text(comparison));
  bool converged = true;
  for (const auto& model : models) {
    if (model.fit.converged) continue;
    converged = false;
    if (!args.quiet) std::cerr << "warning: " << model.config << ": the fit did not converge" << std::endl;
  }
  return converged ? 0 : 3;
}

}  // namespace weft::cli
