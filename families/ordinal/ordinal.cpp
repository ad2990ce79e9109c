// The ordinal family: cumulative link models for ordered responses, as R's ordinal::clm and
// clmm (Christensen 2019):
//
//   P(Y <= j | eta) = F(theta_j - eta),   eta = x'beta + z'u (no intercept: the thresholds
//                                         take its place),
//
// F the inverse link read as a distribution function: logit (default), probit, cloglog,
// loglog, cauchit. The thresholds are the family's parameters; there are K - 1 of them and K
// comes from the data, so the family learns the response's levels (set_response) before it
// lists them, named as ordinal names them ("1|2", "low|mid"). `thresholds: flexible`
// (default), `equidistant` or `symmetric` choose their structure (weft/cumulative_link.hpp).
// No expected information: clmm's Laplace approximation uses the observed Hessian.
#include <weft/cumulative_link.hpp>
#include <weft/family.hpp>
#include <weft/plugin.hpp>
#include <weft/response_checks.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace {

using namespace weft;

class OrdinalFamily final : public Family {
 public:
  std::string name() const override { return "ordinal"; }
  std::vector<std::string> option_names() const override { return {"thresholds"}; }
  void configure(const Options& options) override {
    structure_ = cumulative::structure_from_name(options.choice("thresholds", "flexible", cumulative::structure_names()));
  }
  void set_response(const ResponseLevels& response) override {
    if (response.names.size() < 2)
      throw InputError("the ordinal family needs a response with at least two levels, got " +
                       std::to_string(response.names.size()));
    parameters_ = cumulative::parameters(structure_, response.names, response.weights);  // may refuse the structure
    levels_ = response.names;
  }
  std::vector<FamilyParameterInfo> parameters() const override { return parameters_; }
  Support support() const override { return Support::OrderedCategories; }
  std::string default_link() const override { return "logit"; }
  std::vector<std::string> links() const override { return {"logit", "probit", "cloglog", "loglog", "cauchit"}; }
  bool has_expected_information() const override { return false; }
  bool absorbs_intercept() const override { return true; }

  std::optional<ResponseProblem> check_response(const Observations& obs) const override {
    const double K = double(levels_.size());
    for (std::size_t i = 0; i < obs.y.size(); ++i) {
      if (auto bad = check_weight(obs.weights[i])) return ResponseProblem{i, *bad};
      const double y = obs.y[i];
      if (!(y >= 0 && y < K) || y != std::floor(y))
        return ResponseProblem{i, "expected the index of a response level (0 to " + format_value(K - 1) + "), got " +
                                      format_value(y)};
    }
    return std::nullopt;
  }

  // The GLM that starts beta begins at eta = 0 for the symmetric links (as ordinal's start,
  // beta = 0); the thresholds carry the level proportions.
  void initial_mean(const Observations& obs, std::span<double> mu) const override {
    for (std::size_t i = 0; i < obs.y.size(); ++i) mu[i] = 0.5;
  }

  void evaluate(const Observations& obs, const LinearPredictors& lp, const Link& link, std::span<const double> params,
                const FamilyDerivatives& out) const override {
    const std::vector<double> theta = thresholds(params);
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::size_t K = theta.size() + 1;
    for (std::size_t i = 0; i < obs.y.size(); ++i) {
      const std::size_t k = std::size_t(obs.y[i]);
      const double w = obs.weights[i];
      const cumulative::RowValue v = cumulative::level_probability(
          link, k == 0 ? -inf : theta[k - 1], k + 1 >= K ? inf : theta[k], lp.eta[i]);
      if (!out.log_density.empty()) out.log_density[i] = w == 0 ? 0.0 : w * v.log_p;
      if (!out.d1.empty()) out.d1[i] = w * v.d1;
      if (!out.d2.empty()) out.d2[i] = w * v.d2;
    }
  }

  // A level index has no mean; predictions are the level probabilities (predict_columns).
  double mean(double, double, std::span<const double>) const override { return std::numeric_limits<double>::quiet_NaN(); }

  std::vector<std::string> prediction_columns() const override { return levels_; }
  void predict_columns(double eta, double, const Link& link, std::span<const double> params,
                       std::span<double> out) const override {
    const std::vector<double> theta = thresholds(params);
    cumulative::level_probabilities(link, theta, eta, out);
  }

  // A level index from the level probabilities at eta (inversion of one uniform draw).
  bool can_simulate() const override { return true; }
  void simulate(std::span<const double>, const LinearPredictors& lp, const Link& link, std::span<const double> params,
                RandomStream& random, std::span<double> y) const override {
    const std::vector<double> theta = thresholds(params);
    std::vector<double> p(theta.size() + 1);
    for (std::size_t i = 0; i < lp.eta.size(); ++i) {
      cumulative::level_probabilities(link, theta, lp.eta[i], p);
      const double u = draw::uniform(random);
      double below = 0;
      std::size_t k = 0;
      for (; k + 1 < p.size(); ++k) {
        below += p[k];
        if (u <= below) break;
      }
      y[i] = double(k);
    }
  }

  // The thresholds themselves, whatever their structure (clmm's Theta).
  std::vector<std::string> derived_names() const override { return cumulative::threshold_names(levels_); }
  void derive(std::span<const double> params, std::span<double> out) const override {
    cumulative::thresholds(structure_, levels_.size() - 1, params, out);
  }

 private:
  std::vector<double> thresholds(std::span<const double> params) const {
    if (levels_.size() < 2) throw std::logic_error("the ordinal family was not shown the response's levels");
    if (params.size() != parameters_.size())
      throw std::invalid_argument("expected " + std::to_string(parameters_.size()) + " threshold parameters, got " +
                                  std::to_string(params.size()));
    std::vector<double> theta(levels_.size() - 1);
    cumulative::thresholds(structure_, theta.size(), params, theta);
    return theta;
  }

  cumulative::Structure structure_ = cumulative::Structure::Flexible;
  std::vector<std::string> levels_;
  std::vector<FamilyParameterInfo> parameters_;
};

}  // namespace

WEFT_FAMILY_PLUGIN(OrdinalFamily, "ordinal", "1.0.0")
