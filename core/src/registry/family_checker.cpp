#include "registry/family_checker.hpp"
#include "util/text.hpp"

#include <weft/link.hpp>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/sinh_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace weft::registry {

namespace {

using Status = FamilyCheck::Status;

// Tolerances. Central differences with h = 1e-5 max(1, |eta|) are accurate to ~1e-9 on the
// grid; sums are truncated where terms fall below 1e-18; quadrature is good to ~1e-9.
constexpr double kDerivativeTolerance = 1e-5;  // |analytic - finite difference| / max(1, |fd|)
constexpr double kSumTolerance = 1e-6;          // |sum - 1| for counts and binomial
constexpr double kIntegralTolerance = 1e-6;     // |integral - 1| for continuous supports
constexpr double kMeanTolerance = 1e-5;         // |mean() - E[y]| / max(1, |E[y]|)
constexpr double kFisherTolerance = 1e-5;       // |fisher - E[-d2]| / max(1, E[-d2])
constexpr double kConsistencyTolerance = 1e-10; // same log density with and without derivatives
constexpr double kWeightTolerance = 1e-9;       // l(y; w) = w l(y; 1)
constexpr long kMaxCount = 1000000;             // a count pmf must have decayed by then

std::string format(double v) { return format_number(v, 3); }

std::string scale_name(ParameterScale scale) {
  switch (scale) {
    case ParameterScale::Log: return "log scale, > 0";
    case ParameterScale::Logit: return "logit scale, in (0, 1)";
    case ParameterScale::Identity: return "identity scale";
    case ParameterScale::Increasing: return "greater than the parameter before it, log of the increment";
  }
  return "?";
}

double inverse_logit(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// ---------------------------------------------------------------------------------------
// the grid

struct Response {
  double y, w;
};

std::vector<double> mean_grid(Support s) {
  switch (s) {
    case Support::Counts: return {0.4, 3.0, 15.0};
    case Support::Binomial: return {0.1, 0.45, 0.85};
    case Support::PositiveReal: return {0.5, 3.0};
    case Support::UnitInterval:
    case Support::ClosedUnitInterval: return {0.15, 0.5, 0.7};  // (1 - mu) phi >= 0.45: little mass within
                                                                 // rounding of 1, where y cannot be told from 1
    case Support::Real: return {-1.5, 0.3, 2.0};
    case Support::OrderedCategories: return {0.2, 0.5, 0.8};  // F(eta): where eta lies among the thresholds
  }
  return {};
}

// The levels check-family shows a family with a response with levels (their weights give its
// start values); parameters are checked for these, and set_response for other level counts.
const std::vector<std::string> kExampleLevels = {"low", "mid", "high", "top"};
const std::vector<double> kExampleWeights = {3, 5, 2, 4};

std::vector<Response> valid_responses(Support s) {
  switch (s) {
    case Support::Counts: return {{0, 1}, {1, 1}, {3, 1}, {12, 1}, {2, 2.5}};
    case Support::Binomial: return {{0, 1}, {1, 1}, {0, 7}, {3.0 / 7.0, 7}, {1, 7}};
    case Support::PositiveReal: return {{0.05, 1}, {1, 1}, {4.5, 1}, {2, 2.5}};
    case Support::UnitInterval: return {{0.02, 1}, {0.5, 1}, {0.93, 1}, {0.3, 2.5}};
    case Support::ClosedUnitInterval: return {{0, 1}, {1, 1}, {0.02, 1}, {0.5, 1}, {0.93, 1}, {0.3, 2.5}};
    case Support::Real: return {{-2, 1}, {0.1, 1}, {3, 1}, {1, 2.5}};
    case Support::OrderedCategories: return {{0, 1}, {1, 1}, {2, 1}, {3, 1}, {1, 2.5}};  // level indices
  }
  return {};
}

std::vector<Response> invalid_responses(Support s) {
  switch (s) {
    case Support::Counts: return {{-1, 1}, {2.5, 1}};
    case Support::Binomial: return {{-0.2, 1}, {1.5, 1}, {0.5, 3}};  // the last: 1.5 successes of 3
    case Support::PositiveReal: return {{0, 1}, {-1, 1}};
    case Support::UnitInterval: return {{0, 1}, {1, 1}, {-0.2, 1}, {1.3, 1}};
    case Support::ClosedUnitInterval: return {{-0.1, 1}, {1.2, 1}};
    case Support::Real: return {};
    case Support::OrderedCategories: return {{-1, 1}, {4, 1}, {1.5, 1}};  // 4 levels: indices 0..3
  }
  return {};
}

std::string show_response(Support s, const Response& r) {
  if (s == Support::Binomial) return format(r.y * r.w) + " of " + format(r.w);
  return r.w == 1 ? format(r.y) : format(r.y) + " (weight " + format(r.w) + ")";
}

std::vector<double> parameter_values(ParameterScale scale) {
  switch (scale) {
    case ParameterScale::Log: return {1.5, 4.0};
    case ParameterScale::Logit: return {0.15, 0.6};
    case ParameterScale::Identity: return {-0.5, 0.8};
    case ParameterScale::Increasing: return {0.7, 2.0};  // increments over the previous parameter
  }
  return {};
}

// Every combination of the parameters' grid values (at most 2^6; beyond six parameters the
// rest stay at their start values, or their start increments for ordered ones).
std::vector<std::vector<double>> parameter_sets(const std::vector<FamilyParameterInfo>& info) {
  std::vector<std::vector<double>> sets{{}};
  for (std::size_t k = 0; k < info.size(); ++k) {
    std::vector<std::vector<double>> next;
    const bool ordered = info[k].scale == ParameterScale::Increasing && k > 0;
    const std::vector<double> values =
        k < 6 ? parameter_values(info[k].scale)
              : std::vector<double>{ordered ? info[k].start - info[k - 1].start : info[k].start};
    for (const auto& s : sets)
      for (double v : values) {
        auto t = s;
        t.push_back(ordered ? t.back() + v : v);
        next.push_back(std::move(t));
      }
    sets = std::move(next);
  }
  return sets;
}

std::string show_parameters(const std::vector<FamilyParameterInfo>& info, const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < info.size(); ++k) parts.push_back(info[k].name + " = " + format(values[k]));
  return join(parts);
}

// ---------------------------------------------------------------------------------------
// evaluating the family

struct Value {
  double l = 0, d1 = 0, d2 = 0, fisher = 0;
};

class Probe {
 public:
  Probe(const Family& family, const Link& link, const std::vector<double>& params, double eta_zi)
      : family_(family), link_(link), params_(params), eta_zi_(eta_zi), zero_(family.uses_zero_model()) {}

