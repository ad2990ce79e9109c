#include <weft/errors.hpp>

#include "commands.hpp"
#include "config/model_spec.hpp"
#include "data/data_frame.hpp"
#include "fit/estimation.hpp"
#include "fit/prepared_model.hpp"
#include "progress/progress.hpp"
#include "registry/plugin_registry.hpp"
#include "report/json_report.hpp"
#include "report/text_summary.hpp"

#include <optional>

namespace weft::cli {

int run_fit(const FitArguments& args) {
  if (args.format != "text" && args.format != "json")
    throw InputError("--format: expected text or json, got '" + args.format + "'");
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
  std::optional<fit::FitResult> fitted;
  {
    const progress::Task task(&monitor, "weft fit " + args.config);
    const fit::PreparedModel model = fit::prepare_model(spec, data, registry);
    fitted.emplace(fit::estimate(model));
  }
  const fit::FitResult& result = *fitted;
  write_output(args.output, args.format == "json" ? report::dump(report::result_document(result))
                                                  : report::text_summary(result));
  return result.converged ? 0 : 3;
}

}  // namespace weft::cli
