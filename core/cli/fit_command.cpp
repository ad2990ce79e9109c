#include <weft/errors.hpp>

#include "commands.hpp"
#include "config/model_spec.hpp"
#include "data/data_frame.hpp"
#include "distributed/row_partition.hpp"
#include "fit/estimation.hpp"
#include "fit/prepared_model.hpp"
#include "inference/bootstrap.hpp"
#include "inference/confidence_intervals.hpp"
#include "processes.hpp"
#include "progress/progress.hpp"
#include "registry/plugin_registry.hpp"
#include "report/json_report.hpp"
#include "report/text_summary.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

namespace weft::cli {

namespace {

// With WEFT_TIMING set: seconds since the last lap on stderr, as estimation's step timer
// prints them (reading the data and building the model come before the fit's own steps).
class Lap {
 public:
  void operator()(const std::string& step) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "timing: %-40s %8.3f s\n", step.c_str(), std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count(); }

 private:
  bool enabled_ = std::getenv("WEFT_TIMING") != nullptr;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// "read data (20.5 MB, 120 MB/s)"
std::string read_step(const std::filesystem::path& path, double seconds) {
  std::error_code ec;
  const double mb = double(std::filesystem::file_size(path, ec)) / 1e6;
  char text[80];
  std::snprintf(text, sizeof text, "read data (%.1f MB, %.0f MB/s)", ec ? 0.0 : mb, ec ? 0.0 : mb / seconds);
  return text;
}

// The bootstrap's replicates as CSV: one row per replicate, one column per parameter (lme4's
// confint names), "NA" where a refit failed, and whether the refit converged.
std::string draws_csv(const inference::BootstrapResult& boot) {
  std::string csv = "replicate";
  for (const auto& name : boot.names) csv += "," + csv_field(name);
  csv += ",converged\n";
  char buffer[40];
  for (Index d = 0; d < boot.draws.rows(); ++d) {
    csv += std::to_string(d + 1);
    for (Index k = 0; k < boot.draws.cols(); ++k) {
      const double v = boot.draws(d, k);
      if (std::isfinite(v)) std::snprintf(buffer, sizeof buffer, ",%.17g", v);
      csv += std::isfinite(v) ? std::string(buffer) : std::string(",NA");
    }
    csv += boot.converged[std::size_t(d)] ? ",TRUE\n" : ",FALSE\n";
  }
  return csv;
}

}  // namespace

int run_fit(const FitArguments& args) {
  if (args.format != "text" && args.format != "json")
    throw InputError("--format: expected text or json, got '" + args.format + "'");
  if (args.confint && *args.confint != "wald" && *args.confint != "profile" && *args.confint != "boot")
    throw InputError("--confint: expected wald, profile or boot, got '" + *args.confint + "'");
  if (!(args.level > 0 && args.level < 1))
    throw InputError("--level: expected a number between 0 and 1, got " + std::to_string(args.level));
  if (args.confint == "boot") inference::require_replicates(args.nsim);
  if (processes::count() > 1 && args.confint && *args.confint != "wald")
    throw InputError("--confint " + *args.confint + ": runs on one process; under mpirun, use --confint wald");
  config::LoadOptions load;
  load.data_override = args.data;
  load.set = args.set;
  // Progress on stderr: a bar on a terminal for fits over ~2 s, the trace with --verbose
  // (under mpirun, from process 0 only).
  progress::Monitor monitor(progress::Settings::for_stream(
      stderr, args.quiet || !processes::reports() ? progress::Verbosity::Quiet
              : args.verbose                      ? progress::Verbosity::Verbose
                                                  : progress::Verbosity::Normal));
  const progress::Scope scope(&monitor);
  // Reading and building the model: under mpirun every process reads its own rows only and
  // builds its part of the design, learning levels and constants from every process's rows
  // (distributed/row_partition.hpp); an error on any process stops all of them with one line.
  std::optional<registry::PluginRegistry> registry;
  std::optional<fit::PreparedModel> prepared;
  processes::on_every_process([&] {
    const config::ModelSpec spec = config::load_model_spec(args.config, load);
    Lap lap;
    const RowShards* shards = processes::row_shards();
    const data::DataFrame data = shards ? distributed::read_rows_of_this_process(spec, *shards) : read_model_data(spec);
    lap(read_step(spec.data_path, lap.seconds()));
    registry.emplace(spec.plugin_path);
    prepared.emplace(fit::prepare_model(spec, data, *registry, shards));
    lap("plugins, design (model matrices)");
  });
  const fit::PreparedModel& model = *prepared;
  std::optional<fit::FittedModel> fitted;
  {
    const progress::Task task(&monitor, "weft fit " + args.config);
    fitted.emplace(fit::estimate_model(model));
  }
  fit::FitResult result = fitted->result;
  std::optional<std::string> draws;
  if (args.confint == "boot") {
    const inference::BootstrapResult boot =
        inference::parametric_bootstrap(model, *fitted, args.nsim, args.seed, args.level);
    result.confint = boot.intervals;
    if (args.draws) draws = draws_csv(boot);
  } else if (args.confint) {
    const progress::Task task(&monitor, "confint " + *args.confint);
    result.confint = inference::confidence_intervals(model, *fitted, *args.confint, args.level);
  }
  if (draws) write_output(args.draws, *draws);
  write_output(args.output, args.format == "json" ? report::dump(report::result_document(result))
                                                  : report::text_summary(result));
  return result.converged ? 0 : 3;
}

int run_bootstrap(const FitArguments& args) {
  FitArguments boot = args;
  boot.confint = "boot";
  return run_fit(boot);
}

}  // namespace weft::cli