  // One row; with derivatives (and fisher when provided) or the log density alone.
  Value at(double y, double w, double eta, bool derivatives) const {
    Value v;
    const Observations obs{{&y, 1}, {&w, 1}};
    const LinearPredictors lp{{&eta, 1}, zero_ ? std::span<const double>(&eta_zi_, 1) : std::span<const double>()};
    FamilyDerivatives out;
    out.log_density = {&v.l, 1};
    if (derivatives) {
      out.d1 = {&v.d1, 1};
      out.d2 = {&v.d2, 1};
      if (family_.has_expected_information()) out.fisher = {&v.fisher, 1};
    }
    family_.evaluate(obs, lp, link_, params_, out);
    return v;
  }

  // Log densities of many rows at one eta (one call).
  std::vector<double> log_densities(const std::vector<double>& y, const std::vector<double>& w, double eta) const {
    const std::size_t n = y.size();
    std::vector<double> l(n), etas(n, eta), etas_zi(n, eta_zi_);
    FamilyDerivatives out;
    out.log_density = {l.data(), n};
    family_.evaluate({{y.data(), n}, {w.data(), n}},
                     {{etas.data(), n}, zero_ ? std::span<const double>(etas_zi.data(), n) : std::span<const double>()},
                     link_, params_, out);
    return l;
  }

  double zero_probability() const { return zero_ ? inverse_logit(eta_zi_) : 0.0; }
  const std::vector<double>& params() const { return params_; }

 private:
  const Family& family_;
  const Link& link_;
  const std::vector<double>& params_;
  double eta_zi_;
  bool zero_;
};

// A point of the grid: parameters, zero-model predictor and a mean given as eta.
struct Setting {
  std::size_t parameter_set;
  double eta_zi;
  double mu;  // as requested; the family sees linkinv(eta)
  double eta;
};

// Tracks the worst error of one check and where it happened.
struct Worst {
  double error = 0;
  std::string where;
  bool failed = false;       // a hard failure (exception, non-finite)
  std::string failure;
  void update(double e, const std::function<std::string()>& at) {
    if (!(e <= error) && !failed) {  // NaN counts as worst
      error = e;
      where = at();
    }
  }
  void fail(const std::string& why) {
    if (!failed) {
      failed = true;
      failure = why;
    }
  }
};

FamilyCheck verdict(const std::string& name, const Worst& worst, double tolerance, const std::string& what) {
  FamilyCheck c{name, Status::Pass, ""};
  if (worst.failed) {
    c.status = Status::Fail;
    c.detail = worst.failure;
    return c;
  }
  const bool ok = worst.error <= tolerance;
  c.status = ok ? Status::Pass : Status::Fail;
  c.detail = what + ": worst " + format(worst.error) + (ok ? "" : " > " + format(tolerance)) +
             (worst.where.empty() ? "" : (ok ? " (at " : " at ") + worst.where + (ok ? ")" : ""));
  return c;
}

std::string exception_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  } catch (...) {
    return "threw an exception that is not a std::exception";
  }
  return "";
}

// ---------------------------------------------------------------------------------------
// expectations under the density: normalisation, E[y], E[-d2]

struct Moments {
  double total = 0, mean = 0, minus_d2 = 0;
  bool minus_d2_known = false;
  std::string how;
};

