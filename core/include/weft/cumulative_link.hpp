#pragma once
// Building blocks of cumulative link models (R's ordinal::clm / clmm), shared by the ordinal
// family plugin and its tests, and by any later family of the kind:
//
//   P(Y <= j | eta) = F(theta_j - eta),  j = 1..K-1,  theta_0 = -inf, theta_K = +inf,
//   p(y = j | eta)  = F(theta_j - eta) - F(theta_{j-1} - eta),
//
// with F the inverse link read as a distribution function (Link::latent). Levels here are
// 0-based: y = k is the (k+1)-th level, between thresholds theta_k (above) and theta_{k-1}.
//
// Threshold structures (ordinal's makeThresholds): the K - 1 thresholds are a linear map of
// the structure's parameters,
//   flexible     theta_j free: "1|2", "2|3", ...                   (K - 1 parameters)
//   equidistant  theta_j = threshold.1 + (j - 1) spacing           (2)
//   symmetric    K - 1 odd:  (c - s_m, ..., c - s_1, c, c + s_1, ..., c + s_m): central,
//                            spacing.1..m
//                K - 1 even: (c1 - s_m, ..., c1 - s_1, c1, c2, c2 + s_1, ..., c2 + s_m):
//                            central.1, central.2, spacing.1..m
// Parameters are ordered where the thresholds need it (ParameterScale::Increasing for
// theta_2.. and central.2, spacing.2..; Log for the first spacing), so every value the
// optimiser tries gives ordered thresholds.
#include <weft/errors.hpp>
#include <weft/family.hpp>
#include <weft/link.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft::cumulative {

enum class Structure { Flexible, Equidistant, Symmetric };

inline std::vector<std::string> structure_names() { return {"flexible", "equidistant", "symmetric"}; }

inline Structure structure_from_name(const std::string& name) {
  if (name == "equidistant") return Structure::Equidistant;
  if (name == "symmetric") return Structure::Symmetric;
  if (name == "flexible") return Structure::Flexible;
  throw std::invalid_argument("unknown threshold structure '" + name + "'");
}

inline const char* structure_name(Structure s) {
  switch (s) {
    case Structure::Equidistant: return "equidistant";
    case Structure::Symmetric: return "symmetric";
    case Structure::Flexible: break;
  }
  return "flexible";
}

// ordinal's threshold names: adjacent levels joined by '|' ("1|2", "low|mid").
inline std::vector<std::string> threshold_names(const std::vector<std::string>& levels) {
  std::vector<std::string> names;
  for (std::size_t j = 0; j + 1 < levels.size(); ++j) names.push_back(levels[j] + "|" + levels[j + 1]);
  return names;
}

// The thresholds theta_1..theta_{K-1} of a structure from its parameters (natural scale).
inline void thresholds(Structure structure, std::size_t n_thresholds, std::span<const double> params,
                       std::span<double> theta) {
  const std::size_t n = n_thresholds;
  switch (structure) {
    case Structure::Flexible:
      for (std::size_t j = 0; j < n; ++j) theta[j] = params[j];
      return;
    case Structure::Equidistant:
      for (std::size_t j = 0; j < n; ++j) theta[j] = params[0] + double(j) * params[1];
      return;
    case Structure::Symmetric: {
      if (n % 2 == 1) {  // central, spacing.1..m around the middle threshold
        const std::size_t mid = n / 2;
        theta[mid] = params[0];
        for (std::size_t i = 1; i <= mid; ++i) {
          theta[mid - i] = params[0] - params[i];
          theta[mid + i] = params[0] + params[i];
        }
      } else {  // central.1, central.2, spacing.1..m around the middle two
        const std::size_t lo = n / 2 - 1, hi = n / 2;
        theta[lo] = params[0];
        theta[hi] = params[1];
        for (std::size_t i = 1; i <= lo; ++i) {
          theta[lo - i] = params[0] - params[1 + i];
          theta[hi + i] = params[1] + params[1 + i];
        }
      }
      return;
    }
  }
}

