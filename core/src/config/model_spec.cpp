// Model YAML -> ModelSpec. yaml-cpp only parses; every check (keys, duplicates, types) and
// every message is ours, so that each problem is one line naming the file and the key.
#include "config/model_spec.hpp"

#include "config/yaml_document.hpp"
#include "util/text.hpp"

#include <weft/errors.hpp>
#include <weft/spelling.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <glob.h>
#include <sstream>
#include <utility>

namespace weft::config {
namespace {

namespace fs = std::filesystem;

// ---- scalar text ---------------------------------------------------------------------------

// A plain (unquoted) scalar that YAML 1.2's core schema reads as a number: 7, -1.5e3, 0x1F,
// .inf, .nan. Such a value where a name is expected is a wrong type (`integrator: 7`).
bool is_yaml_number(std::string_view s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  const auto digits_in = [](std::string_view d, std::string_view allowed) {
    return !d.empty() && d.find_first_not_of(allowed) == std::string_view::npos;
  };
  if (s.starts_with("0x")) return digits_in(s.substr(2), "0123456789abcdefABCDEF");
  if (s.starts_with("0o")) return digits_in(s.substr(2), "01234567");
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (s == ".inf" || s == ".Inf" || s == ".INF") return true;
  std::size_t i = 0, mantissa_digits = 0;
  const auto skip_digits = [&] {
    std::size_t n = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) ++n;
    return n;
  };
  mantissa_digits += skip_digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa_digits += skip_digits();
  }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (skip_digits() == 0) return false;
  }
  return i == s.size();
}

bool is_yaml_bool(std::string_view s) {
  static constexpr std::array<std::string_view, 6> spellings = {"true",  "True",  "TRUE",
                                                                "false", "False", "FALSE"};
  return std::find(spellings.begin(), spellings.end(), s) != spellings.end();
}

bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

// Appended piecewise: "'" + std::string&& trips GCC 12's false -Wrestrict warning at -O3.
std::string in_quotes(std::string_view text) {
  std::string out(1, '\'');
  out += printable(text);
  out += '\'';
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (is_plain(node) && is_yaml_number(text)) return "the number " + text;
      if (is_plain(node) && is_yaml_bool(text)) return "the boolean " + text;
      return in_quotes(text);
    }
    default: return "an empty value";
  }
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

fs::path resolve(const fs::path& config_dir, const std::string& written) {
  const fs::path path(written);
  if (path.is_absolute() || config_dir.empty()) return path;
  return config_dir / path;
}

// ---- the sections ----------------------------------------------------------------------------

// How a component key is described in messages.
struct ComponentKind {
  const char* key;
  const char* name_expected;  // "a family name (e.g. binomial)"
  const char* map_example;    // "{name: nb2, theta: 2.0}"
};

constexpr ComponentKind kFamily{"family", "a family name (e.g. binomial)",
                                "{name: nb2, theta: 2.0}"};
constexpr ComponentKind kIntegrator{"integrator", "an integrator name (laplace or agq)",
                                    "{name: agq, points: 25}"};
constexpr ComponentKind kOptimizer{"optimizer", "an optimizer name (e.g. lbfgsb or bobyqa)",
                                   "{name: bobyqa, max_evaluations: 20000}"};

// Reads one model YAML (plus --set and --data) into a ModelSpec.
class SpecReader {
 public:
  SpecReader(const std::string& config_name, const LoadOptions& options)
      : name_(config_name), options_(options) {}

  ModelSpec read(std::string_view text, const fs::path& config_dir);

 private:
  YAML::Node load_document(std::string_view text) const;
  void collect_entries(const YAML::Node& root);
  void apply_set(const std::string& raw_assignment);
  YAML::Node parse_set_value(const std::string& value_text, const std::string& where) const;
  YAML::Node section_for_option(const std::string& key, const std::string& option,
                                const std::string& assignment);
  void replace_entry(const std::string& key, const YAML::Node& value);

  void read_data(ModelSpec& spec, const fs::path& config_dir) const;
  const YAML::Node* entry(const std::string& key) const;
  std::string text_value(const std::string& path, const YAML::Node& node,
                         const std::string& expected) const;
  std::optional<std::string> optional_text(const std::string& key,
                                           const std::string& expected) const;
  std::string required_text(const std::string& key, const std::string& expected,
                            const std::string& example) const;
  std::vector<std::string> text_list(const std::string& key, const std::string& expected) const;
  ComponentSpec component(const ComponentKind& kind, const ComponentSpec* fallback) const;
  StartSpec start_values() const;
  std::optional<bool> optional_bool(const std::string& key, const std::string& expected) const;
  double number_value(const std::string& path, const YAML::Node& node) const;
  std::vector<double> number_list(const std::string& path, const YAML::Node& node) const;
  void for_each_pair(const YAML::Node& map, const std::string& path,
                     const std::function<void(const std::string&, const YAML::Node&,
                                              const YAML::Node&)>& visit) const;

