// The design builder on small in-memory data sets: X, Z, response, weights, offsets, factor
// levels, errors, and build_newdata (core/src/design/).
#include <doctest/doctest.h>

#include "data/data_frame.hpp"
#include "design/model_builder.hpp"
#include "design/random_design.hpp"

#include <weft/errors.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

using weft::InputError;
using weft::Index;
using weft::Matrix;
using weft::design::build_model;
using weft::design::build_newdata;
using weft::design::BuiltModel;
using weft::design::ModelRequest;

namespace weft_test {

using Columns = std::vector<std::pair<std::string, std::vector<std::string>>>;

// A DataFrame as the CSV reader would make it: row r starts on line r + 2. Also used by
// test_design_reference.cpp.
weft::data::DataFrame frame_from_columns(const Columns& columns, const std::string& source = "data.csv") {
  weft::data::DataFrame frame;
  frame.source = source;
  const std::size_t rows = columns.empty() ? 0 : columns.front().second.size();
  if (rows > 0) frame.line_jumps = {{0, 2}};
  for (const auto& [name, cells] : columns) {
    weft::data::Column column;
    column.name = name;
    for (const auto& cell : cells) {
      const auto b = cell.find_first_not_of(" \t"), e = cell.find_last_not_of(" \t");
      const std::string text = b == std::string::npos ? "" : cell.substr(b, e - b + 1);
      double value = 0;
      column.kind.push_back(weft::data::classify_cell(text, value));
      column.text.push_back(text);
      column.number.push_back(value);
    }
    frame.columns.push_back(std::move(column));
  }
  return frame;
}

}  // namespace weft_test