// Counts: sum over y = 0, 1, ... until the pmf has decayed.
Moments count_moments(const Probe& probe, double eta, bool with_d2) {
  Moments m;
  constexpr std::size_t kChunk = 256;
  double previous = 0;
  long y0 = 0;
  bool done = false;
  while (!done) {
    if (y0 > kMaxCount) throw std::runtime_error("the probabilities have not decayed by y = " + std::to_string(kMaxCount));
    std::vector<double> ys(kChunk), ws(kChunk, 1.0);
    for (std::size_t i = 0; i < kChunk; ++i) ys[i] = double(y0 + long(i));
    const std::vector<double> l = probe.log_densities(ys, ws, eta);
    for (std::size_t i = 0; i < kChunk && !done; ++i) {
      const double y = ys[i], p = std::exp(l[i]);
      if (std::isnan(p)) throw std::runtime_error("log density NaN at y = " + format(y));
      m.total += p;
      m.mean += y * p;
      if (with_d2 && p > 1e-20) m.minus_d2 -= p * probe.at(y, 1.0, eta, true).d2;
      done = y >= 10 && p < 1e-18 && y * p < 1e-16 && p <= previous;
      previous = p;
      if (done) m.how = "sum over y = 0.." + format(y);
      if (m.total > 2) {  // clearly not normalised: no need to find where it stops growing
        done = true;
        m.how = "sum over y = 0.." + format(y) + " (stopped above 2)";
      }
    }
    y0 += long(kChunk);
  }
  m.minus_d2_known = with_d2;
  return m;
}

// A response with levels: the probabilities of every level (and the mean of the index).
Moments level_moments(const Probe& probe, double eta, std::size_t levels, bool with_d2) {
  Moments m;
  std::vector<double> ys(levels), ws(levels, 1.0);
  for (std::size_t k = 0; k < levels; ++k) ys[k] = double(k);
  const std::vector<double> l = probe.log_densities(ys, ws, eta);
  for (std::size_t k = 0; k < levels; ++k) {
    const double p = std::exp(l[k]);
    if (std::isnan(p)) throw std::runtime_error("log density NaN at level " + std::to_string(k));
    m.total += p;
    m.mean += double(k) * p;
    if (with_d2) m.minus_d2 -= p * probe.at(double(k), 1.0, eta, true).d2;
  }
  m.minus_d2_known = with_d2;
  m.how = "sum over the " + std::to_string(levels) + " levels";
  return m;
}

// A response with levels: one prediction column per level, named after it, holding the level's
// probability under the density.
void check_level_predictions(const Family& family, const Link& link, const Probe& probe, double eta, Worst& worst,
                             const std::function<std::string()>& where) {
  std::vector<std::string> columns;
  std::vector<double> predicted(kExampleLevels.size());
  const std::string thrown = exception_text([&] {
    columns = family.prediction_columns();
    if (columns.size() == predicted.size())
      family.predict_columns(eta, probe.zero_probability(), link, probe.params(), predicted);
  });
  if (!thrown.empty()) return worst.fail("prediction_columns/predict_columns " + thrown);
  if (columns != kExampleLevels)
    return worst.fail("prediction_columns() are " + join(columns) + ", not the levels " + join(kExampleLevels));
  std::vector<double> ys(kExampleLevels.size()), ws(kExampleLevels.size(), 1.0);
  for (std::size_t k = 0; k < ys.size(); ++k) ys[k] = double(k);
  const std::vector<double> l = probe.log_densities(ys, ws, eta);
  for (std::size_t k = 0; k < ys.size(); ++k)
    worst.update(std::abs(predicted[k] - std::exp(l[k])), [&] {
      return "level " + kExampleLevels[k] + ": " + format(predicted[k]) + " vs " + format(std::exp(l[k])) + ", " + where();
    });
}

// Binomial: successes 0..n of n trials (y = s / n, weight n).
Moments binomial_moments(const Probe& probe, double eta, double n, bool with_d2) {
  Moments m;
  for (double s = 0; s <= n; ++s) {
    const Value v = probe.at(s / n, n, eta, with_d2);
    const double p = std::exp(v.l);
    m.total += p;
    m.mean += (s / n) * p;
    if (with_d2) m.minus_d2 -= p * v.d2;
  }
  m.minus_d2_known = with_d2;
  m.how = "sum over 0.." + format(n) + " successes of " + format(n);
  return m;
}

// Continuous supports: quadrature of the density (plus any point masses at 0 and 1).
Moments continuous_moments(const Probe& probe, Support support, double eta, bool with_d2) {
  Moments m;
  auto density = [&](double y) {
    const double p = std::exp(probe.at(y, 1.0, eta, false).l);
    if (!std::isfinite(p)) throw std::runtime_error("density not finite at y = " + format(y));
    return p;
  };
  auto open_unit = [](double y) { return y > 0 && y < 1; };
  auto integrate = [&](const std::function<double(double)>& f) {
    switch (support) {
      case Support::PositiveReal: {
        boost::math::quadrature::exp_sinh<double> q;
        return q.integrate([&](double y) { return y > 0 ? f(y) : 0.0; }, 0.0, std::numeric_limits<double>::infinity());
      }
      case Support::Real: {
        boost::math::quadrature::sinh_sinh<double> q;
        return q.integrate(f);
      }
      default: {
        boost::math::quadrature::tanh_sinh<double> q;
        return q.integrate([&](double y) { return open_unit(y) ? f(y) : 0.0; }, 0.0, 1.0);
      }
    }
  };
  m.total = integrate(density);
  m.mean = integrate([&](double y) { return y * density(y); });
  if (with_d2) {
    m.minus_d2 = integrate([&](double y) {
      const Value v = probe.at(y, 1.0, eta, true);
      return -std::exp(v.l) * v.d2;
    });
    m.minus_d2_known = true;
  }
  switch (support) {
    case Support::PositiveReal: m.how = "integral of the density over (0, inf)"; break;
    case Support::Real: m.how = "integral of the density over (-inf, inf)"; break;
    case Support::UnitInterval: m.how = "integral of the density over (0, 1)"; break;
    default: m.how = "integral over (0, 1) + p(0) + p(1)"; break;
  }
  if (support == Support::ClosedUnitInterval) {
    for (double y : {0.0, 1.0}) {
      const Value v = probe.at(y, 1.0, eta, with_d2);
      const double p = std::exp(v.l);
      m.total += p;
      m.mean += y * p;
      if (with_d2) m.minus_d2 -= p * v.d2;
    }
  }
  return m;
}

