// Model YAML loading: parsed values, --set / --data, and the one-line InputError for every bad
// config the fuzzer makes (../shared/parity/fuzz: yaml_*, keys and types, cli_set_*).
#include "config/model_spec.hpp"

#include <weft/errors.hpp>

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using TempDir = weft::testing::TempDir;

namespace fs = std::filesystem;
using weft::config::LoadOptions;
using weft::config::ModelSpec;
using weft::config::parse_model_spec;

const fs::path kConfigDir = "/models/cbpp";

const std::string kSeed =
    "data: data.csv\n"
    "formula: cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)\n"
    "family: {name: nb2, theta: 2.0}\n"
    "link: log\n"
    "weights: size\n"
    "groups: [herd, period]\n"
    "zi: ~ spp + mined\n"
    "integrator: {name: agq, points: 25}\n"
    "optimizer: bobyqa\n"
    "plugin_path: [plugins/, /opt/weft]\n";

ModelSpec parse(const std::string& yaml, const LoadOptions& options = {}) {
  return parse_model_spec(yaml, "config.yaml", kConfigDir, options);
}

ModelSpec parse_with_set(const std::string& yaml, std::vector<std::string> set) {
  LoadOptions options;
  options.set = std::move(set);
  return parse(yaml, options);
}

// The InputError message for this config (fails the test if there is none). Every message
// is one line that starts with the config's name.
std::string error_for(const std::string& yaml, const LoadOptions& options = {}) {
  try {
    parse(yaml, options);
  } catch (const weft::InputError& e) {
    const std::string message = e.what();
    CHECK(message.rfind("config.yaml: ", 0) == 0);
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  FAIL("no InputError for this config");
  return {};
}

std::string error_with_set(const std::string& yaml, std::vector<std::string> set) {
  LoadOptions options;
  options.set = std::move(set);
  return error_for(yaml, options);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `seed` with the line for `key` replaced by `line` (appended when the key is absent).
std::string with_line(const std::string& key, const std::string& line, std::string seed = kSeed) {
  std::istringstream in(seed);
  std::string out, current;
  bool replaced = false;
  while (std::getline(in, current)) {
    if (current.rfind(key + ":", 0) == 0) {
      if (!line.empty()) out += line + "\n";
      replaced = true;
    } else {
      out += current + "\n";
    }
  }
  return replaced || line.empty() ? out : out + line + "\n";
}

std::string without(const std::string& key) { return with_line(key, ""); }

std::string summary(const ModelSpec& s) {
  std::ostringstream out;
  const auto component = [&](const char* what, const weft::config::ComponentSpec& c) {
    out << what << "=" << c.name << "{";
    for (const auto& [k, v] : c.options) out << k << ":" << v << ";";
    out << "}\n";
  };
  out << "data=" << s.data_name << " -> " << s.data_path.string() << "\nformula=" << s.formula
      << "\nzi=" << s.zi_formula.value_or("-") << "\nlink=" << s.link.value_or("-")
      << "\nweights=" << s.weights.value_or("-") << "\noffset=" << s.offset.value_or("-") << "\n";
  component("family", s.family);
  component("integrator", s.integrator);
  component("optimizer", s.optimizer);
  for (const auto& g : s.groups) out << "group=" << g << "\n";
  for (const auto& p : s.plugin_path) out << "plugin_path=" << p.string() << "\n";
  return out.str();
}


}  // namespace

TEST_SUITE("model_spec") {

TEST_CASE("model_keys is the contract's list") {
  CHECK(weft::config::model_keys() ==
        std::vector<std::string>{"data", "formula", "family", "link", "weights", "offset",
                                 "groups", "zi", "integrator", "optimizer", "plugin_path", "start", "reml", "na_action"});
}

TEST_CASE("a full config: every key parsed, paths resolved against the config's folder") {
  const ModelSpec spec = parse(kSeed);
  CHECK(spec.config_name == "config.yaml");
  CHECK(spec.config_dir == kConfigDir);
  CHECK(spec.data_name == "data.csv");
  CHECK(spec.data_path == kConfigDir / "data.csv");
  CHECK(spec.formula == "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)");
  CHECK(spec.family.name == "nb2");
  CHECK(spec.family.options == std::map<std::string, std::string>{{"theta", "2.0"}});
  CHECK(spec.link == "log");
  CHECK(spec.weights == "size");
  CHECK_FALSE(spec.offset.has_value());
  CHECK(spec.groups == std::vector<std::string>{"herd", "period"});
  CHECK(spec.zi_formula == "~ spp + mined");
  CHECK(spec.integrator.name == "agq");
  CHECK(spec.integrator.options == std::map<std::string, std::string>{{"points", "25"}});
  CHECK(spec.optimizer.name == "bobyqa");
  CHECK(spec.optimizer.options.empty());
  CHECK(spec.plugin_path == std::vector<fs::path>{kConfigDir / "plugins/", "/opt/weft"});
}

TEST_CASE("the smallest config gets the defaults") {
  const ModelSpec spec = parse("data: d.csv\nformula: y ~ x + (1 | g)\nfamily: poisson\n");
  CHECK(spec.family.name == "poisson");
  CHECK(spec.family.options.empty());
  CHECK(spec.integrator.name == "laplace");
  CHECK(spec.integrator.options.empty());
  CHECK(spec.optimizer.name == "lbfgsb");
  CHECK_FALSE(spec.link.has_value());
  CHECK_FALSE(spec.weights.has_value());
  CHECK_FALSE(spec.zi_formula.has_value());
  CHECK(spec.groups.empty());
  CHECK(spec.plugin_path.empty());
}

TEST_CASE("scalar forms and option texts") {
  SUBCASE("groups and plugin_path may be single names") {
    const ModelSpec spec = parse(with_line("plugin_path", "plugin_path: extra",
                                           with_line("groups", "groups: herd")));
    CHECK(spec.groups == std::vector<std::string>{"herd"});
    CHECK(spec.plugin_path == std::vector<fs::path>{kConfigDir / "extra"});
  }
  SUBCASE("option values are kept as written; plugins validate them (theta_nan, theta_string)") {
    CHECK(parse(with_line("family", "family: {name: nb2, theta: .nan}")).family.options.at("theta") == ".nan");
    CHECK(parse(with_line("family", "family: {name: nb2, theta: \"x\"}")).family.options.at("theta") == "x");
    CHECK(parse(with_line("integrator", "integrator: {name: agq, points: 2.5}")).integrator.options.at("points") == "2.5");
    CHECK(parse(with_line("optimizer", "optimizer: {name: bobyqa, tolerance: -1e-8}")).optimizer.options.at("tolerance") == "-1e-8");
  }
  SUBCASE("unknown family / optimizer names are the registry's business, not the loader's") {
    CHECK(parse(with_line("family", "family: no_such_family")).family.name == "no_such_family");
    CHECK(parse(with_line("optimizer", "optimizer: no_such_optimizer")).optimizer.name == "no_such_optimizer");
  }
  SUBCASE("a quoted number is a string") {
    CHECK(parse(with_line("link", "link: \"7\"")).link == "7");
  }
  SUBCASE("data_absolute_path stays absolute") {
    const ModelSpec spec = parse(with_line("data", "data: /srv/data/cbpp.csv"));
    CHECK(spec.data_path == fs::path("/srv/data/cbpp.csv"));
    CHECK(spec.data_name == "/srv/data/cbpp.csv");
  }
  SUBCASE("data_path_with_spaces") {
    const ModelSpec spec = parse(with_line("data", "data: \"my data (v2).csv\""));
    CHECK(spec.data_name == "my data (v2).csv");
    CHECK(spec.data_path == kConfigDir / "my data (v2).csv");
  }
  SUBCASE("a config in the current folder keeps relative paths relative") {
    const ModelSpec spec = parse_model_spec(kSeed, "config.yaml", "", {});
    CHECK(spec.data_path == fs::path("data.csv"));
  }
}

TEST_CASE("the same model written another way gives the same spec (fuzz same_fit mutations)") {
  const std::string plain = summary(parse(kSeed));
  SUBCASE("yaml_crlf") {
    std::string crlf;
    for (char c : kSeed) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    CHECK(summary(parse(crlf)) == plain);
  }
  SUBCASE("yaml_bom") { CHECK(summary(parse("\xEF\xBB\xBF" + kSeed)) == plain); }
  SUBCASE("yaml_block_style") {
    const std::string block =
        "data: data.csv\n"
        "formula: cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)\n"
        "family:\n  name: nb2\n  theta: 2.0\n"
        "link: log\nweights: size\n"
        "groups:\n  - herd\n  - period\n"
        "zi: ~ spp + mined\n"
        "integrator:\n  name: agq\n  points: 25\n"
        "optimizer:\n  name: bobyqa\n"
        "plugin_path:\n  - plugins/\n  - /opt/weft\n";
    CHECK(summary(parse(block)) == plain);
  }
  SUBCASE("yaml_quoted_values") {
    const std::string quoted =
        "data: \"data.csv\"\n"
        "formula: \"cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)\"\n"
        "family: {name: 'nb2', theta: \"2.0\"}\n"
        "link: 'log'\nweights: \"size\"\ngroups: [\"herd\", 'period']\n"
        "zi: \"~ spp + mined\"\n"
        "integrator: {\"name\": \"agq\", points: '25'}\n"
        "optimizer: \"bobyqa\"\nplugin_path: [\"plugins/\", \"/opt/weft\"]\n";
    CHECK(summary(parse(quoted)) == plain);
  }
  SUBCASE("yaml_comments") {
    std::istringstream in(kSeed);
    std::string commented = "# weft model file\n---\n", line;
    while (std::getline(in, line)) commented += "  # a comment line\n" + line + "   # trailing comment\n";
    CHECK(summary(parse(commented + "# end\n")) == plain);
  }
  SUBCASE("a scalar family equals a map with only its name") {
    CHECK(summary(parse(with_line("family", "family: {name: poisson}"))) ==
          summary(parse(with_line("family", "family: poisson"))));
  }
}

TEST_CASE("YAML that cannot be read is a one-line error naming config.yaml (fuzz must_fail)") {
  SUBCASE("yaml_unclosed_bracket names the line where the bracket opened") {
    CHECK(error_for(with_line("family", "family: [binomial")) ==
          "config.yaml: line 3: '[' is never closed with ']'");
    CHECK(error_for(with_line("family", "family: {name: nb2, theta: 2.0")) ==
          "config.yaml: line 3: '{' is never closed with '}'");
    CHECK(error_for(with_line("family", "family: {name: [nb2}")) ==
          "config.yaml: line 3: '{' is never closed with '}'");
    CHECK(error_for(with_line("family", "family: [nb2}]")) ==
          "config.yaml: not valid YAML at line 3, column 13 (key 'family'): a ']' or '}' that "
          "closes nothing, or the wrong bracket");
  }
  SUBCASE("yaml_bad_indentation") {
    CHECK(error_for(with_line("formula", " formula: y ~ x")) ==
          "config.yaml: not valid YAML at line 2, column 9 (key 'formula'): unexpected ':' (is "
          "a key indented differently from the others, or does an unquoted value contain ': '?)");
  }
  SUBCASE("formula_dangling_operator ':' is a YAML error naming the formula") {
    CHECK(contains(error_for(with_line("formula", "formula: y ~ x + (1 | g) :")),
                   "config.yaml: not valid YAML at line 2, column 26 (key 'formula'): unexpected ':'"));
  }
  SUBCASE("a token yaml-cpp 0.7 cannot place after the root (it would loop forever)") {
    CHECK(error_for(",\n") ==
          "config.yaml: not valid YAML at line 1, column 1: unexpected ',' (quote a value that "
          "starts with it)");
    CHECK(error_for("data: d.csv\n---\n,\n") ==
          "config.yaml: not valid YAML at line 3, column 1: unexpected ',' (quote a value that "
          "starts with it)");
    for (const std::string bad : {"[a, b] ,\n", "\"x\" ,\n", "&anchor ,\n", "!tag ,\n",
                                  "\"[\".'&|\n? ", "{:\"},~", "!\"}%\","}) {
      CAPTURE(bad);
      CHECK_FALSE(error_for(bad).empty());  // and error_for checks it is one line naming the file
    }
    CHECK(contains(error_for(with_line("groups", "groups:\n  - herd\n  - ,period")),
                   "config.yaml: not valid YAML at line 8"));
    CHECK(parse(with_line("groups", "groups:\n  - herd\n  - \",period\"")).groups.back() == ",period");
    CHECK(parse("data: d.csv\nformula: y ~ x +\n  , z\nfamily: poisson\n").formula == "y ~ x + , z");
  }
  SUBCASE("yaml_empty and yaml_comment_only") {
    const std::string empty = "config.yaml: is empty (no keys, only blanks or comments); "
                              "expected a map with data, formula and family";
    CHECK(error_for("") == empty);
    CHECK(error_for("# nothing here\n") == empty);
    CHECK(error_for("\xEF\xBB\xBF\n\n---\n") == empty);
  }
  SUBCASE("yaml_top_level_list") {
    CHECK(error_for("- data: data.csv\n- family: binomial\n") ==
          "config.yaml: expected a map of keys at the top level (data: ..., formula: ..., "
          "family: ...), got a list");
  }
  SUBCASE("yaml_scalar") {
    CHECK(error_for("weft\n") ==
          "config.yaml: expected a map of keys at the top level (data: ..., formula: ..., "
          "family: ...), got 'weft'");
  }
  SUBCASE("two documents") {
    CHECK(error_for(kSeed + "---\n" + kSeed) ==
          "config.yaml: holds 2 YAML documents (separated by ---); expected one");
  }
  SUBCASE("yaml_deep_nesting is refused quickly") {
    const auto start = std::chrono::steady_clock::now();
    const std::string deep = "family: " + std::string(50000, '[') + std::string(50000, ']');
    CHECK(error_for(with_line("family", deep)) ==
          "config.yaml: line 3: collections nested more than 64 levels deep; a model YAML "
          "needs only a few");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    CHECK(contains(error_for(with_line("family", "family: " + std::string(100, '{'))),
                   "nested more than 64 levels"));
  }
  SUBCASE("deep nesting yaml-cpp would refuse itself is still an InputError") {
    std::string dashes = "family:\n  ";
    for (int i = 0; i < 5000; ++i) dashes += "- ";
    CHECK(contains(error_for(with_line("family", dashes + "x")), "config.yaml: not valid YAML"));
  }
  SUBCASE("yaml_alias_bomb") {
    std::string bomb = without("family");
    bomb += "lol0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (int i = 1; i < 9; ++i) {
      bomb += "lol" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
      for (int k = 0; k < 9; ++k) bomb += (k ? ",*a" : "*a") + std::to_string(i - 1);
      bomb += "]\n";
    }
    const auto start = std::chrono::steady_clock::now();
    CHECK(contains(error_for(bomb + "family: *a8\n"), "config.yaml: unknown key 'lol0'"));
    // The same bomb under a valid key: refused as the wrong type without expanding it.
    std::string hidden = without("family") + "family: &a0 [lol, lol]\n";
    CHECK(contains(error_for(hidden), "config.yaml: family: expected a family name"));
    // More aliases than any model needs.
    std::string many = without("groups") + "groups: [&g herd";
    for (int i = 0; i < 150; ++i) many += ", *g";
    CHECK(error_for(many + "]\n") ==
          "config.yaml: line 10: more than 100 aliases (*name); refusing to expand them (a "
          "model YAML needs none)");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  }
  SUBCASE("control characters (binary content)") {
    CHECK(error_for(with_line("link", std::string("link: lo\x01g"))) ==
          "config.yaml: line 4: control character 0x01; expected printable text (YAML allows "
          "no control characters)");
    CHECK(contains(error_for(std::string("data: a\0b\n", 10)), "control character 0x00"));
  }
  SUBCASE("escaped control characters are text for the formula parser to judge") {
    CHECK(parse(with_line("formula", "formula: \"y ~ x + @#$\\u0001\"")).formula == "y ~ x + @#$\x01");
  }
}

TEST_CASE("keys: unknown, misspelled, duplicate, missing") {
  SUBCASE("unknown_key lists the valid keys") {
    CHECK(error_for(kSeed + "colour: blue\n") ==
          "config.yaml: unknown key 'colour' (valid keys: data, formula, family, link, weights, "
          "offset, groups, zi, integrator, optimizer, plugin_path, start, reml, na_action)");
  }
  SUBCASE("misspelled_key suggests the nearest key") {
    CHECK(error_for(with_line("family", "familly: binomial")) ==
          "config.yaml: unknown key 'familly' (did you mean 'family'?)");
    CHECK(error_for(with_line("formula", "fromula: y ~ x")) ==
          "config.yaml: unknown key 'fromula' (did you mean 'formula'?)");
    CHECK(error_for(with_line("integrator", "intergator: laplace")) ==
          "config.yaml: unknown key 'intergator' (did you mean 'integrator'?)");
  }
  SUBCASE("duplicate_key") {
    CHECK(error_for(kSeed + "family: poisson\n") ==
          "config.yaml: key 'family' appears twice (lines 3 and 11); YAML keys must be unique");
    CHECK(error_for(with_line("family", "family: {name: nb2, theta: 1, theta: 2}")) ==
          "config.yaml: key 'family.theta' appears twice (lines 3 and 3); YAML keys must be "
          "unique");
  }
  SUBCASE("data_key_missing") {
    CHECK(error_for(without("data")) ==
          "config.yaml: missing key 'data' (the CSV data file, e.g. data: data.csv; or give "
          "--data FILE)");
  }
  SUBCASE("formula_key_missing") {
    CHECK(error_for(without("formula")) ==
          "config.yaml: missing key 'formula' (e.g. formula: y ~ x + (1 | g))");
  }
  SUBCASE("family_key_missing") {
    CHECK(error_for(without("family")) == "config.yaml: missing key 'family' (e.g. family: binomial)");
  }
  SUBCASE("a key that is not a name") {
    CHECK(error_for(kSeed + "[a, b]: 1\n") ==
          "config.yaml: expected a key name, got a list (line 11)");
  }
}

TEST_CASE("wrong types say what was expected (fuzz *_wrong_type)") {
  SUBCASE("family_wrong_type") {
    CHECK(error_for(with_line("family", "family: [1, 2]")) ==
          "config.yaml: family: expected a family name (e.g. binomial) or a map with 'name' such "
          "as {name: nb2, theta: 2.0}, got a list (line 3)");
  }
  SUBCASE("integrator_wrong_type") {
    CHECK(error_for(with_line("integrator", "integrator: 7")) ==
          "config.yaml: integrator: expected an integrator name (laplace or agq) or a map with "
          "'name' such as {name: agq, points: 25}, got the number 7 (line 8)");
  }
  SUBCASE("formula_wrong_type") {
    CHECK(error_for(with_line("formula", "formula: {a: 1}")) ==
          "config.yaml: formula: expected a model formula (e.g. formula: y ~ x + (1 | g)), got "
          "a map (line 2)");
  }
  SUBCASE("data_wrong_type") {
    // A list is a table split in files (issue 16): it needs two or more.
    CHECK(error_for(with_line("data", "data: [data.csv]")) ==
          "config.yaml: data: a list names the files of one table split in parts (data: [part00.csv, "
          "part01.csv]); for one file write data: data.csv (line 1)");
    CHECK(error_for(with_line("data", "data: {a: 1}")) ==
          "config.yaml: data: expected the path of the CSV data file (e.g. data: data.csv), got "
          "a map (line 1)");
  }
  SUBCASE("optimizer_wrong_type") {
    CHECK(error_for(with_line("optimizer", "optimizer: [bobyqa]")) ==
          "config.yaml: optimizer: expected an optimizer name (e.g. lbfgsb or bobyqa) or a map "
          "with 'name' such as {name: bobyqa, max_evaluations: 20000}, got a list (line 9)");
  }
  SUBCASE("booleans, empty values and empty strings") {
    CHECK(error_for(with_line("link", "link: true")) ==
          "config.yaml: link: expected a link name (e.g. logit), got the boolean true (line 4)");
    CHECK(error_for(with_line("weights", "weights:")) ==
          "config.yaml: weights: expected a column name, got an empty value (line 5)");
    CHECK(error_for(with_line("formula", "formula: \"\"")) ==
          "config.yaml: formula: expected a model formula (e.g. formula: y ~ x + (1 | g)), got "
          "an empty string (line 2)");
    CHECK(error_for(with_line("data", "data: '  '")) ==
          "config.yaml: data: expected the path of the CSV data file (e.g. data: data.csv), got "
          "an empty string (line 1)");
    CHECK(contains(error_for(with_line("zi", "zi: [a]")), "config.yaml: zi: expected a one-sided formula"));
    CHECK(contains(error_for(with_line("offset", "offset: 1.5")), "config.yaml: offset: expected a column name, got the number 1.5"));
  }
  SUBCASE("lists of names") {
    CHECK(error_for(with_line("groups", "groups: [herd, [a]]")) ==
          "config.yaml: groups: expected a single name for each item, got a list (line 6)");
    CHECK(contains(error_for(with_line("plugin_path", "plugin_path: {a: b}")),
                   "config.yaml: plugin_path: expected a directory or a list of directories, got a map"));
  }
  SUBCASE("component maps") {
    CHECK(error_for(with_line("family", "family: {theta: 2.0}")) ==
          "config.yaml: family: the map has no 'name'; expected a map such as {name: nb2, theta: "
          "2.0} (line 3)");
    // a list is a valid value (family: {name: ordinal, levels: [low, mid, high]}); whoever reads
    // the key decides whether it takes one (Options::text refuses it, naming the key)
    CHECK(parse(with_line("family", "family: {name: nb2, theta: [1, 2]}")).family.lists.at("theta") ==
          std::vector<std::string>{"1", "2"});
    CHECK(error_for(with_line("family", "family: {name: ordinal, levels: [low, [a]]}")) ==
          "config.yaml: family.levels: expected a list of single values (numbers or words), got an item that is "
          "a list (line 3)");
    CHECK(error_for(with_line("family", "family: {name: ordinal, levels: []}")) ==
          "config.yaml: family.levels: expected a list of one or more values, got an empty list (line 3)");
    CHECK(error_for(with_line("integrator", "integrator: {name: [agq]}")) ==
          "config.yaml: integrator.name: expected an integrator name (laplace or agq), got a "
          "list (line 8)");
    CHECK(error_for(with_line("optimizer", "optimizer: {name: bobyqa, tolerance: }")) ==
          "config.yaml: optimizer.tolerance: expected a single value (a number or a word) or a list of them, got "
          "an empty value (line 9)");
  }
  SUBCASE("long or multi-line values are shown on one short line") {
    const std::string message = error_for(kSeed + "\"" + std::string(500, 'k') + "\\nx\": 1\n");
    CHECK(contains(message, "config.yaml: unknown key 'kkkk"));
    CHECK(contains(message, "...(502 characters)"));
  }
}

TEST_CASE("--data replaces the data key and is relative to the current directory") {
  LoadOptions options;
  options.data_override = "other/x.csv";
  const ModelSpec spec = parse(kSeed, options);
  CHECK(spec.data_name == "other/x.csv");
  CHECK(spec.data_path == fs::path("other/x.csv"));
  CHECK(parse(without("data"), options).data_path == fs::path("other/x.csv"));
  options.data_override = "";
  CHECK(error_for(kSeed, options) ==
        "config.yaml: --data: expected the path of a CSV data file, got an empty string");
}

TEST_CASE("--set key=value overrides the YAML before validation") {
  SUBCASE("a scalar key") {
    CHECK(parse_with_set(kSeed, {"optimizer=bobyqa"}).optimizer.name == "bobyqa");
    CHECK(parse_with_set(kSeed, {"link=probit"}).link == "probit");
  }
  SUBCASE("a section's option on an existing map") {
    const ModelSpec spec = parse_with_set(kSeed, {"integrator.points=7"});
    CHECK(spec.integrator.name == "agq");
    CHECK(spec.integrator.options.at("points") == "7");
  }
  SUBCASE("an option on a scalar section turns it into {name: <scalar>, option: value}") {
    const ModelSpec spec = parse_with_set(kSeed, {"optimizer.max_evaluations=100"});
    CHECK(spec.optimizer.name == "bobyqa");
    CHECK(spec.optimizer.options == std::map<std::string, std::string>{{"max_evaluations", "100"}});
    const ModelSpec nb2 =
        parse_with_set(with_line("family", "family: nb2"), {"family.theta=2"});
    CHECK(nb2.family.name == "nb2");
    CHECK(nb2.family.options.at("theta") == "2");
  }
  SUBCASE("an option on an absent integrator/optimizer starts from the default name") {
    const std::string minimal = "data: d.csv\nformula: y ~ x + (1 | g)\nfamily: poisson\n";
    const ModelSpec spec = parse_with_set(minimal, {"integrator.points=25", "optimizer.tolerance=1e-8"});
    CHECK(spec.integrator.name == "laplace");
    CHECK(spec.integrator.options.at("points") == "25");
    CHECK(spec.optimizer.name == "lbfgsb");
    CHECK(spec.optimizer.options.at("tolerance") == "1e-8");
  }
  SUBCASE("an option on an absent family has no name: the normal error, saying where from") {
    CHECK(error_with_set(without("family"), {"family.theta=2"}) ==
          "config.yaml: family: the map has no 'name'; expected a map such as {name: nb2, theta: "
          "2.0} (from --set family.theta=2)");
  }
  SUBCASE("the value is YAML, so lists and maps work; later --set wins") {
    const ModelSpec spec = parse_with_set(kSeed, {"groups=[a, b]", "family={name: nb1, phi: 3}",
                                                  "optimizer=nelder", "optimizer=bobyqa"});
    CHECK(spec.groups == std::vector<std::string>{"a", "b"});
    CHECK(spec.family.name == "nb1");
    CHECK(spec.family.options == std::map<std::string, std::string>{{"phi", "3"}});
    CHECK(spec.optimizer.name == "bobyqa");
  }
  SUBCASE("--set can supply a missing required key") {
    CHECK(parse_with_set(without("formula"), {"formula=y ~ x + (1 | g)"}).formula == "y ~ x + (1 | g)");
  }
  SUBCASE("cli_set_bad_optimizer: the name is kept for the registry to reject") {
    CHECK(parse_with_set(kSeed, {"optimizer=no_such_optimizer"}).optimizer.name == "no_such_optimizer");
  }
  SUBCASE("cli_set_unknown_key") {
    CHECK(error_with_set(kSeed, {"colour=blue"}) == "config.yaml: unknown key 'colour' in --set colour=blue");
    CHECK(error_with_set(kSeed, {"optimiser=bobyqa"}) ==
          "config.yaml: unknown key 'optimiser' in --set optimiser=bobyqa (did you mean 'optimizer'?)");
  }
  SUBCASE("cli_set_malformed") {
    CHECK(error_with_set(kSeed, {"optimizer"}) ==
          "config.yaml: --set optimizer: no '='; expected key=value, e.g. --set "
          "optimizer=bobyqa or --set integrator.points=25");
    CHECK(contains(error_with_set(kSeed, {"=bobyqa"}), "config.yaml: --set =bobyqa: the key before '=' is empty"));
    CHECK(contains(error_with_set(kSeed, {"a..b=1"}), "--set a..b=1: the key 'a..b' is not a key or key.option"));
    CHECK(contains(error_with_set(kSeed, {"family.=1"}), "--set family.=1: the key 'family.' is not a key or key.option"));
    CHECK(contains(error_with_set(kSeed, {"family.theta.x=1"}), "is not a key or key.option"));
  }
  SUBCASE("a --set with control characters is still shown on one line") {
    CHECK(error_with_set(kSeed, {"family=[a,\n"}) ==
          "config.yaml: --set family=[a,\\x0A: line 1: '[' is never closed with ']'");
    CHECK(error_with_set(kSeed, {"fam\tily=x"}) ==
          "config.yaml: unknown key 'fam\\x09ily' in --set fam\\x09ily=x (did you mean "
          "'family'?)");
  }
  SUBCASE("wrong types from --set say so") {
    CHECK(error_with_set(kSeed, {"integrator=7"}) ==
          "config.yaml: integrator: expected an integrator name (laplace or agq) or a map with "
          "'name' such as {name: agq, points: 25}, got the number 7 (from --set integrator=7)");
    CHECK(error_with_set(kSeed, {"link="}) ==
          "config.yaml: link: expected a link name (e.g. logit), got an empty value (from --set link=)");
    CHECK(parse_with_set(kSeed, {"family.levels=[low, mid, high]"}).family.lists.at("levels") ==
          std::vector<std::string>{"low", "mid", "high"});
    CHECK(error_with_set(kSeed, {"groups.x=1"}) ==
          "config.yaml: --set groups.x=1: 'groups' is a list, which has no option 'x'");
    CHECK(error_with_set(kSeed, {"family=[binomial"}) ==
          "config.yaml: --set family=[binomial: line 1: '[' is never closed with ']'");
    CHECK(error_with_set(kSeed, {"family=[b}]"}) ==
          "config.yaml: --set family=[b}]: not valid YAML at line 1, column 3: a ']' or '}' "
          "that closes nothing, or the wrong bracket");
    CHECK(error_with_set(kSeed, {"family=a: b: c"}) ==
          "config.yaml: --set family=a: b: c: not valid YAML at line 1, column 5 (key 'a'): "
          "unexpected ':' (is a key indented differently from the others, or does an unquoted "
          "value contain ': '?)");
    CHECK(error_with_set(kSeed, {"family=,"}) ==
          "config.yaml: --set family=,: not valid YAML at line 1, column 1: unexpected ',' (quote "
          "a value that starts with it)");
    CHECK(contains(error_with_set(kSeed, {"family=" + std::string(1000, '[')}),
                   "config.yaml: --set family="));
  }
}

TEST_CASE("load_model_spec reads the file and resolves data next to it") {
  const TempDir dir;
  const fs::path config = dir.write("models/config.yaml", kSeed);
  const ModelSpec spec = weft::config::load_model_spec(config, {});
  CHECK(spec.config_name == config.string());
  CHECK(spec.config_dir == dir.path() / "models");
  CHECK(spec.data_path == dir.path() / "models" / "data.csv");
  CHECK(spec.plugin_path.front() == dir.path() / "models" / "plugins/");

  const auto error_loading = [](const fs::path& file) {
    try {
      weft::config::load_model_spec(file, {});
    } catch (const weft::InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_loading(dir.path() / "none.yaml") ==
        (dir.path() / "none.yaml").string() + ": no such file; expected a model YAML file");
  CHECK(error_loading(dir.path() / "models") ==
        (dir.path() / "models").string() + ": is a directory; expected a model YAML file");
  const fs::path empty = dir.write("empty.yaml", "");
  CHECK(error_loading(empty) == empty.string() + ": is empty (no keys, only blanks or comments); "
                                                 "expected a map with data, formula and family");
}

TEST_CASE("no yaml-cpp exception escapes: mangled configs give InputError or a spec") {
  std::mt19937 rng(7);
  const std::string alphabet = "abc:{}[],-?&*!|>'\"#\n \t.~%@`\\";
  for (int round = 0; round < 3000; ++round) {
    std::string text = kSeed;
    const int edits = 1 + int(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % (text.size() + 1);
      if (rng() % 3 == 0 && at < text.size()) text.erase(at, 1 + rng() % 5);
      else text.insert(at, 1, alphabet[rng() % alphabet.size()]);
    }
    CAPTURE(text);
    try {
      parse(text);
    } catch (const weft::InputError& e) {
      const std::string message = e.what();
      REQUIRE(message.rfind("config.yaml: ", 0) == 0);
      REQUIRE(message.find('\n') == std::string::npos);
    }
  }
}

}  // TEST_SUITE

TEST_CASE("reml: a YAML boolean; unset leaves the choice to the family (lmer's REML for a linear mixed model)") {
  CHECK_FALSE(parse(kSeed).reml.has_value());
  CHECK(parse(kSeed + "reml: true\n").reml == true);
  CHECK(parse(kSeed + "reml: False\n").reml == false);
  CHECK(parse(kSeed + "reml: TRUE\n").reml == true);
  LoadOptions set;
  set.set = {"reml=false"};
  CHECK(parse_model_spec(kSeed + "reml: true\n", "config.yaml", kConfigDir, set).reml == false);
  const std::string expected = "expected true (REML, the default for a linear mixed model) or false (maximum likelihood), got ";
  CHECK(error_for(kSeed + "reml: yes\n") == "config.yaml: reml: " + expected + "'yes' (line 11)");
  CHECK(error_for(kSeed + "reml: 1\n") == "config.yaml: reml: " + expected + "the number 1 (line 11)");
  CHECK(error_for(kSeed + "reml: \"true\"\n") == "config.yaml: reml: " + expected + "'true' (line 11)");
  CHECK(error_for(kSeed + "reml: [true]\n") == "config.yaml: reml: " + expected + "a list (line 11)");
  CHECK(error_for(kSeed + "reml:\n") == "config.yaml: reml: " + expected + "an empty value (line 11)");
  set.set = {"reml=maybe"};
  CHECK(error_for(kSeed, set) == "config.yaml: reml: " + expected + "'maybe' (from --set reml=maybe)");
}
