// The `weft` command line (CLI11). Contract: ../shared/docs/interface.md and README.md.
//
// Every error a user can cause is one line on stderr and exit code 2; a fit that did not
// converge still writes its result and exits 3; anything else is exit 1 with one line.
// The command runs on a thread with a large stack so that deeply nested input (YAML,
// formulas) meets the parsers' own limits, never the operating system's.
#include <weft/errors.hpp>
#include <weft/spelling.hpp>
#include <weft/version.hpp>

#include "commands.hpp"
#include "processes.hpp"
#include "util/large_stack.hpp"
#include "util/one_line.hpp"
#include "util/text.hpp"

#include <CLI/CLI.hpp>

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <new>
#include <string>

namespace {

using weft::one_line;

// One line on stderr (under mpirun, from process 0: every process has the same message).
void report_error(const std::string& line) {
  if (weft::processes::reports()) std::cerr << line << std::endl;
}

int run_guarded(const std::function<int()>& command) {
  try {
    return command();
  } catch (const weft::InputError& e) {
    report_error("error: " + one_line(e.what()));
    return 2;
  } catch (const std::bad_alloc&) {
    report_error("error: out of memory");
    return 1;
  } catch (const std::exception& e) {
    report_error("internal error: " + one_line(e.what()));
    return 1;
  } catch (...) {
    report_error("internal error: unknown exception");
    return 1;
  }
}

// MPI_Init / MPI_Finalize around the whole command (a no-op outside mpirun).
struct ProcessGroup {
  ProcessGroup(int* argc, char*** argv) { weft::processes::start(argc, argv); }
  ~ProcessGroup() { weft::processes::stop(); }
};

// Runs `command` on a thread with a large stack (util/large_stack.hpp); returns its exit code.
int run_with_large_stack(const std::function<int()>& command) {
  int code = 1;
  weft::run_with_large_stack([&] { code = run_guarded(command); });
  return code;
}

// The options of commands that fit a model file: fit and bootstrap.
void add_model_options(CLI::App* command, weft::cli::FitArguments& args) {
  command->add_option("model", args.config, "Model YAML file")->required();
  command->add_option("--data", args.data, "Data CSV (overrides the YAML's data)");
  command->add_option("--format", args.format, "text (lme4-style summary) or json (result document)");
  command->add_option("--output", args.output, "Write the result to this file instead of stdout");
  command->add_option("--set", args.set, "Override one YAML key: --set optimizer=bobyqa (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// The options of commands that draw from a result document: simulate, residuals.
void add_draw_options(CLI::App* command, weft::cli::ResultDrawArguments& args, const std::string& nsim_help) {
  command->add_option("result", args.result, "Result JSON written by `weft fit --format json`")->required();
  command->add_option("--nsim", args.nsim, nsim_help);
  command->add_option("--seed", args.seed, "Seed (default 1): the same seed gives the same draws on any number of threads");
  command->add_option("--output", args.output, "Write the CSV to this file instead of stdout");
}

}  // namespace

int main(int argc, char** argv) {
  // Reading, the design, the start values and the fit each allocate and free n-sized vectors
  // (1e7 rows: 80 MB each). glibc hands blocks above its mmap threshold (32 MiB at most) back to
  // the kernel on free, and gives each thread (the fit's large-stack thread, OpenMP's workers)
  // an arena of its own, so each phase page-faults fresh memory in again; on these VMs the
  // first touch of a page, not the arithmetic, is then the system time (bench/README.md,
  // "Allocation per evaluation and system time"). One arena, every block from the heap, and the
  // heap not trimmed below 1 GiB of free space: freed memory is reused by the next phase.
  // (Setting the mmap threshold also stops glibc's dynamic threshold, which would reset the
  // trim threshold to twice the largest freed block and shrink the heap between phases.)
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  const ProcessGroup processes(&argc, &argv);
  CLI::App app{"weft: generalised linear mixed models (lme4 / glmmTMB numerics) with plugins", "weft"};
  app.set_version_flag("--version", std::string("weft ") + WEFT_VERSION_STRING + " (plugin ABI " +
                                        std::to_string(WEFT_ABI_VERSION) + ")");
  app.require_subcommand(1);

  weft::cli::FitArguments fit;
  auto* fit_cmd = app.add_subcommand("fit", "Fit the model described by a YAML file");
  add_model_options(fit_cmd, fit);
  auto* verbose_flag = fit_cmd->add_flag("--verbose", fit.verbose,
                                         "One line per optimizer evaluation on stderr (deviance, gradient norm, "
                                         "parameters), as lme4's verbose");
  auto* quiet_flag = fit_cmd->add_flag("--quiet", fit.quiet, "No progress bar and no trace");
  verbose_flag->excludes(quiet_flag);
  fit_cmd->add_option("--confint", fit.confint, "Add confidence intervals: wald, profile (lme4's profile likelihood) or boot");
  fit_cmd->add_option("--level", fit.level, "Confidence level of --confint (default 0.95)");
  fit_cmd->add_option("--nsim", fit.nsim, "--confint boot: bootstrap replicates (default 500)");
  fit_cmd->add_option("--seed", fit.seed, "--confint boot: seed of the simulations (default 1)");

  // weft bootstrap: the fit's options, the bootstrap's percentiles in the summary.
  weft::cli::FitArguments boot;
  auto* boot_cmd = app.add_subcommand("bootstrap", "Parametric bootstrap of a model (lme4's bootMer): percentile intervals");
  add_model_options(boot_cmd, boot);
  boot_cmd->add_option("--nsim", boot.nsim, "Replicates (default 500)");
  boot_cmd->add_option("--seed", boot.seed, "Seed (default 1): the same seed gives the same draws on any number of threads");
  boot_cmd->add_option("--level", boot.level, "Confidence level (default 0.95)");
  boot_cmd->add_option("--draws", boot.draws, "Write every replicate's parameters to this CSV file");
  boot_cmd->add_flag("--quiet", boot.quiet, "No progress bar");

  weft::cli::SimulateArguments simulate;
  auto* simulate_cmd = app.add_subcommand("simulate", "Simulate responses from a fitted result document (lme4's simulate)");
  add_draw_options(simulate_cmd, simulate, "Number of simulated data sets (default 1)");
  simulate_cmd->add_flag("--conditional", simulate.conditional,
                         "Conditional on the fitted random effects (lme4's use.u = TRUE); default: new ones");

  weft::cli::ResidualsArguments residuals;
  auto* residuals_cmd = app.add_subcommand("residuals", "Residuals of a fitted result document: response, pearson, deviance, quantile");
  add_draw_options(residuals_cmd, residuals, "quantile: simulations per row (default 250)");
  residuals_cmd->add_option("--type", residuals.type, "deviance (default), response, pearson or quantile (DHARMa)");

  weft::cli::PredictArguments predict;
  auto* predict_cmd = app.add_subcommand("predict", "Predict from a fitted result document on new data");
  predict_cmd->add_option("result", predict.result, "Result JSON written by `weft fit --format json`")->required();
  predict_cmd->add_option("--newdata", predict.newdata, "New data CSV")->required();
  predict_cmd->add_option("--type", predict.type,
                          "response (default; one column per level for a response with levels), link, or class "
                          "(the most probable level)");
  predict_cmd->add_flag("--population", predict.population, "Set the random effects to zero");
  predict_cmd->add_option("--output", predict.output, "Write the CSV to this file instead of stdout");

  weft::cli::CompareArguments compare;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Compare nested models (lme4's anova likelihood-ratio table); REML fits are refitted by ML");
  compare_cmd->add_option("models", compare.models, "Model YAML files (two or more)")->required()->expected(2, -1);
  compare_cmd->add_option("--format", compare.format, "text (lme4's anova print) or json");
  compare_cmd->add_option("--output", compare.output, "Write the table to this file instead of stdout");
  compare_cmd->add_flag("--quiet", compare.quiet, "No progress bar and no messages on stderr");

  std::vector<std::string> plugin_path;
  auto* plugins_cmd = app.add_subcommand("plugins", "List every plugin found: kind, name, version, file");
  plugins_cmd->add_option("--plugin-path", plugin_path, "Extra plugin directory (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

  std::string family_plugin;
  auto* check_family_cmd = app.add_subcommand("check-family", "Check a family plugin: ABI, parameters, derivatives, normalisation");
  check_family_cmd->add_option("plugin", family_plugin, "The plugin library file (.so)")->required();

  // CLI11 reports an unknown command only as "a subcommand is required": name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      report_error("error: unknown command '" + one_line(argv[1]) + "'" + weft::did_you_mean(argv[1], commands) +
                   "; commands: " + weft::join(commands) + " (see weft --help)");
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    report_error("error: " + one_line(e.what()) + " (see weft --help)");
    return 2;
  }

  if (fit_cmd->parsed()) return run_with_large_stack([&] { return weft::cli::run_fit(fit); });
  if (weft::processes::count() > 1) {
    report_error("error: under mpirun, weft runs `fit` (rows shared out over the processes); run `" +
                 std::string(argv[1]) + "` as one process");
    return 2;
  }
  if (boot_cmd->parsed()) return run_with_large_stack([&] { return weft::cli::run_bootstrap(boot); });
  if (simulate_cmd->parsed()) return run_with_large_stack([&] { return weft::cli::run_simulate(simulate); });
  if (residuals_cmd->parsed()) return run_with_large_stack([&] { return weft::cli::run_residuals(residuals); });
  if (predict_cmd->parsed()) return run_with_large_stack([&] { return weft::cli::run_predict(predict); });
  if (compare_cmd->parsed()) return run_with_large_stack([&] { return weft::cli::run_compare(compare); });
  if (plugins_cmd->parsed()) return run_guarded([&] { return weft::cli::run_plugins(plugin_path); });
  if (check_family_cmd->parsed()) return run_guarded([&] { return weft::cli::run_check_family(family_plugin); });
  return 2;
}