// What is wrong with a parameter list: names that cannot be YAML keys (letters, digits and _
// for fixed parameter lists; data-dependent names such as ordinal's "1|2" need only be
// printable and free of surrounding blanks), reserved or repeated names, names that are also
// options, start values outside their scale, ordered parameters out of order.
std::vector<std::string> parameter_problems(const std::vector<FamilyParameterInfo>& info,
                                            const std::vector<std::string>& option_names, bool data_dependent) {
  std::vector<std::string> problems;
  std::set<std::string> seen;
  for (std::size_t k = 0; k < info.size(); ++k) {
    const auto& p = info[k];
    const bool identifier = !p.name.empty() && (std::isalpha(static_cast<unsigned char>(p.name[0])) || p.name[0] == '_') &&
                            std::all_of(p.name.begin(), p.name.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                            });
    const bool printable_key = !p.name.empty() && p.name.front() != ' ' && p.name.back() != ' ' &&
                               std::none_of(p.name.begin(), p.name.end(), [](char c) {
                                 return std::iscntrl(static_cast<unsigned char>(c)) != 0;
                               });
    if (data_dependent ? !printable_key : !identifier)
      problems.push_back("'" + p.name + "' is not a valid YAML key (" +
                         (data_dependent ? "empty, blanks around it or control characters" : "letters, digits, _") + ")");
    if (p.name == "name") problems.push_back("'name' is reserved for the family's name in `family: {name: ...}`");
    if (data_dependent && p.name == "levels") problems.push_back("'levels' is reserved for the response's levels");
    if (std::find(option_names.begin(), option_names.end(), p.name) != option_names.end())
      problems.push_back("'" + p.name + "' is also an option name");
    if (!seen.insert(p.name).second) problems.push_back("'" + p.name + "' appears twice");
    const bool ordered = p.scale == ParameterScale::Increasing;
    if (ordered && k == 0) problems.push_back("'" + p.name + "' is ordered after the parameter before it, but it is the first");
    const bool start_ok = std::isfinite(p.start) && (p.scale != ParameterScale::Log || p.start > 0) &&
                          (p.scale != ParameterScale::Logit || (p.start > 0 && p.start < 1)) &&
                          (!ordered || k == 0 || p.start > info[k - 1].start);
    if (!start_ok) problems.push_back("start value " + format(p.start) + " of '" + p.name + "' is outside its scale (" + scale_name(p.scale) + ")");
  }
  return problems;
}

}  // namespace

std::string support_name(Support support) {
  switch (support) {
    case Support::Binomial: return "binomial (successes of trials)";
    case Support::Counts: return "counts (0, 1, 2, ...)";
    case Support::PositiveReal: return "positive real (0, inf)";
    case Support::UnitInterval: return "open unit interval (0, 1)";
    case Support::ClosedUnitInterval: return "closed unit interval [0, 1] (point masses at 0 and 1)";
    case Support::Real: return "real line";
    case Support::OrderedCategories: return "ordered categories (levels of the response)";
  }
  return "unknown";
}

void show_example_levels(Family& family) { family.set_response({kExampleLevels, kExampleWeights}); }

std::vector<std::string> describe_family(Family& family) {
  std::vector<std::string> lines;
  std::string text;
  if (!exception_text([&] { text = "support " + support_name(family.support()); }).empty()) text = "support: threw";
  lines.push_back(text);
  std::string links;
  if (exception_text([&] {
        links = "links " + join(family.links()) + " (default " + family.default_link() + ")" +
                (family.uses_zero_model() ? "; zero model (zi formula)" : "") +
                (family.has_expected_information() ? "; expected information" : "; no expected information");
      }).empty())
    lines.push_back(links);
  std::string params;
  if (exception_text([&] {
        if (family.support() == Support::OrderedCategories) show_example_levels(family);
        const auto info = family.parameters();
        if (info.empty()) params = "parameters: none";
        if (family.support() == Support::OrderedCategories)
          params = "with levels " + join(kExampleLevels, " < ") + ": " + (info.empty() ? "no parameters" : "");
        for (const auto& p : info)
          params += (params.empty() ? "parameters: " : params.back() == ' ' ? "" : "; ") + p.name + " (" + scale_name(p.scale) + ", start " +
                    format(p.start) + ")";
      }).empty())
    lines.push_back(params);
  return lines;
}

