#pragma once
// One model run as written in YAML (see docs/interface.md in the shared contract), validated.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace weft::config {

// A plugin selection: `optimizer: bobyqa` or `optimizer: {name: bobyqa, max_evaluations: 100}`;
// a key may hold a list of single values (`family: {name: ordinal, levels: [low, mid, high]}`).
struct ComponentSpec {
  std::string name;
  std::map<std::string, std::string> options;               // the other keys of its map, as scalar text
  std::map<std::string, std::vector<std::string>> lists;    // keys whose value is a list, items as text

  // Every option key, single values and lists.
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& entry : options) out.push_back(entry.first);
    for (const auto& entry : lists) out.push_back(entry.first);
    return out;
  }
};

// `start:` values (lme4's and glmmTMB's `start =`), each optional: theta in lme4's order,
// fixef and zi_fixef in the order of the design's columns, family parameters by name.
struct StartSpec {
  std::optional<std::vector<double>> theta, fixef, zi_fixef;
  std::map<std::string, double> family;
  bool empty() const { return !theta && !fixef && !zi_fixef && family.empty(); }
};

// `na_action:` what a missing value (empty, NA, NaN) in a column the model uses does: fail (the
// default; the message names row and column) or omit the row (lme4's na.omit), counted in the
// result's n_omitted.
enum class NaAction { Fail, Omit };

struct ModelSpec {
  std::string config_name;            // the config file as the user named it, for messages
  std::filesystem::path config_dir;   // folder of the config file (relative paths resolve here)
  std::filesystem::path data_path;    // resolved path of the data file
  std::string data_name;              // the data file as written (YAML value or --data), for messages
  // Every file of the table, resolved and as written: data_path alone, or the parts of
  // `data: [part00.csv, part01.csv]` / a glob (`data: part*.csv`), read as one table; under
  // mpirun, process r of K holds the rows of parts r, r + K, ...
  std::vector<std::filesystem::path> data_paths;
  std::vector<std::string> data_names;
  std::string formula;
  std::optional<std::string> zi_formula;  // `zi:` (one-sided formula)
  ComponentSpec family;                   // options: fixed family parameters (theta: 2.0), family
                                          // options (thresholds: equidistant), response levels
  std::optional<std::string> link;
  std::optional<std::string> weights;     // column name
  std::optional<std::string> offset;      // column name
  std::vector<std::string> groups;        // `groups:` shorthand, (1 | name) each
  // `reml: true|false`; unset: the family decides (REML for a linear mixed model, as lmer).
  std::optional<bool> reml;
  ComponentSpec integrator{"laplace", {}, {}};
  ComponentSpec optimizer{"lbfgsb", {}, {}};
  std::vector<std::filesystem::path> plugin_path;  // resolved against config_dir
  StartSpec start;
  NaAction na_action = NaAction::Fail;
};

struct LoadOptions {
  std::optional<std::string> data_override;  // --data FILE (relative to the current directory)
  std::vector<std::string> set;              // --set key=value, applied in order
};

// Reads and validates a model YAML file. Every problem is an InputError naming the file and
// the key: unreadable file, malformed YAML, a top level that is not a map, unknown keys (with
// the nearest valid key), duplicate keys, wrong types, missing data/formula/family, bad
// --set syntax or keys. Does not check that the data file exists (the data reader does).
ModelSpec load_model_spec(const std::filesystem::path& config_file, const LoadOptions& options);

// The same from YAML text; `config_name` is used in messages, `config_dir` to resolve paths.
ModelSpec parse_model_spec(const std::string& yaml_text, const std::string& config_name,
                           const std::filesystem::path& config_dir, const LoadOptions& options);

// The top-level keys a model YAML may hold.
const std::vector<std::string>& model_keys();

}  // namespace weft::config