  [[noreturn]] void fail(const std::string& path, const YAML::Node& node,
                         const std::string& what) const;
  std::string location(const std::string& path, const YAML::Node& node) const;

  const std::string& name_;
  const LoadOptions& options_;
  std::map<std::string, YAML::Node> entries_;      // top-level key -> value
  std::map<std::string, int> key_lines_;           // top-level key -> its 1-based line
  std::map<std::string, std::string> set_exact_;   // "family.theta" -> the --set that gave it
  std::map<std::string, std::string> set_whole_;   // "family" -> the --set that replaced it
};

ModelSpec SpecReader::read(std::string_view text, const fs::path& config_dir) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  collect_entries(load_document(text));
  for (const std::string& assignment : options_.set) apply_set(assignment);

  ModelSpec spec;
  spec.config_name = name_;
  spec.config_dir = config_dir;
  read_data(spec, config_dir);
  spec.formula = required_text("formula", "a model formula", "formula: y ~ x + (1 | g)");
  if (!entry("family"))
    throw InputError(name_ + ": missing key 'family' (e.g. family: binomial)");
  spec.family = component(kFamily, nullptr);
  spec.link = optional_text("link", "a link name (e.g. logit)");
  spec.weights = optional_text("weights", "a column name");
  spec.offset = optional_text("offset", "a column name");
  spec.zi_formula = optional_text("zi", "a one-sided formula (e.g. zi: ~ x)");
  spec.groups = text_list("groups", "a column name or a list of column names");
  spec.reml = optional_bool("reml", "true (REML, the default for a linear mixed model) or false (maximum likelihood)");
  spec.integrator = component(kIntegrator, &spec.integrator);
  spec.optimizer = component(kOptimizer, &spec.optimizer);
  for (const std::string& dir :
       text_list("plugin_path", "a directory or a list of directories"))
    spec.plugin_path.push_back(resolve(config_dir, dir));
  spec.start = start_values();
  if (const auto na = optional_text("na_action", "fail or omit")) {
    if (*na == "omit") spec.na_action = NaAction::Omit;
    else if (*na != "fail") fail("na_action", *entry("na_action"), "expected fail or omit, got '" + printable(*na, 40) + "'");
  }
  return spec;
}

YAML::Node SpecReader::load_document(std::string_view text) const {
  const YAML::Node root = load_yaml_document(text, name_);
  if (root.IsNull())
    throw InputError(name_ + ": is empty (no keys, only blanks or comments); expected a map "
                             "with data, formula and family");
  return root;
}

// Walks a map's pairs in file order: keys must be non-empty names and unique (yaml-cpp keeps
// duplicates silently, but YAML requires unique keys and the user meant one of them).
void SpecReader::for_each_pair(
    const YAML::Node& map, const std::string& path,
    const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& visit)
    const {
  const std::string in = path.empty() ? "" : " in '" + path + "'";
  std::map<std::string, int> first_line;
  for (const auto& pair : map) {
    const YAML::Node& key = pair.first;
    if (!key.IsScalar() || key.Scalar().empty())
      fail(path, key, "expected a key name" + in + ", got " + describe(key));
    const std::string& name = key.Scalar();
    const auto [seen, inserted] = first_line.emplace(name, key.Mark().line + 1);
    if (!inserted)
      throw InputError(name_ + ": key " + in_quotes(path.empty() ? name : path + "." + name) +
                       " appears twice (lines " + std::to_string(seen->second) + " and " +
                       std::to_string(key.Mark().line + 1) + "); YAML keys must be unique");
    visit(name, key, pair.second);
  }
}

void SpecReader::collect_entries(const YAML::Node& root) {
  if (!root.IsMap())
    throw InputError(name_ + ": expected a map of keys at the top level (data: ..., formula: "
                             "..., family: ...), got " + describe(root));
  for_each_pair(root, "", [&](const std::string& key, const YAML::Node& key_node,
                              const YAML::Node& value) {
    const auto& keys = model_keys();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string hint = did_you_mean(key, keys);
      if (hint.empty()) hint = " (valid keys: " + join(keys) + ")";
      throw InputError(name_ + ": unknown key " + in_quotes(key) + hint);
    }
    entries_.emplace(key, value);
    key_lines_.emplace(key, key_node.Mark().line + 1);
  });
}

