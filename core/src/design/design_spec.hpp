#pragma once
// The data-dependent structure of a model's design, everything needed to build X, X_zi, the
// offset and the random-term columns again on other data: each variable's expression, kind
// and factor levels, each matrix's terms with their coding, the kept fixed-effect columns and
// the random terms in lme4's order. Stored as the result's "model" block (description.hpp).
#include <optional>
#include <string>
#include <vector>

namespace weft::design {

enum class VariableKind { Numeric, Factor };

// How a row's value becomes a factor level: the cell's text, or its number written as R's
// as.character() writes an integer column (100000) or a double (1e+05).
enum class LevelSource { Text, Integer, Double };

// The constants of scale(x) and poly(x, k), learned on the training data and applied to new
// data (R's makepredictcall): scale's centre and scale (mean, SD), poly's attr(, "coefs").
struct BasisCoefficients {
  std::string function;              // "scale" or "poly"; empty for other variables
  double center = 0, scale = 1;      // scale(): (x - center) / scale
  std::vector<double> alpha, norm2;  // poly(): the three-term recurrence (R's predict.poly)
};

struct VariableSpec {
  std::string label;       // R's label (deparse): "factor(period)", "log(x + 1)"
  std::string expression;  // the expression as written, parsed again for new data
  std::string role;        // what the model uses it for, for messages: "covariate in the formula"
  VariableKind kind = VariableKind::Numeric;
  bool grouping = false;   // right of '|': always a factor
  LevelSource level_source = LevelSource::Text;
  std::vector<std::string> levels;  // factors: sorted as R's factor()
  BasisCoefficients basis;          // scale() / poly()
  // A numeric variable with several columns (poly(x, 2)): the suffixes model.matrix gives them
  // ("1", "2"); empty for one column.
  std::vector<std::string> column_suffixes;
  std::size_t width() const { return kind == VariableKind::Numeric && !column_suffixes.empty() ? column_suffixes.size() : 1; }
};

// One term of a model matrix: its variables (indices into DesignSpec::variables) in R's
// variable order, and for each whether a factor is coded by treatment contrasts (first level
// dropped) or by all its levels (R's rule in terms.formula / model.matrix).
struct TermCoding {
  std::string label;
  std::vector<int> variables;
  std::vector<bool> contrasts;
};

struct MatrixSpec {
  bool intercept = true;
  std::vector<TermCoding> terms;
  std::vector<std::string> columns;  // every column model.matrix makes, in order
  std::vector<int> kept;             // the columns kept after lme4's rank check

  std::vector<std::string> kept_columns() const {
    std::vector<std::string> names;
    for (int c : kept) names.push_back(columns[std::size_t(c)]);
    return names;
  }
};

struct RandomTermSpec {
  std::string group;                     // "herd", "b:a"
  std::vector<int> group_variables;      // the interacted factors, first varies slowest
  MatrixSpec matrix;                     // model.matrix(~ lhs): the term's k columns
  std::vector<std::string> levels;       // the grouping factor's levels ("a:b" for interactions)
  // For an interaction: each level's code in every group variable (so new rows can be matched
  // without splitting labels at ':'). Empty for one grouping variable.
  std::vector<std::vector<int>> level_codes;
};

struct DesignSpec {
  std::string formula;
  std::optional<std::string> zi_formula;
  std::string response;
  std::vector<VariableSpec> variables;
  MatrixSpec fixed;
  std::optional<MatrixSpec> zi;
  std::vector<int> offset_variables;           // offset(...) terms of the formula
  std::optional<std::string> offset_column;    // the `offset:` column
  std::vector<RandomTermSpec> random;          // in lme4's order (the order of Z and theta)
};

}  // namespace weft::design
