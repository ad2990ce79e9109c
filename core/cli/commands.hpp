#pragma once
// The `weft` subcommands. Each returns the process exit code (0 ok, 2 bad input, 3 fitted but
// not converged) and lets exceptions escape to main(), which turns them into one line.
#include "config/model_spec.hpp"
#include "data/data_frame.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace weft::cli {

struct FitArguments {
  std::string config;
  std::optional<std::string> data;
  std::string format = "text";
  std::optional<std::string> output;
  std::vector<std::string> set;
  bool verbose = false;  // --verbose: a trace line per optimizer evaluation
  bool quiet = false;    // --quiet: no progress bar, no trace
  std::optional<std::string> confint;  // wald, profile or boot
  double level = 0.95;
  std::size_t nsim = 500;                // --confint boot / weft bootstrap: replicates (confint.merMod's 500)
  std::uint64_t seed = 1;                // their seed
  std::optional<std::string> draws;      // weft bootstrap: the replicates' parameters as CSV
};
int run_fit(const FitArguments& args);

struct PredictArguments {
  std::string result;
  std::string newdata;
  std::string type = "response";
  bool population = false;
  std::optional<std::string> output;
};
int run_predict(const PredictArguments& args);

// weft bootstrap: the fit with --confint boot, and the draws written to args.draws.
int run_bootstrap(const FitArguments& args);

// Commands that draw from a fitted result document: simulate, residuals.
struct ResultDrawArguments {
  std::string result;
  std::size_t nsim = 1;
  std::uint64_t seed = 1;
  std::optional<std::string> output;
};

struct SimulateArguments : ResultDrawArguments {
  bool conditional = false;
};
int run_simulate(const SimulateArguments& args);

struct ResidualsArguments : ResultDrawArguments {
  std::string type = "deviance";  // lme4's default for glmer (response for lmer)
  ResidualsArguments() { nsim = 250; }  // quantile residuals: DHARMa's default
};
int run_residuals(const ResidualsArguments& args);

// weft compare: lme4's anova table of nested models, each fitted by maximum likelihood.
struct CompareArguments {
  std::vector<std::string> models;  // model YAML files, two or more
  std::string format = "text";
  std::optional<std::string> output;
  bool quiet = false;  // no progress bar, no refit message, no convergence warning
};
int run_compare(const CompareArguments& args);

int run_plugins(const std::vector<std::string>& plugin_path);

// Loads one family plugin file and checks it; 0 when every check passes, else an InputError.
int run_check_family(const std::string& file);

// Writes `text` to `path` through a temporary file renamed into place, so a failed run
// never leaves a half-written file; or to stdout when `path` is empty.
void write_output(const std::optional<std::string>& path, const std::string& text);

// The model's data: its file, or the files of `data: [part00.csv, ...]` read as one table.
data::DataFrame read_model_data(const config::ModelSpec& spec);

// A result document written by `weft fit --format json`; InputError naming `path` otherwise.
nlohmann::json read_result_document(const std::string& path);

// A CSV field: quoted (RFC 4180) when it holds a separator, a quote, a line break or blanks at
// its ends.
std::string csv_field(const std::string& text);

}  // namespace weft::cli