// ---- --set key=value -------------------------------------------------------------------------

void SpecReader::apply_set(const std::string& raw_assignment) {
  const std::string assignment = printable(raw_assignment, 120);  // as shown in messages
  const std::string where = "--set " + assignment;
  const auto malformed = [&](const std::string& why) {
    throw InputError(name_ + ": " + where + ": " + why +
                     "; expected key=value, e.g. --set optimizer=bobyqa or "
                     "--set integrator.points=25");
  };
  const auto equals = raw_assignment.find('=');
  if (equals == std::string::npos) malformed("no '='");
  const std::string key = trim(std::string_view(raw_assignment).substr(0, equals));
  if (key.empty()) malformed("the key before '=' is empty");
  const auto dot = key.find('.');
  const std::string top = key.substr(0, dot);
  const std::string option = dot == std::string::npos ? "" : key.substr(dot + 1);
  if (top.empty() || (dot != std::string::npos && option.empty()) ||
      option.find('.') != std::string::npos)
    malformed("the key " + in_quotes(key) + " is not a key or key.option");
  const auto& keys = model_keys();
  if (std::find(keys.begin(), keys.end(), top) == keys.end())
    throw InputError(name_ + ": unknown key " + in_quotes(top) + " in " + where +
                     did_you_mean(top, keys));

  YAML::Node value = parse_set_value(raw_assignment.substr(equals + 1), where);
  if (option.empty()) {
    replace_entry(top, value);
    std::erase_if(set_exact_, [&](const auto& e) { return e.first.starts_with(top + "."); });
    set_whole_[top] = assignment;
    return;
  }
  YAML::Node section = section_for_option(top, option, assignment);
  section[option] = value;
  replace_entry(top, section);
  set_exact_[key] = assignment;
}

YAML::Node SpecReader::parse_set_value(const std::string& value_text,
                                       const std::string& where) const {
  return load_yaml_document(value_text, name_ + ": " + where);
}

// The map that `--set key.option=...` writes into. A scalar `optimizer: bobyqa` becomes
// {name: bobyqa}; an absent integrator/optimizer starts from its default name.
YAML::Node SpecReader::section_for_option(const std::string& key, const std::string& option,
                                          const std::string& assignment) {
  const YAML::Node* current = entry(key);
  if (current && current->IsMap()) return *current;
  if (current && !current->IsScalar())
    throw InputError(name_ + ": --set " + assignment + ": '" + key + "' is " +
                     describe(*current) + ", which has no option " + in_quotes(option));
  YAML::Node section(YAML::NodeType::Map);
  static const ModelSpec defaults;
  if (current) section["name"] = *current;
  else if (key == kIntegrator.key) section["name"] = defaults.integrator.name;
  else if (key == kOptimizer.key) section["name"] = defaults.optimizer.name;
  set_exact_[key] = assignment;
  return section;
}

// Erase, then insert: assigning one YAML::Node to another would rebind the node it refers to.
void SpecReader::replace_entry(const std::string& key, const YAML::Node& value) {
  entries_.erase(key);
  entries_.emplace(key, value);
}

// ---- typed values ----------------------------------------------------------------------------

