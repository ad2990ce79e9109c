#pragma once
// R's significance stars (symnum with cutpoints 0, 0.001, 0.01, 0.05, 0.1, 1) and the legend
// printed under a table that has them (printCoefmat's), shared by the reports.
namespace weft::report {

inline const char* significance_stars(double p) {
  if (!(p >= 0)) return "";
  if (p < 0.001) return "***";
  if (p < 0.01) return "**";
  if (p < 0.05) return "*";
  if (p < 0.1) return ".";
  return "";
}

inline constexpr const char* kSignificanceLegend =
    "---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n";

}  // namespace weft::report