std::vector<FamilyCheck> check_family(Family& family, const std::string& entry_name) {
  std::vector<FamilyCheck> checks;
  auto add = [&](std::string name, Status status, std::string detail) {
    checks.push_back({std::move(name), status, std::move(detail)});
  };

  // --- what the family declares ---------------------------------------------------------
  std::string name, default_link;
  std::vector<std::string> link_names;
  std::vector<FamilyParameterInfo> info;
  Support support = Support::Real;
  bool zero_model = false, expected = false;
  std::string levels_problem;  // set_response's failure for a response with levels
  const std::string declared = exception_text([&] {
    support = family.support();
    if (support == Support::OrderedCategories) levels_problem = exception_text([&] { show_example_levels(family); });
    name = family.name();
    default_link = family.default_link();
    link_names = family.links();
    info = family.parameters();
    support = family.support();
    zero_model = family.uses_zero_model();
    expected = family.has_expected_information();
  });
  if (!declared.empty()) {
    add("declarations", Status::Fail, "name/links/parameters/support " + declared);
    return checks;
  }
  const bool has_levels = support == Support::OrderedCategories;
  if (!levels_problem.empty()) {
    add("response levels", Status::Fail, "set_response(" + join(kExampleLevels) + ") " + levels_problem);
    return checks;
  }
  std::vector<std::string> option_names;
  exception_text([&] { option_names = family.option_names(); });
  if (name == entry_name)
    add("name", Status::Pass, "the entry point and Family::name() both say '" + name + "'");
  else
    add("name", Status::Fail, "the entry point declares '" + entry_name + "' but Family::name() returns '" + name +
                                  "' (fits would report the wrong family)");

  {  // parameters
    std::vector<std::string> problems;
    problems = parameter_problems(info, option_names, has_levels);
    if (problems.empty()) {
      std::vector<std::string> names;
      for (const auto& p : info) names.push_back(p.name);
      add("parameters", Status::Pass,
          (info.empty() ? std::string("none") : join(names) + ": valid names, start values in range") +
              (has_levels ? " (levels " + join(kExampleLevels, " < ") + ")" : ""));
    } else {
      add("parameters", Status::Fail, join(problems, "; "));
    }
  }
  if (has_levels) {  // parameters that depend on the levels: other level counts, then back to four
    std::vector<std::string> counts, problems;
    for (std::size_t K : {2, 3, 5, 7}) {
      ResponseLevels levels;
      for (std::size_t k = 0; k < K; ++k) {
        levels.names.push_back("L" + std::to_string(k + 1));
        levels.weights.push_back(double(k % 3 + 1));
      }
      std::vector<FamilyParameterInfo> other;
      const std::string thrown = exception_text([&] {
        family.set_response(levels);
        other = family.parameters();
      });
      if (!thrown.empty()) {
        counts.push_back(std::to_string(K) + " levels: refused (" + thrown.substr(thrown.find(':') + 2) + ")");
        continue;
      }
      counts.push_back(std::to_string(K) + " levels: " + std::to_string(other.size()));
      for (auto& problem : parameter_problems(other, option_names, true))
        problems.push_back(std::to_string(K) + " levels: " + problem);
    }
    const std::string restored = exception_text([&] { show_example_levels(family); });
    if (!restored.empty()) problems.push_back("set_response(" + join(kExampleLevels) + ") again " + restored);
    if (problems.empty())
      add("response levels", Status::Pass, "parameters for " + join(counts, "; ") + ", names and starts valid");
    else
      add("response levels", Status::Fail, join(problems, "; "));
  }

  // links: accepted, default among them, built in (check-family knows only the built-in ones)
  std::vector<std::pair<std::string, std::unique_ptr<Link>>> links;
  {
    std::vector<std::string> problems, not_builtin;
    if (link_names.empty()) problems.push_back("links() is empty");
    if (std::find(link_names.begin(), link_names.end(), default_link) == link_names.end())
      problems.push_back("the default link '" + default_link + "' is not among links()");
    std::set<std::string> seen;
    for (const auto& l : link_names) {
      if (!seen.insert(l).second) continue;
      if (auto link = make_builtin_link(l))
        links.emplace_back(l, std::move(link));
      else
        not_builtin.push_back(l);
    }
    if (!problems.empty())
      add("links", Status::Fail, join(problems, "; "));
    else
      add("links", Status::Pass, join(link_names) + " (default " + default_link + ")" +
                                     (not_builtin.empty() ? "" : "; not built in, not checked: " + join(not_builtin)));
  }
  if (links.empty()) return checks;

  // --- the grid -------------------------------------------------------------------------
  const auto sets = parameter_sets(info);
  const std::vector<double> zi_grid = zero_model ? std::vector<double>{-1.0, 0.7} : std::vector<double>{0.0};
  const auto responses = valid_responses(support);
  auto settings_for = [&](const Link& link) {
    std::vector<Setting> out;
    for (std::size_t s = 0; s < sets.size(); ++s)
      for (double eta_zi : zi_grid)
        for (double mu : mean_grid(support)) {
          const double eta = link.linkfun(mu);
          if (!std::isfinite(eta) || std::abs(link.linkinv(eta) - mu) > 1e-8 * std::max(1.0, std::abs(mu))) continue;
          out.push_back({s, eta_zi, mu, eta});
        }
    return out;
  };
  auto where = [&](const std::string& link, const Setting& st, const Response* r) {
    // (a response with levels has no mean: its grid point is eta, with F(eta) = the "mean" grid)
    std::string w = (r ? "y = " + show_response(support, *r) + ", " : std::string()) +
                    (has_levels ? "eta = " + format(st.eta) : "mu = " + format(st.mu));
    if (!info.empty()) w += ", " + show_parameters(info, sets[st.parameter_set]);
    if (zero_model) w += ", zero probability " + format(inverse_logit(st.eta_zi));
    if (!link.empty()) w += ", link " + link;
    return w;
  };

  // --- evaluate: finite, no exceptions, same log density with and without derivatives ----
  {
    Worst worst;
    std::size_t points = 0;
    for (const auto& [lname, link] : links)
      for (const auto& st : settings_for(*link))
        for (const auto& r : responses) {
          const Probe probe(family, *link, sets[st.parameter_set], st.eta_zi);
          Value full, plain;
          const std::string thrown = exception_text([&] {
            full = probe.at(r.y, r.w, st.eta, true);
            plain = probe.at(r.y, r.w, st.eta, false);
          });
          ++points;
          if (!thrown.empty()) {
            worst.fail("evaluate " + thrown + " at " + where(lname, st, &r));
            continue;
          }
          if (!std::isfinite(full.l) || !std::isfinite(full.d1) || !std::isfinite(full.d2) ||
              (expected && !std::isfinite(full.fisher)) || !std::isfinite(plain.l)) {
            worst.fail("not finite (log density " + format(full.l) + ", d1 " + format(full.d1) + ", d2 " +
                       format(full.d2) + (expected ? ", fisher " + format(full.fisher) : "") + ") at " +
                       where(lname, st, &r));
            continue;
          }
          worst.update(std::abs(full.l - plain.l) / std::max(1.0, std::abs(plain.l)), [&] { return where(lname, st, &r); });
        }
    FamilyCheck c = verdict("evaluate", worst, kConsistencyTolerance,
                            std::to_string(points) + " grid points finite; log density with vs without derivatives");
    checks.push_back(c);
    if (worst.failed) return checks;  // the rest would only repeat the failure
  }

  // --- derivatives against central differences, per link ---------------------------------
  for (const auto& [lname, link] : links) {
    Worst w1, w2;
    for (const auto& st : settings_for(*link)) {
      const Probe probe(family, *link, sets[st.parameter_set], st.eta_zi);
      for (const auto& r : responses) {
        // five-point central differences of log p: truncation O(h^4), rounding ~ eps |l| / h^2
        const double h = 1e-3 * std::max(1.0, std::abs(st.eta));
        Value at;
        double l[5];
        const std::string thrown = exception_text([&] {
          at = probe.at(r.y, r.w, st.eta, true);
          for (int k = -2; k <= 2; ++k) l[k + 2] = probe.at(r.y, r.w, st.eta + k * h, false).l;
        });
        if (!thrown.empty()) {
          w1.fail("evaluate " + thrown + " at " + where(lname, st, &r));
          continue;
        }
        const double fd1 = (l[0] - 8 * l[1] + 8 * l[3] - l[4]) / (12 * h);
        const double fd2 = (-l[0] + 16 * l[1] - 30 * l[2] + 16 * l[3] - l[4]) / (12 * h * h);
        w1.update(std::abs(at.d1 - fd1) / std::max(1.0, std::abs(fd1)),
                  [&] { return "d1 " + format(at.d1) + " vs " + format(fd1) + ", " + where("", st, &r); });
        w2.update(std::abs(at.d2 - fd2) / std::max(1.0, std::abs(fd2)),
                  [&] { return "d2 " + format(at.d2) + " vs " + format(fd2) + ", " + where("", st, &r); });
      }
    }
    checks.push_back(verdict("d1 (link " + lname + ")", w1, kDerivativeTolerance,
                             "d log p / d eta vs central differences of log p"));
    checks.push_back(verdict("d2 (link " + lname + ")", w2, kDerivativeTolerance,
                             "d2 log p / d eta2 vs central second differences of log p"));
  }

  // --- normalisation, E[y] = mean(), E[-d2] = fisher (default link) -----------------------
  // (the default link when it is built in, else the first built-in one)
  const Link* default_link_ptr = links.front().second.get();
  std::string link_used = links.front().first;
  for (const auto& [lname, l] : links)
    if (lname == default_link) {
      default_link_ptr = l.get();
      link_used = lname;
    }
  Worst total, mean, fisher_match;
  bool fisher_positive = true;
  std::string fisher_problem, how;
  for (const auto& st : settings_for(*default_link_ptr)) {
    const Probe probe(family, *default_link_ptr, sets[st.parameter_set], st.eta_zi);
    const double mu = default_link_ptr->linkinv(st.eta);
    std::vector<std::pair<double, Moments>> moments;  // (weight of the fisher comparison, moments)
    const std::string thrown = exception_text([&] {
      switch (support) {
        case Support::Counts: moments.emplace_back(1.0, count_moments(probe, st.eta, expected)); break;
        case Support::OrderedCategories:
          moments.emplace_back(1.0, level_moments(probe, st.eta, kExampleLevels.size(), expected));
          break;
        case Support::Binomial:
          for (double n : {1.0, 7.0}) moments.emplace_back(n, binomial_moments(probe, st.eta, n, expected));
          break;
        default: moments.emplace_back(1.0, continuous_moments(probe, support, st.eta, expected)); break;
      }
    });
    if (!thrown.empty()) {
      total.fail(thrown + " at " + where("", st, nullptr));
      continue;
    }
    double expected_mean = 0;
    std::string mean_thrown;
    if (has_levels)  // a response with levels predicts the probability of each level (no mean)
      check_level_predictions(family, *default_link_ptr, probe, st.eta, mean, [&] { return where("", st, nullptr); });
    else
      mean_thrown = exception_text([&] { expected_mean = family.mean(mu, probe.zero_probability(), probe.params()); });
    for (const auto& entry : moments) {
      const double n = entry.first;
      const Moments& m = entry.second;
      how = m.how;
      total.update(std::abs(m.total - 1.0), [&] { return m.how + " = " + format(m.total) + ", " + where("", st, nullptr); });
      if (has_levels)
        ;
      else if (!mean_thrown.empty())
        mean.fail("mean() " + mean_thrown);
      else
        mean.update(std::abs(expected_mean - m.mean) / std::max(1.0, std::abs(m.mean)),
                    [&] { return "mean() " + format(expected_mean) + " vs E[y] " + format(m.mean) + ", " + where("", st, nullptr); });
      if (expected && m.minus_d2_known) {
        // fisher does not depend on y; take it at the first valid response with this weight
        const double y = support == Support::Binomial ? 0.0 : responses.front().y;
        const Value v = probe.at(y, n, st.eta, true);
        if (!(v.fisher > 0) || !std::isfinite(v.fisher)) {
          fisher_positive = false;
          if (fisher_problem.empty()) fisher_problem = "fisher " + format(v.fisher) + " at " + where("", st, nullptr);
        }
        fisher_match.update(std::abs(v.fisher - m.minus_d2) / std::max(1.0, std::abs(m.minus_d2)), [&] {
          return "fisher " + format(v.fisher) + " vs E[-d2] " + format(m.minus_d2) + ", " + where("", st, nullptr);
        });
      }
    }
  }
  const double sum_tolerance = (support == Support::Counts || support == Support::Binomial) ? kSumTolerance : kIntegralTolerance;
  std::string total_what;
  switch (support) {
    case Support::Counts: total_what = "sum of p(y) over y = 0, 1, ... until it vanishes"; break;
    case Support::Binomial: total_what = "sum of p over 0..n successes of n = 1 and 7 trials"; break;
    case Support::OrderedCategories: total_what = "sum of p over the " + std::to_string(kExampleLevels.size()) + " levels"; break;
    case Support::ClosedUnitInterval: total_what = "integral of the density over (0, 1) + p(0) + p(1)"; break;
    default: total_what = how; break;
  }
  checks.push_back(verdict("normalisation", total, sum_tolerance, "|" + total_what + " - 1|"));
  if (has_levels)
    checks.push_back(verdict("predictions", mean, kMeanTolerance,
                             "prediction_columns() are the levels; predict_columns() vs p(level) under the density"));
  else
    checks.push_back(verdict("mean", mean, kMeanTolerance, "mean() vs E[y] under the density"));
  if (!expected) {
    add("fisher", Status::Skip, "no expected information (has_expected_information() is false)");
  } else if (!fisher_positive) {
    add("fisher", Status::Fail, "not positive: " + fisher_problem);
  } else {
    checks.push_back(verdict("fisher", fisher_match, kFisherTolerance, "positive; fisher vs E[-d2] under the density"));
  }

  // --- a conditionally normal family: the declaration holds, weights are precisions ---------
  std::optional<std::size_t> normal_sd;
  if (const std::string thrown = exception_text([&] { normal_sd = family.normal_sd_parameter(); }); !thrown.empty()) {
    add("normal", Status::Fail, "normal_sd_parameter() threw: " + thrown);
  } else if (!normal_sd) {
    add("normal", Status::Skip, "not declared conditionally normal (normal_sd_parameter() is nullopt)");
  } else if (*normal_sd >= sets.front().size()) {
    add("normal", Status::Fail, "normal_sd_parameter() is " + std::to_string(*normal_sd) + ", but the family has " +
                                    std::to_string(sets.front().size()) + " parameters");
    normal_sd.reset();
  } else {
    Worst worst;
    for (const auto& st : settings_for(*default_link_ptr)) {
      const Probe probe(family, *default_link_ptr, sets[st.parameter_set], st.eta_zi);
      const double sigma = sets[st.parameter_set][*normal_sd], mu = default_link_ptr->linkinv(st.eta);
      for (const auto& r : responses) {
        if (r.w != 1) continue;
        Value v;
        if (const std::string thrown = exception_text([&] { v = probe.at(r.y, 1.0, st.eta, false); }); !thrown.empty()) {
          worst.fail("evaluate " + thrown);
          continue;
        }
        const double z = (r.y - mu) / sigma;
        const double normal = -0.5 * std::log(2.0 * M_PI) - std::log(sigma) - 0.5 * z * z;
        worst.update(std::abs(v.l - normal) / std::max(1.0, std::abs(normal)), [&] { return where("", st, &r); });
      }
    }
    checks.push_back(verdict("normal", worst, kWeightTolerance,
                             "log p(y) = log N(y; mu, sigma^2) for the declared normal_sd_parameter"));
  }

  // --- prior weights multiply the log density (precision weights for a normal family) -------
  if (support == Support::Binomial) {
    add("weights", Status::Skip, "binomial weights are trials (checked by the normalisation over successes)");
  } else {
    // Weights multiply the log density: log p(y; w) = w log p(y; 1). For a conditionally normal
    // family they are precisions instead: N(y; mu, sigma^2 / w) is N(y; mu, (sigma / sqrt(w))^2),
    // so log p(y; w, sigma) = log p(y; 1, sigma / sqrt(w)).
    constexpr double kWeight = 2.5;
    const double factor = normal_sd ? 1.0 : kWeight;  // log p(y; w) = factor x the unit-weight value
    Worst worst;
    for (const auto& st : settings_for(*default_link_ptr)) {
      const Probe probe(family, *default_link_ptr, sets[st.parameter_set], st.eta_zi);
      std::vector<double> unit_parameters = sets[st.parameter_set];
      if (normal_sd) unit_parameters[*normal_sd] /= std::sqrt(kWeight);
      const Probe unit(family, *default_link_ptr, unit_parameters, st.eta_zi);
      for (const auto& r : responses) {
        if (r.w != 1) continue;
        Value one, weighted;
        const std::string thrown = exception_text([&] {
          one = unit.at(r.y, 1.0, st.eta, true);
          weighted = probe.at(r.y, kWeight, st.eta, true);
        });
        if (!thrown.empty()) {
          worst.fail("evaluate " + thrown);
          continue;
        }
        const double scale = std::max({1.0, std::abs(one.l), std::abs(one.d1), std::abs(one.d2)});
        const double e = std::max({std::abs(weighted.l - factor * one.l), std::abs(weighted.d1 - factor * one.d1),
                                   std::abs(weighted.d2 - factor * one.d2)}) / (factor * scale);
        worst.update(e, [&] { return where("", st, &r); });
      }
    }
    checks.push_back(verdict("weights", worst, kWeightTolerance,
                             normal_sd ? "precision weights: log p(y; w = 2.5, sigma) = log p(y; w = 1, sigma / sqrt(2.5)), with d1, d2"
                                       : "log p(y; w = 2.5) = 2.5 log p(y; w = 1), with d1, d2"));
  }

  // --- responses ------------------------------------------------------------------------
  {
    std::vector<std::string> refused;
    for (const auto& r : responses) {
      std::optional<ResponseProblem> problem;
      const std::string thrown = exception_text([&] { problem = family.check_response({{&r.y, 1}, {&r.w, 1}}); });
      if (!thrown.empty()) refused.push_back(show_response(support, r) + " (check_response " + thrown + ")");
      else if (problem) refused.push_back(show_response(support, r) + " (\"" + problem->reason + "\")");
    }
    std::vector<std::string> shown;
    for (const auto& r : responses) shown.push_back(show_response(support, r));
    if (refused.empty())
      add("valid responses", Status::Pass, "accepted: " + join(shown));
    else
      add("valid responses", Status::Fail, "refused: " + join(refused, "; "));
  }
  {
    const auto bad = invalid_responses(support);
    if (bad.empty()) {
      add("invalid responses", Status::Skip, "every real number is in the support");
    } else {
      std::vector<std::string> accepted, shown;
      std::string example;
      for (const auto& r : bad) {
        shown.push_back(show_response(support, r));
        std::optional<ResponseProblem> problem;
        const std::string thrown = exception_text([&] { problem = family.check_response({{&r.y, 1}, {&r.w, 1}}); });
        if (!thrown.empty()) accepted.push_back(show_response(support, r) + " (check_response " + thrown + ")");
        else if (!problem) accepted.push_back(show_response(support, r));
        else if (problem->reason.empty()) accepted.push_back(show_response(support, r) + " (refused without a reason)");
        else if (example.empty()) example = problem->reason;
      }
      if (accepted.empty())
        add("invalid responses", Status::Pass, "refused: " + join(shown) + " (e.g. \"" + example + "\")");
      else
        add("invalid responses", Status::Fail, "accepted: " + join(accepted));
    }
  }
  {  // initial_mean maps through the default link
    std::vector<std::string> problems;
    for (const auto& r : responses) {
      double mu = NAN;
      const std::string thrown = exception_text([&] { family.initial_mean({{&r.y, 1}, {&r.w, 1}}, {&mu, 1}); });
      if (!thrown.empty()) {
        problems.push_back(show_response(support, r) + ": " + thrown);
        continue;
      }
      const double eta = default_link_ptr->linkfun(mu);
      if (!std::isfinite(eta)) problems.push_back(show_response(support, r) + ": mu " + format(mu) + " has no finite " + link_used + "(mu)");
    }
    if (problems.empty())
      add("initial_mean", Status::Pass, "finite under link " + link_used + " for every valid response");
    else
      add("initial_mean", Status::Fail, join(problems, "; "));
  }
  return checks;
}

}  // namespace weft::registry