const YAML::Node* SpecReader::entry(const std::string& key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string SpecReader::location(const std::string& path, const YAML::Node& node) const {
  if (const auto it = set_exact_.find(path); it != set_exact_.end())
    return " (from --set " + it->second + ")";
  if (const auto it = set_whole_.find(path.substr(0, path.find('.'))); it != set_whole_.end())
    return " (from --set " + it->second + ")";
  // An empty value's mark is where the next token starts, so use its key's line instead.
  int line = node.Mark().line + 1;
  if (node.IsNull() || line <= 0) {
    const auto key = key_lines_.find(path.substr(0, path.find('.')));
    line = key == key_lines_.end() ? 0 : key->second;
  }
  return line > 0 ? " (line " + std::to_string(line) + ")" : "";
}

void SpecReader::fail(const std::string& path, const YAML::Node& node,
                      const std::string& what) const {
  throw InputError(name_ + ": " + (path.empty() ? "" : printable(path) + ": ") + what +
                   location(path, node));
}

// A name, path or formula: a non-empty string (a plain 7 or true is the wrong type).
std::string SpecReader::text_value(const std::string& path, const YAML::Node& node,
                                   const std::string& expected) const {
  const bool scalar = node.IsScalar();
  if (!scalar || (is_plain(node) && (is_yaml_number(node.Scalar()) || is_yaml_bool(node.Scalar()))))
    fail(path, node, "expected " + expected + ", got " + describe(node));
  if (trim(node.Scalar()).empty()) fail(path, node, "expected " + expected + ", got an empty string");
  return node.Scalar();
}

std::optional<std::string> SpecReader::optional_text(const std::string& key,
                                                     const std::string& expected) const {
  const YAML::Node* node = entry(key);
  if (!node) return std::nullopt;
  return text_value(key, *node, expected);
}

std::string SpecReader::required_text(const std::string& key, const std::string& expected,
                                      const std::string& example) const {
  const YAML::Node* node = entry(key);
  if (!node) throw InputError(name_ + ": missing key '" + key + "' (e.g. " + example + ")");
  return text_value(key, *node, expected + " (e.g. " + example + ")");
}

// A plain YAML boolean (true/false in any of YAML's three spellings); quoted text, numbers,
// yes/no and anything else are a wrong type.
std::optional<bool> SpecReader::optional_bool(const std::string& key, const std::string& expected) const {
  const YAML::Node* node = entry(key);
  if (!node) return std::nullopt;
  if (!node->IsScalar() || !is_plain(*node) || !is_yaml_bool(node->Scalar()))
    fail(key, *node, "expected " + expected + ", got " + describe(*node));
  const char first = node->Scalar().front();
  return first == 't' || first == 'T';
}

std::vector<std::string> SpecReader::text_list(const std::string& key,
                                               const std::string& expected) const {
  const YAML::Node* node = entry(key);
  if (!node) return {};
  if (!node->IsSequence()) return {text_value(key, *node, expected)};
  std::vector<std::string> items;
  for (const YAML::Node& item : *node)
    items.push_back(text_value(key, item, "a single name for each item"));
  return items;
}

namespace {
// The files a glob names (`data: part*.csv`), sorted; none when it names no file.
std::vector<std::string> glob_files(const fs::path& config_dir, const std::string& pattern) {
  const fs::path full = resolve(config_dir, pattern);
  glob_t found{};
  std::vector<std::string> files;
  if (::glob(full.c_str(), 0, nullptr, &found) == 0)
    for (std::size_t k = 0; k < found.gl_pathc; ++k) files.emplace_back(found.gl_pathv[k]);
  globfree(&found);
  std::sort(files.begin(), files.end());
  return files;
}
}  // namespace

void SpecReader::read_data(ModelSpec& spec, const fs::path& config_dir) const {
  const YAML::Node* node = entry("data");
  if (node && node->IsSequence() && !options_.data_override) {
    const auto parts = text_list("data", "the path of a CSV file");
    if (parts.size() < 2)
      fail("data", *node, "a list names the files of one table split in parts (data: [part00.csv, part01.csv]); "
                          "for one file write data: " + (parts.empty() ? std::string("data.csv") : parts[0]));
    spec.data_name = join(parts);
    spec.data_names = parts;
    for (const auto& part : parts) spec.data_paths.push_back(resolve(config_dir, part));
    spec.data_path = spec.data_paths[0];
    return;
  }
  const auto written = optional_text("data", "the path of the CSV data file (e.g. data: data.csv)");
  if (written && !options_.data_override && written->find_first_of("*?[") != std::string::npos &&
      !fs::exists(resolve(config_dir, *written))) {
    const auto files = glob_files(config_dir, *written);
    if (files.empty())
      throw InputError(name_ + ": data: '" + *written + "' names no file (a pattern such as part*.csv is read as the "
                                                          "files it matches, in sorted order)");
    spec.data_name = *written;
    for (const auto& file : files) {
      spec.data_paths.emplace_back(file);
      spec.data_names.push_back(fs::path(file).filename().string());
    }
    spec.data_path = spec.data_paths[0];
    return;
  }
  if (options_.data_override) {
    if (trim(*options_.data_override).empty())
      throw InputError(name_ + ": --data: expected the path of a CSV data file, got an empty "
                               "string");
    spec.data_name = *options_.data_override;
    spec.data_path = *options_.data_override;  // relative to the current directory
  } else if (written) {
    spec.data_name = *written;
    spec.data_path = resolve(config_dir, *written);
  } else {
    throw InputError(name_ + ": missing key 'data' (the CSV data file, e.g. data: data.csv; "
                             "or give --data FILE)");
  }
  spec.data_paths = {spec.data_path};
  spec.data_names = {spec.data_name};
}

// `family: nb2` or `family: {name: nb2, theta: 2.0}`; options keep their scalar text, because
// only the plugin knows what values they may take. `fallback` is the default when absent.
ComponentSpec SpecReader::component(const ComponentKind& kind, const ComponentSpec* fallback) const {
  const std::string key = kind.key;
  const YAML::Node* node = entry(key);
  if (!node) return *fallback;
  const std::string expected =
      std::string(kind.name_expected) + " or a map with 'name' such as " + kind.map_example;
  if (!node->IsMap()) return {text_value(key, *node, expected), {}, {}};

  ComponentSpec spec;
  bool named = false;
  for_each_pair(*node, key, [&](const std::string& option, const YAML::Node& option_key,
                                const YAML::Node& value) {
    const std::string path = key + "." + option;
    if (option == "name") {
      spec.name = text_value(path, value, kind.name_expected);
      named = true;
    } else if (value.IsSequence()) {
      std::vector<std::string> items;
      for (const YAML::Node& item : value) {
        if (!item.IsScalar())
          fail(path, item, "expected a list of single values (numbers or words), got an item that is " + describe(item));
        items.push_back(item.Scalar());
      }
      if (items.empty()) fail(path, value, "expected a list of one or more values, got an empty list");
      spec.lists.emplace(option, std::move(items));
    } else if (!value.IsScalar()) {
      fail(path, value.IsNull() ? option_key : value,
           "expected a single value (a number or a word) or a list of them, got " + describe(value));
    } else {
      spec.options.emplace(option, value.Scalar());
    }
  });
  if (!named) fail(key, *node, "the map has no 'name'; expected a map such as " +
                                   std::string(kind.map_example));
  return spec;
}

// A finite number written as a plain or quoted scalar.
double SpecReader::number_value(const std::string& path, const YAML::Node& node) const {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(v)) return v;
  }
  fail(path, node, "expected a finite number, got " + describe(node));
}

