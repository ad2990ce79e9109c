#include "report/comparison_report.hpp"

#include "formula/r_number.hpp"
#include "report/significance.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <sstream>

namespace weft::report {

using nlohmann::ordered_json;

namespace {

constexpr int kDigits = 5;      // print.anova: max(getOption("digits") - 2, 3)
constexpr int kTestDigits = 4;  // printCoefmat's dig.tst: Chisq decimals, p-value digits

using Column = std::vector<double>;

// format(values, digits) with NA (NaN) printed as nothing (print.anova's na.print = "").
std::vector<std::string> formatted(const Column& values, int digits) {
  std::vector<std::string> out = formula::format_r_numbers(values, digits);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) out[i].clear();
  return out;
}

double round_to(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

// R 4.2's zapsmall(values, digits): rounded to digits - log10(max |x|) decimals (R >= 4.4
// takes the ceiling of the logarithm).
Column zapped(Column values, int digits) {
  double largest = 0;
  for (const double v : values)
    if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
  const double decimals = largest > 0 ? std::max(0.0, digits - std::log10(largest)) : digits;
  for (double& v : values)
    if (std::isfinite(v)) v = round_to(v, int(std::floor(decimals + 0.5)));
  return values;
}

// R's format.pval(p, digits, eps = .Machine$double.eps): values from 1e-3 up formatted
// together, smaller ones together, those below eps as "< 2.2e-16".
std::vector<std::string> formatted_p_values(const Column& p, int digits) {
  std::vector<std::string> out(p.size());
  Column plain(p.size(), NAN), small(p.size(), NAN);
  bool any_tiny = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!std::isfinite(p[i])) continue;
    if (p[i] < DBL_EPSILON) any_tiny = true;
    else if (p[i] == 0 || std::floor(std::log10(p[i])) >= -3) plain[i] = p[i];
    else small[i] = p[i];
  }
  const auto plain_text = formatted(plain, digits), small_text = formatted(small, digits);
  std::size_t widest = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    out[i] = plain_text[i] + small_text[i];
    widest = std::max(widest, out[i].size());
  }
  if (any_tiny) {
    int eps_digits = std::max(1, digits - 2);
    std::string separator = eps_digits == 1 ? "" : " ";
    if (widest > 0) {
      const int nc = int(widest);
      if (eps_digits > 1 && eps_digits + 6 > nc) eps_digits = std::max(1, nc - 7);
      separator = eps_digits == 1 && nc <= 6 ? "" : " ";
    }
    const std::string tiny = "<" + separator + formula::format_r_numbers({DBL_EPSILON}, eps_digits).front();
    for (std::size_t i = 0; i < p.size(); ++i)
      if (std::isfinite(p[i]) && p[i] < DBL_EPSILON) out[i] = tiny;
  }
  return out;
}

Column column(const inference::ModelComparison& comparison, const std::function<double(const inference::ComparisonRow&)>& field) {
  Column values;
  for (const auto& row : comparison.rows) values.push_back(field(row));
  return values;
}

std::string padded(const std::string& text, std::size_t width, bool right) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

std::string comparison_text(const inference::ModelComparison& comparison) {
  using Row = inference::ComparisonRow;
  const auto test_value = [](double v, const Row& row) { return row.df > 0 || std::isfinite(row.chisq) ? v : NAN; };
  Column chisq = column(comparison, [](const Row& r) { return r.chisq; });
  for (double& v : chisq)
    if (std::isfinite(v)) v = round_to(v, kTestDigits);

  std::vector<std::pair<std::string, std::vector<std::string>>> table = {
      {"npar", formatted(zapped(column(comparison, [](const Row& r) { return double(r.npar); }), kDigits), kDigits)},
      {"AIC", formatted(zapped(column(comparison, [](const Row& r) { return r.aic; }), kDigits), kDigits)},
      {"BIC", formatted(zapped(column(comparison, [](const Row& r) { return r.bic; }), kDigits), kDigits)},
      {"logLik", formatted(zapped(column(comparison, [](const Row& r) { return r.loglik; }), kDigits), kDigits)},
      {"deviance", formatted(zapped(column(comparison, [](const Row& r) { return r.deviance; }), kDigits), kDigits)},
      {"Chisq", formatted(chisq, kDigits)},
      {"Df", formatted(column(comparison, [&](const Row& r) { return test_value(double(r.df), r); }), kDigits)},
      {"Pr(>Chisq)", formatted_p_values(column(comparison, [](const Row& r) { return r.p_value; }), kTestDigits)},
  };
  // The stars column, as format(symnum(p)): left-aligned to the widest, only when some p < 0.1.
  const Column p = column(comparison, [](const Row& r) { return r.p_value; });
  const bool stars = std::any_of(p.begin(), p.end(), [](double v) { return v < 0.1; });
  if (stars) {
    std::vector<std::string> marks;
    std::size_t widest = 0;
    for (const double v : p) widest = std::max(widest, std::string(significance_stars(v)).size());
    for (const double v : p) marks.push_back(padded(significance_stars(v), widest, false));
    table.emplace_back("", marks);
  }

  std::ostringstream out;
  out << "Data: " << comparison.data_name << "\nModels:\n";
  std::size_t name_width = 0;
  for (const auto& row : comparison.rows) {
    out << row.name << ": " << row.formula << "\n";
    name_width = std::max(name_width, row.name.size());
  }
  std::vector<std::size_t> widths;
  out << std::string(name_width, ' ');
  for (const auto& [header, cells] : table) {
    std::size_t width = header.size();
    for (const auto& cell : cells) width = std::max(width, cell.size());
    widths.push_back(width);
    out << " " << padded(header, width, true);
  }
  out << "\n";
  for (std::size_t i = 0; i < comparison.rows.size(); ++i) {
    out << padded(comparison.rows[i].name, name_width, false);
    for (std::size_t c = 0; c < table.size(); ++c) out << " " << padded(table[c].second[i], widths[c], true);
    out << "\n";
  }
  if (stars) out << kSignificanceLegend;
  return out.str();
}

ordered_json comparison_document(const inference::ModelComparison& comparison) {
  const auto number = [](double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); };
  ordered_json models = ordered_json::array();
  for (std::size_t i = 0; i < comparison.rows.size(); ++i) {
    const auto& row = comparison.rows[i];
    models.push_back({{"name", row.name},
                      {"config", row.config},
                      {"formula", row.formula},
                      {"converged", row.converged},
                      {"npar", row.npar},
                      {"AIC", number(row.aic)},
                      {"BIC", number(row.bic)},
                      {"logLik", number(row.loglik)},
                      {"deviance", number(row.deviance)},
                      {"Chisq", number(row.chisq)},
                      {"Df", i == 0 ? ordered_json(nullptr) : ordered_json(row.df)},
                      {"Pr(>Chisq)", number(row.p_value)}});
  }
  return {{"data", comparison.data_name}, {"models", models}};
}

}  // namespace weft::report