namespace {

using weft_test::frame_from_columns;

weft::data::DataFrame small_data() {
  return frame_from_columns({
      {"y", {"1", "0", "1", "1", "0", "1"}},
      {"x", {"0.5", "1.5", "-1", "2", "0", "3"}},
      {"z", {"1", "2", "3", "4", "5", "6"}},
      {"f", {"b", "a", "c", "a", "b", "c"}},
      {"g", {"g2", "g1", "g2", "g3", "g1", "g3"}},
      {"h", {"1", "1", "2", "2", "1", "2"}},
      {"s", {"2", "3", "0", "1", "4", "2"}},
      {"n", {"5", "3", "0", "2", "4", "6"}},
      {"w", {"1", "2", "1", "0.5", "1", "1"}},
      {"off", {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6"}},
      {"const", {"1", "1", "1", "1", "1", "1"}},
  });
}

ModelRequest request(const std::string& formula) {
  ModelRequest r;
  r.formula = formula;
  return r;
}

std::string error_of(const ModelRequest& r, const weft::data::DataFrame& data) {
  try {
    build_model(r, data);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string error_of(const std::string& formula, const weft::data::DataFrame& data) {
  return error_of(request(formula), data);
}

Matrix dense(const weft::SparseMatrix& s) { return Matrix(s); }

// Z rebuilt from build_newdata's levels and values, as predict would use them.
Matrix z_from_newdata(const weft::design::NewDataDesign& nd, const std::vector<weft::RandomEffectTerm>& terms, Index n) {
  std::vector<weft::design::TermRows> rows;
  for (std::size_t t = 0; t < terms.size(); ++t) rows.push_back({nd.level[t], nd.values[t]});
  return dense(weft::design::assemble_z(terms, rows, n));
}

}  // namespace

TEST_CASE("design: y ~ x + f + (1 | g)") {
  const auto data = small_data();
  const BuiltModel b = build_model(request("y ~ x + f + (1 | g)"), data);
  const auto& m = b.matrices;
  CHECK(b.response == "y");
  CHECK(b.warnings.empty());
  CHECK(m.fixef_names == std::vector<std::string>{"(Intercept)", "x", "fb", "fc"});
  Matrix X(6, 4);
  X << 1, 0.5, 1, 0,  //
      1, 1.5, 0, 0,   //
      1, -1, 0, 1,    //
      1, 2, 0, 0,     //
      1, 0, 1, 0,     //
      1, 3, 0, 1;
  CHECK(m.X == X);
  CHECK(m.y == weft::Vector((weft::Vector(6) << 1, 0, 1, 1, 0, 1).finished()));
  CHECK(m.weights == weft::Vector::Ones(6));
  CHECK(m.offset == weft::Vector::Zero(6));
  CHECK(m.X_zi.cols() == 0);
  REQUIRE(m.terms.size() == 1);
  CHECK(m.terms[0].group == "g");
  CHECK(m.terms[0].columns == std::vector<std::string>{"(Intercept)"});
  CHECK(m.terms[0].levels == std::vector<std::string>{"g1", "g2", "g3"});
  CHECK(m.terms[0].first_column == 0);
  CHECK(m.terms[0].first_theta == 0);
  Matrix Z = Matrix::Zero(6, 3);
  Z(0, 1) = Z(1, 0) = Z(2, 1) = Z(3, 2) = Z(4, 0) = Z(5, 2) = 1;
  CHECK(dense(m.Z) == Z);
  CHECK(m.Z.isCompressed());
  CHECK(m.n_theta() == 1);
}

TEST_CASE("design: correlated slope (1 + x | g) is level-major") {
  const BuiltModel b = build_model(request("y ~ x + (1 + x | g)"), small_data());
  const auto& m = b.matrices;
  REQUIRE(m.terms.size() == 1);
  CHECK(m.terms[0].columns == std::vector<std::string>{"(Intercept)", "x"});
  CHECK(m.q() == 6);
  CHECK(m.n_theta() == 3);
  CHECK(m.theta_start() == weft::Vector((weft::Vector(3) << 1, 0, 1).finished()));
  const Matrix Z = dense(m.Z);
  // Row 0 is g2 with x = 0.5: columns 2 (intercept of g2) and 3 (x of g2).
  CHECK(Z.row(0) == (Eigen::RowVectorXd(6) << 0, 0, 1, 0.5, 0, 0).finished());
  // x = 0 is not stored (lme4's drop0).
  CHECK(Z(4, 0) == 1);
  CHECK(Z(4, 1) == 0);
  CHECK(m.Z.nonZeros() == 11);
}

TEST_CASE("design: crossed and nested terms in lme4's order") {
  const auto data = small_data();
  const BuiltModel crossed = build_model(request("y ~ (1 | h) + (1 | g)"), data);
  REQUIRE(crossed.matrices.terms.size() == 2);
  CHECK(crossed.matrices.terms[0].group == "g");  // 3 levels before 2
  CHECK(crossed.matrices.terms[1].group == "h");
  CHECK(crossed.matrices.terms[1].first_column == 3);
  CHECK(crossed.matrices.terms[1].first_theta == 1);
  const BuiltModel nested = build_model(request("y ~ (1 | h/f)"), data);
  REQUIRE(nested.matrices.terms.size() == 2);
  CHECK(nested.matrices.terms[0].group == "f:h");
  CHECK(nested.matrices.terms[0].levels == std::vector<std::string>{"a:1", "a:2", "b:1", "c:2"});
  CHECK(nested.matrices.terms[1].group == "h");
  const BuiltModel interaction = build_model(request("y ~ (1 | g:h)"), data);
  CHECK(interaction.matrices.terms[0].levels == std::vector<std::string>{"g1:1", "g2:1", "g2:2", "g3:2"});
  const BuiltModel uncorrelated = build_model(request("y ~ (x || g)"), data);
  REQUIRE(uncorrelated.matrices.terms.size() == 2);
  CHECK(uncorrelated.matrices.terms[1].columns == std::vector<std::string>{"x"});
  CHECK(uncorrelated.matrices.n_theta() == 2);
  const BuiltModel all_levels = build_model(request("y ~ (0 + f | g)"), data);
  CHECK(all_levels.matrices.terms[0].columns == std::vector<std::string>{"fa", "fb", "fc"});
  CHECK(all_levels.matrices.n_theta() == 6);
}

TEST_CASE("design: factor levels as R's factor()") {
  const auto data = frame_from_columns({
      {"y", {"1", "2", "3", "4", "5", "6"}},
      {"v", {"95", "2.5", "1e-05", "95", "2.5", "100000"}},
      {"iv", {"100000", "5", "20", "5", "20", "5"}},
      {"t", {"b", "B", "a", "_", "b", "a"}},
      {"lg", {"TRUE", "FALSE", "TRUE", "TRUE", "FALSE", "FALSE"}},
      {"mixed", {"1", "2", "x", "1", "2", "x"}},
  });
  const BuiltModel b = build_model(request("y ~ factor(v) + factor(iv) + t + lg + mixed"), data);
  // (6 rows cannot carry 12 columns: compare all columns model.matrix makes, before the rank check.)
  CHECK(b.description["fixed"]["columns"] ==
        nlohmann::json({"(Intercept)", "factor(v)2.5", "factor(v)95", "factor(v)1e+05", "factor(iv)20",
                        "factor(iv)100000", "t_", "ta", "tb", "lgTRUE", "mixed2", "mixedx"}));
  const auto& variables = b.description["variables"];
  CHECK(variables[0]["levels"] == nlohmann::json({"1e-05", "2.5", "95", "1e+05"}));
  CHECK(variables[0]["level_source"] == "double");
  CHECK(variables[1]["levels"] == nlohmann::json({"5", "20", "100000"}));
  CHECK(variables[1]["level_source"] == "integer");
  CHECK(variables[2]["levels"] == nlohmann::json({"B", "_", "a", "b"}));  // byte order
  CHECK(variables[2]["level_source"] == "text");
  // A grouping variable is a factor even when numeric: levels in numeric order.
  const auto grouped = frame_from_columns({{"y", {"1", "2", "3", "4"}}, {"herd", {"10", "9", "10", "1"}}});
  CHECK(build_model(request("y ~ (1 | herd)"), grouped).matrices.terms[0].levels ==
        std::vector<std::string>{"1", "9", "10"});
}

TEST_CASE("design: coding rules of model.matrix") {
  const auto data = small_data();
  auto names = [&](const std::string& f) { return build_model(request(f), data).matrices.fixef_names; };
  using V = std::vector<std::string>;
  CHECK(names("y ~ 0 + f") == V{"fa", "fb", "fc"});
  CHECK(names("y ~ x:f") == V{"(Intercept)", "x:fa", "x:fb", "x:fc"});
  CHECK(names("y ~ x + x:f") == V{"(Intercept)", "x", "x:fb", "x:fc"});
  CHECK(names("y ~ f*x") == V{"(Intercept)", "fb", "fc", "x", "fb:x", "fc:x"});
  CHECK(names("y ~ I(x^2) + log(z) + log(z + 1)") == V{"(Intercept)", "I(x^2)", "log(z)", "log(z + 1)"});
  CHECK(names("y ~ x - 1") == V{"x"});
  CHECK(names("y ~ 0") == V{});
  const BuiltModel response_on_right = build_model(request("y ~ y + x"), data);
  CHECK(response_on_right.matrices.fixef_names == V{"(Intercept)", "x"});
  CHECK(response_on_right.warnings == V{"the response appeared on the right-hand side and was dropped"});
  const BuiltModel b = build_model(request("y ~ 0 + I(x^2) + log(z) + exp(x)"), data);
  CHECK(b.matrices.X(2, 0) == 1.0);
  CHECK(b.matrices.X(3, 1) == std::log(4.0));
  CHECK(b.matrices.X(2, 2) == std::exp(-1.0));
  REQUIRE(b.matrices.X.cols() == 3);
  // (log(z, 2) and log10(z) are collinear: one model each.)
  const BuiltModel c = build_model(request("y ~ 0 + sqrt(z) + abs(x) + I(x/2 - z*3) + log(z, 2)"), data);
  REQUIRE(c.matrices.X.cols() == 4);
  CHECK(c.matrices.X(1, 0) == std::sqrt(2.0));
  CHECK(c.matrices.X(2, 1) == 1.0);
  CHECK(c.matrices.X(0, 2) == 0.25 - 3.0);
  CHECK(c.matrices.X(3, 3) == 2.0);
  CHECK(build_model(request("y ~ 0 + log10(z)"), data).matrices.X(3, 0) == std::log10(4.0));
}

TEST_CASE("design: repeated terms and deep parentheses give the same model") {
  const auto data = small_data();
  std::string repeated = "y ~ ";
  for (int i = 0; i < 200; ++i) repeated += "f + ";
  repeated += "x + (1 | g)";
  const std::string deep = "y ~ " + std::string(20000, '(') + "f" + std::string(20000, ')') + " + x + (1 | g)";
  const BuiltModel plain = build_model(request("y ~ f + x + (1 | g)"), data);
  for (const auto& formula : {repeated, deep}) {
    const BuiltModel b = build_model(request(formula), data);
    CHECK(b.matrices.fixef_names == plain.matrices.fixef_names);
    CHECK(b.matrices.X == plain.matrices.X);
    CHECK(dense(b.matrices.Z) == dense(plain.matrices.Z));
  }
}

TEST_CASE("design: rank-deficient X drops later columns as lme4") {
  const auto data = small_data();
  const BuiltModel b = build_model(request("y ~ x + const + z"), data);
  CHECK(b.matrices.fixef_names == std::vector<std::string>{"(Intercept)", "x", "z"});
  REQUIRE(b.warnings.size() == 1);
  CHECK(b.warnings[0] == "fixed-effect model matrix is rank deficient so dropping 1 column / coefficient");
  CHECK(b.description["fixed"]["kept"] == nlohmann::json({0, 1, 3}));
  const auto copy = frame_from_columns({{"y", {"1", "2", "3", "4"}},
                                        {"x", {"1", "2", "4", "3"}},
                                        {"x_copy", {"1", "2", "4", "3"}},
                                        {"c", {"2", "2", "2", "2"}}});
  const BuiltModel two = build_model(request("y ~ x + x_copy + c"), copy);
  CHECK(two.matrices.fixef_names == std::vector<std::string>{"(Intercept)", "x"});
  CHECK(two.warnings[0] == "fixed-effect model matrix is rank deficient so dropping 2 columns / coefficients");
}

TEST_CASE("design: binomial responses") {
  const auto data = small_data();
  ModelRequest r = request("cbind(s, n - s) ~ x");
  r.binomial_response = true;
  // Row 2 has s = 3 of n = 3, row 3 has 0 of 0 (y = 0 as R's binomial initialize).
  const BuiltModel b = build_model(r, frame_from_columns({{"s", {"2", "3", "0"}}, {"n", {"5", "3", "0"}}, {"x", {"1", "2", "3"}}}));
  CHECK(b.response == "cbind(s, n - s)");
  CHECK(b.matrices.y(0) == doctest::Approx(0.4));
  CHECK(b.matrices.y(1) == 1.0);
  CHECK(b.matrices.y(2) == 0.0);
  CHECK(b.matrices.weights == weft::Vector((weft::Vector(3) << 5, 3, 0).finished()));
  r.weights = "w";
  const BuiltModel weighted = build_model(r, frame_from_columns({{"s", {"2", "3"}}, {"n", {"5", "3"}}, {"x", {"1", "2"}}, {"w", {"2", "0.5"}}}));
  CHECK(weighted.matrices.weights == weft::Vector((weft::Vector(2) << 10, 1.5).finished()));
  r.weights.reset();
  CHECK(error_of(r, frame_from_columns({{"s", {"2", "3"}}, {"n", {"5", "2"}}, {"x", {"1", "2"}}})) ==
        "data.csv: row 2 (line 3): response cbind(s, n - s): successes (3) exceed trials (2)");
  ModelRequest failures = request("cbind(s, f) ~ x");
  failures.binomial_response = true;
  CHECK(error_of(failures, frame_from_columns({{"s", {"2", "3"}}, {"f", {"5", "-1"}}, {"x", {"1", "2"}}})) ==
        "data.csv: row 2 (line 3): response cbind(s, f): failures are negative (-1)");
  CHECK(error_of(failures, frame_from_columns({{"s", {"-2", "3"}}, {"f", {"5", "1"}}, {"x", {"1", "2"}}})) ==
        "data.csv: row 1 (line 2): response cbind(s, f): successes are negative (-2)");
  // Proportion form: weights are the trials unless a weights column is given.
  ModelRequest proportion = request("s / n ~ x");
  proportion.binomial_response = true;
  const auto prop_data = frame_from_columns({{"s", {"2", "3"}}, {"n", {"5", "4"}}, {"x", {"1", "2"}}, {"w", {"7", "8"}}});
  const BuiltModel p = build_model(proportion, prop_data);
  CHECK(p.response == "s/n");
  CHECK(p.matrices.y(1) == 0.75);
  CHECK(p.matrices.weights == weft::Vector((weft::Vector(2) << 5, 4).finished()));
  proportion.weights = "w";
  CHECK(build_model(proportion, prop_data).matrices.weights == weft::Vector((weft::Vector(2) << 7, 8).finished()));
  proportion.weights.reset();
  CHECK(error_of(proportion, frame_from_columns({{"s", {"2", "3"}}, {"n", {"5", "0"}}, {"x", {"1", "2"}}})) ==
        "data.csv: row 2 (line 3): response s/n: trials must be positive, got 0");
  CHECK(error_of(proportion, frame_from_columns({{"s", {"6", "3"}}, {"n", {"5", "4"}}, {"x", {"1", "2"}}})) ==
        "data.csv: row 1 (line 2): response s/n: successes (6) exceed trials (5)");
  // Not binomial: the forms are errors naming the formula.
  CHECK(error_of("cbind(s, n - s) ~ x", data) ==
        "config.yaml: formula: a cbind(successes, failures) response is only for the binomial family at position 1: "
        ">>>cbind(s, n - s) ~ x");
  CHECK(error_of("s / n ~ x", data).find("a proportion response (successes / trials) is only for the binomial family") !=
        std::string::npos);
}

TEST_CASE("design: weights and offsets") {
  const auto data = small_data();
  ModelRequest r = request("y ~ x + offset(log(z)) + offset(x)");
  r.weights = "w";
  r.offset = "off";
  const BuiltModel b = build_model(r, data);
  CHECK(b.matrices.weights(3) == 0.5);
  CHECK(b.matrices.offset(1) == doctest::Approx(0.2 + std::log(2.0) + 1.5));
  CHECK(b.matrices.fixef_names == std::vector<std::string>{"(Intercept)", "x"});
  r.weights = "neg";
  r.offset.reset();
  auto with_negative = data;
  with_negative.columns.push_back(frame_from_columns({{"neg", {"1", "-1", "1", "1", "1", "1"}}}).columns[0]);
  CHECK(error_of(r, with_negative) == "data.csv: row 2 (line 3), column 'neg': weights must be finite non-negative numbers, got -1");
  with_negative.columns.back() = frame_from_columns({{"neg", {"1", "1", "NaN", "1", "1", "1"}}}).columns[0];
  CHECK(error_of(r, with_negative) == "data.csv: row 3 (line 4), column 'neg': expected a number, got 'NaN'");
}

TEST_CASE("design: zero-inflation matrix") {
  const auto data = small_data();
  ModelRequest r = request("y ~ x + (1 | g)");
  r.zero_model = true;
  CHECK(build_model(r, data).matrices.zi_names == std::vector<std::string>{"(Intercept)"});
  r.zi_formula = "~ f + z";
  const BuiltModel b = build_model(r, data);
  CHECK(b.matrices.zi_names == std::vector<std::string>{"(Intercept)", "fb", "fc", "z"});
  CHECK(b.matrices.X_zi(5, 3) == 6.0);
  r.zi_formula = "~ x + (1 | g)";
  CHECK(error_of(r, data) == "config.yaml: zi: random effects in zi are not supported at position 10: ~ x + (1 >>>| g)");
  r.zi_formula = "~ nope";
  CHECK(error_of(r, data) == "data.csv: no column 'nope' (used as covariate in the zi formula)");
  r.zero_model = false;  // zi ignored without a zero model
  CHECK(build_model(r, data).matrices.X_zi.cols() == 0);
}

TEST_CASE("design: groups shorthand") {
  ModelRequest r = request("s / n ~ factor(h)");
  r.binomial_response = true;
  r.groups = {"g"};
  auto data = small_data();
  data.columns[7] = frame_from_columns({{"n", {"5", "3", "1", "2", "4", "6"}}}).columns[0];
  const BuiltModel b = build_model(r, data);
  REQUIRE(b.matrices.terms.size() == 1);
  CHECK(b.matrices.terms[0].group == "g");
  CHECK(b.matrices.fixef_names == std::vector<std::string>{"(Intercept)", "factor(h)2"});
  r.groups = {"farm"};
  CHECK(error_of(r, data) == "data.csv: no column 'farm' (used as grouping factor in groups)");
}

TEST_CASE("design: bad cells and missing columns name file, row and column") {
  const auto data = small_data();
  CHECK(error_of("yy ~ x", data) == "data.csv: no column 'yy' (used as response in the formula) (did you mean 'y'?)");
  CHECK(error_of("y ~ xx + (1 | g)", data) ==
        "data.csv: no column 'xx' (used as covariate in the formula) (did you mean 'x'?)");
  CHECK(error_of("y ~ x + (1 | herd)", data) == "data.csv: no column 'herd' (used as grouping factor in the formula)");
  ModelRequest r = request("y ~ x");
  r.weights = "weight";
  CHECK(error_of(r, data) == "data.csv: no column 'weight' (used as weights)");
  r.weights.reset();
  r.offset = "offset";
  CHECK(error_of(r, data) == "data.csv: no column 'offset' (used as offset)");

  auto cells = [](std::vector<std::string> x) {
    return frame_from_columns({{"y", {"1", "2", "3", "4"}}, {"x", std::move(x)}, {"g", {"a", "b", "a", ""}}});
  };
  CHECK(error_of("y ~ log(x)", cells({"1", "abc", "2", "3"})) ==
        "data.csv: row 2 (line 3), column 'x': expected a number, got 'abc'");
  CHECK(error_of("y ~ x", cells({"1", "NaN", "2", "3"})) ==
        "data.csv: row 2 (line 3), column 'x': expected a number, got 'NaN'");
  CHECK(error_of("y ~ x", cells({"1", "2", "-inf", "3"})) ==
        "data.csv: row 3 (line 4), column 'x': expected a number, got '-inf'");
  CHECK(error_of("y ~ x", cells({"1", "", "2", "3"})) ==
        "data.csv: row 2 (line 3), column 'x': expected a number, got a missing value (NA or empty; na_action: omit "
        "drops such rows)");
  CHECK(error_of("y ~ x", cells({"1", "NA", "2", "3"})).find("row 2 (line 3), column 'x'") != std::string::npos);
  CHECK(error_of("y ~ x + (1 | g)", cells({"1", "2", "3", "4"})) ==
        "data.csv: row 4 (line 5), column 'g': g (grouping factor in the formula) has a missing value (NA or empty; "
        "na_action: omit drops such rows)");
  CHECK(error_of("y ~ log(x)", cells({"1", "2", "0", "3"})) ==
        "data.csv: row 3 (line 4): log(x) (covariate in the formula) is -Inf; expected a finite number");
  CHECK(error_of("y ~ I(1/x)", cells({"1", "2", "0", "3"})).find("I(1/x) (covariate in the formula) is Inf") !=
        std::string::npos);
  CHECK(error_of("log(y - 4) ~ x", cells({"1", "2", "0", "3"})).find("row 1 (line 2): log(y - 4) (response in the formula) is NaN") !=
        std::string::npos);
  CHECK(error_of("g ~ x", cells({"1", "2", "0", "3"})) ==
        "data.csv: row 1 (line 2), column 'g': expected a number, got 'a'");
  // A text column in arithmetic, factor() in arithmetic, a single-level factor.
  CHECK(error_of("y ~ I(g + 1)", cells({"1", "2", "0", "3"})).find("column 'g': expected a number, got 'a'") !=
        std::string::npos);
  CHECK(error_of("y ~ log(factor(x))", cells({"1", "2", "0", "3"})) ==
        "config.yaml: formula: factor() makes a factor, which cannot be used as a number here at position 9: "
        "y ~ log(>>>factor(x))");
  CHECK(error_of("y ~ I(x:y)", cells({"1", "2", "0", "3"})).find("':' is a formula operator") != std::string::npos);
  const auto one_level = frame_from_columns({{"y", {"1", "2"}}, {"f", {"a", "a"}}});
  CHECK(error_of("y ~ f", one_level) ==
        "data.csv: f (covariate in the formula) has only one level ('a'); a factor in the model needs at least two "
        "(R: contrasts can be applied only to factors with 2 or more levels)");
  // A grouping factor may have a single level.
  CHECK(build_model(request("y ~ (1 | f)"), one_level).matrices.q() == 1);
  // A column named twice in the header is ambiguous.
  auto duplicated = small_data();
  duplicated.columns.push_back(duplicated.columns[1]);
  CHECK(error_of("y ~ x", duplicated).find("column 'x' appears more than once") != std::string::npos);
}

TEST_CASE("newdata: the training data gives the training design") {
  const auto data = small_data();
  ModelRequest r = request("y ~ x * f + log(z) + offset(log(z)) + (1 + x | g) + (1 | h/f) + (0 + f | h)");
  r.offset = "off";
  r.zero_model = true;
  r.zi_formula = "~ factor(h) + x";
  r.weights = "w";
  const BuiltModel b = build_model(r, data);
  // The description survives being written and read as JSON text.
  const auto description = nlohmann::json::parse(b.description.dump());
  const auto nd = build_newdata(description, data);
  CHECK(nd.X == b.matrices.X);
  CHECK(nd.X_zi == b.matrices.X_zi);
  CHECK(nd.offset == b.matrices.offset);
  REQUIRE(nd.level.size() == b.matrices.terms.size());
  CHECK(z_from_newdata(nd, b.matrices.terms, 6) == dense(b.matrices.Z));
  // New data needs no response or weights column.
  auto without = data;
  without.columns.erase(without.columns.begin());  // y
  without.columns.erase(without.columns.begin() + 7);  // w
  CHECK(build_newdata(description, without).X == b.matrices.X);
}

TEST_CASE("newdata: unseen levels and missing columns") {
  const auto data = small_data();
  const BuiltModel b = build_model(request("y ~ x + f + factor(h) + (1 | g) + (1 | g:h)"), data);
  const auto fresh = frame_from_columns({
      {"x", {"1", "2", "3"}},
      {"f", {"c", "a", "b"}},
      {"g", {"g3", "new", "g1"}},
      {"h", {"2", "1", "2"}},
  }, "new.csv");
  const auto nd = build_newdata(b.description, fresh);
  CHECK(nd.X.row(0) == (Eigen::RowVectorXd(5) << 1, 1, 0, 1, 1).finished());
  REQUIRE(nd.level.size() == 2);
  // Terms in lme4 order: g:h (4 levels) then g (3).
  CHECK(b.matrices.terms[0].group == "g:h");
  CHECK(nd.level[0] == std::vector<Index>{3, -1, -1});  // g1:2 never occurred in fitting
  CHECK(nd.level[1] == std::vector<Index>{2, -1, 0});
  CHECK(nd.values[1] == Matrix::Ones(3, 1));
  auto unseen = fresh;
  unseen.columns[1] = frame_from_columns({{"f", {"c", "zzz", "b"}}}).columns[0];
  auto error = [&](const weft::data::DataFrame& frame) {
    try {
      build_newdata(b.description, frame);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error(unseen) ==
        "new.csv: row 2 (line 3), column 'f': level 'zzz' of f was not seen when the model was fitted (levels: 'a', "
        "'b', 'c')");
  auto unseen_number = fresh;
  unseen_number.columns[3] = frame_from_columns({{"h", {"2", "7", "1"}}}).columns[0];
  CHECK(error(unseen_number).find("column 'h': level '7' of factor(h) was not seen") != std::string::npos);
  auto missing = fresh;
  missing.columns.erase(missing.columns.begin());
  CHECK(error(missing) == "new.csv: no column 'x' (used as covariate in the formula) (did you mean 'f'?)");
  auto bad_cell = fresh;
  bad_cell.columns[0] = frame_from_columns({{"x", {"1", "oops", "3"}}}).columns[0];
  CHECK(error(bad_cell) == "new.csv: row 2 (line 3), column 'x': expected a number, got 'oops'");
}

TEST_CASE("newdata: malformed descriptions are input errors") {
  const auto data = small_data();
  const BuiltModel b = build_model(request("y ~ x + f + (1 + x | g) + (1 | g:h)"), data);
  auto error = [&](const nlohmann::json& description) {
    try {
      build_newdata(description, data);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error(nlohmann::json::array()) == "model description: model: expected an object");
  CHECK(error(nlohmann::json::object()) == "model description: model: missing \"design_version\"");
  auto d = b.description;
  d["design_version"] = 99;
  CHECK(error(d).find("design_version") != std::string::npos);
  d = b.description;
  d.erase("fixed");
  CHECK(error(d) == "model description: model: missing \"fixed\"");
  d = b.description;
  d["fixed"]["terms"][0]["variables"][0] = 42;
  CHECK(error(d) == "model description: fixed.terms[0].variables: index 42 out of range");
  d = b.description;
  d["fixed"]["columns"].erase(1);
  CHECK(error(d).find("fixed.columns: expected 4 names") != std::string::npos);
  d = b.description;
  d["fixed"]["kept"] = {0, 9};
  CHECK(error(d).find("fixed.kept: index 9 out of range") != std::string::npos);
  d = b.description;
  d["variables"][0]["expression"] = "log(";
  CHECK(error(d).find("model description: variable x: unbalanced parenthesis") != std::string::npos);
  d = b.description;
  d["variables"][0]["kind"] = "banana";
  CHECK(error(d).find("variables[0].kind") != std::string::npos);
  d = b.description;
  d["random"][0]["level_codes"][0] = {0};
  CHECK(error(d).find("random[0].level_codes[0]: expected one code per grouping variable") != std::string::npos);
  d = b.description;
  d["random"][1]["levels"] = {"g1"};
  CHECK(error(d).find("random[1].levels: must equal the grouping variable's levels") != std::string::npos);
  d = b.description;
  d["variables"][1]["levels"] = nlohmann::json::array();
  CHECK(error(d).find("variables[1].levels: a factor needs at least one level") != std::string::npos);
  d = b.description;
  d["random"][1]["matrix"]["terms"][0]["contrasts"] = "yes";
  CHECK(error(d).find("random[1].matrix.terms[0].contrasts: expected an array") != std::string::npos);
}