// The structure's parameters for K levels with weights `level_weights` (start values: the
// logistic quantiles of the cumulative proportions, each level counted with half a row more
// so that the start is strictly ordered; as ordinal, the logistic scale whatever the link).
// Throws InputError when the structure needs more levels than there are.
inline std::vector<FamilyParameterInfo> parameters(Structure structure, const std::vector<std::string>& levels,
                                                   const std::vector<double>& level_weights) {
  const std::size_t K = levels.size();
  if (K < 2) return {};
  const std::size_t n = K - 1;
  if (structure != Structure::Flexible && n < 2)
    throw InputError(std::string(structure_name(structure)) + " thresholds need a response with at least 3 levels; it has " +
                     std::to_string(K) + " (" + levels.front() + ", " + levels.back() + "); use thresholds: flexible");
  // Start thresholds from the cumulative proportions.
  std::vector<double> start(n);
  double total = 0, cumulative = 0;
  for (std::size_t k = 0; k < K; ++k) total += (k < level_weights.size() ? std::max(level_weights[k], 0.0) : 0.0) + 0.5;
  for (std::size_t j = 0; j < n; ++j) {
    cumulative += (j < level_weights.size() ? std::max(level_weights[j], 0.0) : 0.0) + 0.5;
    const double p = cumulative / total;
    start[j] = std::log(p / (1.0 - p));
  }
  std::vector<FamilyParameterInfo> out;
  switch (structure) {
    case Structure::Flexible: {
      const auto names = threshold_names(levels);
      for (std::size_t j = 0; j < n; ++j)
        out.push_back({names[j], j == 0 ? ParameterScale::Identity : ParameterScale::Increasing, start[j]});
      break;
    }
    case Structure::Equidistant:
      out.push_back({"threshold.1", ParameterScale::Identity, start[0]});
      out.push_back({"spacing", ParameterScale::Log, (start[n - 1] - start[0]) / double(n - 1)});
      break;
    case Structure::Symmetric: {
      std::vector<double> spacing;  // half the distance of each pair of thresholds around the middle
      if (n % 2 == 1) {
        const std::size_t mid = n / 2;
        out.push_back({"central", ParameterScale::Identity, start[mid]});
        for (std::size_t i = 1; i <= mid; ++i) spacing.push_back(0.5 * (start[mid + i] - start[mid - i]));
      } else {
        const std::size_t lo = n / 2 - 1, hi = n / 2;
        out.push_back({"central.1", ParameterScale::Identity, start[lo]});
        out.push_back({"central.2", ParameterScale::Increasing, start[hi]});
        for (std::size_t i = 1; i <= lo; ++i) spacing.push_back(0.5 * ((start[hi + i] - start[hi]) + (start[lo] - start[lo - i])));
      }
      for (std::size_t i = 0; i < spacing.size(); ++i) {
        if (i > 0) spacing[i] = std::max(spacing[i], spacing[i - 1] + 1e-3);  // ordered
        out.push_back({"spacing." + std::to_string(i + 1), i == 0 ? ParameterScale::Log : ParameterScale::Increasing,
                       std::max(spacing[i], 1e-3)});
      }
      break;
    }
  }
  return out;
}

// log p(y = k | eta) and its first two derivatives in eta for a row between the thresholds
// `below` (theta_{k-1}, -inf for the first level) and `above` (theta_k, +inf for the last).
// p is taken from the tail where it is accurate: F(a) - F(b) in the lower half, (1 - F(b)) -
// (1 - F(a)) in the upper one. Where p underflows to 0 (or thresholds are not ordered), the
// log density is -inf and the derivatives 0.
struct RowValue {
  double log_p = 0, d1 = 0, d2 = 0;
};

inline RowValue level_probability(const Link& link, double below, double above, double eta) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  LatentValue a{1.0, 0.0, 0.0, 0.0}, b{0.0, 1.0, 0.0, 0.0};  // F(+inf), F(-inf)
  const bool has_above = above < inf, has_below = below > -inf;
  if (has_above && !link.latent(above - eta, a)) throw std::logic_error("link '" + link.name() + "' is no distribution function");
  if (has_below && !link.latent(below - eta, b)) throw std::logic_error("link '" + link.name() + "' is no distribution function");
  double p;
  if (!has_below) p = a.cdf;
  else if (!has_above) p = b.upper;
  else p = b.cdf > 0.5 ? b.upper - a.upper : a.cdf - b.cdf;
  RowValue v;
  if (!(p > 0) || !std::isfinite(p)) {
    v.log_p = -inf;
    return v;
  }
  v.log_p = std::log(p);
  v.d1 = (b.density - a.density) / p;
  v.d2 = (a.slope - b.slope) / p - v.d1 * v.d1;
  return v;
}

// The probability of every level at eta (they sum to 1), for predictions.
inline void level_probabilities(const Link& link, std::span<const double> theta, double eta, std::span<double> out) {
  const std::size_t K = theta.size() + 1;
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < K; ++k) {
    const double below = k == 0 ? -inf : theta[k - 1], above = k + 1 == K ? inf : theta[k];
    out[k] = std::exp(level_probability(link, below, above, eta).log_p);
  }
}

}  // namespace weft::cumulative
