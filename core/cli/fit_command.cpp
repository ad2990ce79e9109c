#include <weft/errors.hpp>

#include "commands.hpp"
#include "config/model_spec.hpp"
#include "data/data_frame.hpp"
#include "fit/estimation.hpp"
#include "fit/prepared_model.hpp"
#include "progress/progress.hpp"
#include "inference/confidence_intervals.hpp"
#include "registry/plugin_registry.hpp"
#include "report/json_report.hpp"
#include "report/text_summary.hpp"

#include <optional>

namespace weft::cli {

int run_fit(const FitArguments& args) {
  if (args.format != "text" && args.format != "json")
    throw InputError("--format: expected text or json, got '" + args.format + "'");
  if (args.confint && *args.confint != "wald" && *args.confint != "profile") {
    if (*args.confint == "boot")
      throw InputError("--confint boot: the parametric bootstrap is not available yet; use wald or profile");
    throw InputError("--confint: expected wald, profile or boot, got '" + *args.confint + "'");
  }
  if (!(args.level > 0 && args.level < 1))
    throw InputError("--level: expected a number between 0 and 1, got " + std::to_string(args.level));
  config::LoadOptions load;
  load.data_override = args.data;
  load.set = args.set;
  const config::ModelSpec spec = config::load_model_spec(args.config, load);
  const data::DataFrame data = data::read_csv(spec.data_path, spec.data_name);
  registry::PluginRegistry registry(spec.plugin_path);
  // Progress on stderr: a bar on a terminal for fits over ~2 s, the trace with --verbose.
  progress::Monitor monitor(progress::Settings::for_stream(
      stderr, args.quiet ? progress::Verbosity::Quiet : args.verbose ? progress::Verbosity::Verbose
                                                                     : progress::Verbosity::Normal));
  const progress::Scope scope(&monitor);
  const fit::PreparedModel model = fit::prepare_model(spec, data, registry);
  std::optional<fit::FittedModel> fitted;
  {
    const progress::Task task(&monitor, "weft fit " + args.config);
    fitted.emplace(fit::estimate_model(model));
  }
  fit::FitResult result = fitted->result;
  if (args.confint) {
    const progress::Task task(&monitor, "confint " + *args.confint);
    result.confint = inference::confidence_intervals(model, *fitted, *args.confint, args.level);
  }
  write_output(args.output, args.format == "json" ? report::dump(report::result_document(result))
                                                  : report::text_summary(result));
  return result.converged ? 0 : 3;
}

}  // namespace weft::cli