// A number or a list of numbers.
std::vector<double> SpecReader::number_list(const std::string& path, const YAML::Node& node) const {
  if (!node.IsSequence()) return {number_value(path, node)};
  std::vector<double> out;
  for (const YAML::Node& item : node) out.push_back(number_value(path, item));
  if (out.empty()) fail(path, node, "expected one or more numbers, got an empty list");
  return out;
}

// `start: {theta: [1, 0, 1], fixef: [...], zi_fixef: [...], family: {theta: 2}}`.
StartSpec SpecReader::start_values() const {
  StartSpec start;
  const YAML::Node* node = entry("start");
  if (!node) return start;
  static const std::vector<std::string> keys{"theta", "fixef", "zi_fixef", "family"};
  if (!node->IsMap())
    fail("start", *node, "expected a map such as {theta: [1, 0, 1], fixef: [0.5, -1]}, got " + describe(*node));
  for_each_pair(*node, "start", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
    const std::string path = "start." + key;
    if (key == "theta") start.theta = number_list(path, value);
    else if (key == "fixef") start.fixef = number_list(path, value);
    else if (key == "zi_fixef") start.zi_fixef = number_list(path, value);
    else if (key == "family") {
      if (!value.IsMap()) fail(path, value, "expected a map of family parameters such as {theta: 2}, got " + describe(value));
      for_each_pair(value, path, [&](const std::string& name, const YAML::Node&, const YAML::Node& v) {
        start.family[name] = number_value(path + "." + name, v);
      });
    } else {
      fail(path, key_node, "unknown key " + in_quotes(key) + did_you_mean(key, keys) + "; start takes: " + join(keys));
    }
  });
  return start;
}

std::string read_config_file(const fs::path& file, const std::string& name) {
  std::error_code ec;
  const fs::file_status status = fs::status(file, ec);
  if (status.type() == fs::file_type::not_found)
    throw InputError(name + ": no such file; expected a model YAML file");
  if (ec) throw InputError(name + ": cannot be accessed (" + ec.message() + ")");
  if (fs::is_directory(status))
    throw InputError(name + ": is a directory; expected a model YAML file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(name + ": cannot be opened (" + std::strerror(errno) + ")");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(name + ": cannot be read (" + std::strerror(errno) + ")");
  return std::move(text).str();
}

}  // namespace

const std::vector<std::string>& model_keys() {
  static const std::vector<std::string> keys = {
      "data", "formula", "family",     "link",      "weights",    "offset",
      "groups", "zi",    "integrator", "optimizer", "plugin_path", "start", "reml", "na_action"};
  return keys;
}

ModelSpec parse_model_spec(const std::string& yaml_text, const std::string& config_name,
                           const std::filesystem::path& config_dir, const LoadOptions& options) {
  return SpecReader(config_name, options).read(yaml_text, config_dir);
}

ModelSpec load_model_spec(const std::filesystem::path& config_file, const LoadOptions& options) {
  const std::string name = config_file.string();
  return parse_model_spec(read_config_file(config_file, name), name, config_file.parent_path(),
                          options);
}

}  // namespace weft::config
