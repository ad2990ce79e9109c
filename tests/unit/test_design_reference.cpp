// The design against R: model.matrix / lme4's lFormula on tests/data/design/design_data.csv,
// saved by tests/data/design/make_design_refs.R (R 4.2.2, lme4 1.1-31). Column names, factor
// levels, term order and the theta layout must match exactly, values to 1e-12.
#include <doctest/doctest.h>

#include "test_support.hpp"

#include "data/data_frame.hpp"
#include "design/model_builder.hpp"
#include "design/random_design.hpp"

#include <weft/integrator/model.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#ifndef WEFT_TEST_DATA_DIR
#define WEFT_TEST_DATA_DIR "tests/data"
#endif

namespace weft_test {
// Defined in test_design.cpp.
using Columns = std::vector<std::pair<std::string, std::vector<std::string>>>;
weft::data::DataFrame frame_from_columns(const Columns& columns, const std::string& source);
}  // namespace weft_test

namespace {

const std::string kDir = std::string(WEFT_TEST_DATA_DIR) + "/design/";

using weft::testing::split_csv_line;

// Header and rows of a CSV file as text.
std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> read_csv_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in, "cannot open " << path);
  std::string line;
  std::getline(in, line);
  const auto header = split_csv_line(line);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(split_csv_line(line));
  return {header, rows};
}

weft::data::DataFrame design_data() {
  const auto [header, rows] = read_csv_text(kDir + "design_data.csv");
  weft_test::Columns columns;
  for (std::size_t j = 0; j < header.size(); ++j) {
    std::vector<std::string> cells;
    for (const auto& row : rows) cells.push_back(row.at(j));
    columns.emplace_back(header[j], std::move(cells));
  }
  return weft_test::frame_from_columns(columns, "design_data.csv");
}

std::pair<std::vector<std::string>, weft::Matrix> read_matrix(const std::string& file) {
  const auto [header, rows] = read_csv_text(kDir + file);
  weft::Matrix m(weft::Index(rows.size()), weft::Index(header.size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < header.size(); ++j) m(weft::Index(i), weft::Index(j)) = std::strtod(rows[i].at(j).c_str(), nullptr);
  return {header, m};
}

std::vector<std::string> strings(const nlohmann::json& j) { return j.get<std::vector<std::string>>(); }

void check_close(const weft::Matrix& actual, const weft::Matrix& expected, const std::string& what) {
  REQUIRE_MESSAGE(actual.rows() == expected.rows(), what);
  REQUIRE_MESSAGE(actual.cols() == expected.cols(), what);
  double worst = 0;
  for (weft::Index i = 0; i < actual.rows(); ++i)
    for (weft::Index j = 0; j < actual.cols(); ++j)
      worst = std::max(worst, std::fabs(actual(i, j) - expected(i, j)) / std::max(1.0, std::fabs(expected(i, j))));
  CHECK_MESSAGE(worst <= 1e-12, what << ": largest relative difference " << worst);
}

}  // namespace

TEST_CASE("design against R's model.matrix and lme4's mkReTrms") {
  const auto data = design_data();
  std::ifstream in(kDir + "design_cases.json");
  REQUIRE(in);
  const nlohmann::json cases = nlohmann::json::parse(in);
  REQUIRE(cases.size() >= 30);
  for (const auto& c : cases) {
    const std::string name = c["name"];
    const std::string formula = c["formula"];
    CAPTURE(name);
    CAPTURE(formula);
    weft::design::ModelRequest request;
    request.formula = formula;
    request.binomial_response = formula.rfind("cbind", 0) == 0;
    const weft::design::BuiltModel built = weft::design::build_model(request, data);
    const weft::ModelMatrices& m = built.matrices;

    const auto [x_names, X] = read_matrix("X_" + name + ".csv");
    CHECK(m.fixef_names == strings(c["columns"]));
    CHECK(m.fixef_names == x_names);
    check_close(m.X, X, name + ": X");
    CHECK(built.warnings == strings(c["rank_message"]));

    // The design rebuilt from the description on the same data.
    const auto newdata = weft::design::build_newdata(built.description, data);
    check_close(newdata.X, m.X, name + ": newdata X");

    if (!c["random"].get<bool>()) {
      CHECK(m.terms.empty());
      continue;
    }
    const auto& terms = c["terms"];
    REQUIRE(m.terms.size() == terms.size());
    for (std::size_t t = 0; t < terms.size(); ++t) {
      CAPTURE(t);
      CHECK(m.terms[t].group == terms[t]["group"].get<std::string>());
      CHECK(m.terms[t].columns == strings(terms[t]["columns"]));
      CHECK(m.terms[t].levels == strings(terms[t]["levels"]));
      CHECK(m.terms[t].n_levels() == c["nl"][t].get<weft::Index>());
      CHECK(m.terms[t].first_column == c["Gp"][t].get<weft::Index>());
    }
    check_close(weft::Matrix(m.Z), read_matrix("Z_" + name + ".csv").second, name + ": Z");
    const auto theta = c["theta"].get<std::vector<double>>();
    CHECK(m.theta_start() == Eigen::Map<const weft::Vector>(theta.data(), weft::Index(theta.size())));
    // Lambda with theta = 1, 2, ... shows where each theta goes: lme4's Lind.
    weft::RelativeCovarianceFactor lambda(m.terms);
    lambda.update(weft::Vector::LinSpaced(m.n_theta(), 1.0, double(m.n_theta())));
    check_close(weft::Matrix(lambda.lambda()), read_matrix("Lambda_" + name + ".csv").second, name + ": Lind");

    std::vector<weft::design::TermRows> rows;
    for (std::size_t t = 0; t < m.terms.size(); ++t) rows.push_back({newdata.level[t], newdata.values[t]});
    check_close(weft::Matrix(weft::design::assemble_z(m.terms, rows, m.n())), weft::Matrix(m.Z), name + ": newdata Z");
  }
}
