#pragma once
// The Family interface: a response distribution p(y | mu, family parameters).
//
// Most authors do not implement this interface by hand: they write one templated log
// density and wrap it in AutoDiffFamily (autodiff_family.hpp), which derives the rest with
// Ceres Jets. The interface is vectorised (one virtual call per evaluation of all rows).
#include <weft/link.hpp>
#include <weft/options.hpp>
#include <weft/random.hpp>

#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace weft {

// How a family parameter is optimised: on the log scale (> 0), logit scale (in (0, 1)), as is,
// or Increasing: greater than the parameter listed just before it, optimised as the log of the
// difference (ordered thresholds: theta_1 Identity, theta_2, theta_3, ... Increasing). An
// Increasing parameter cannot be the first one, and cannot be fixed in YAML.
enum class ParameterScale { Log, Logit, Identity, Increasing };

struct FamilyParameterInfo {
  std::string name;     // "theta", "phi", "shape", ... (the YAML key and the JSON name)
  ParameterScale scale;  // also the constraint on a value fixed in YAML
  double start;          // natural-scale start value when the parameter is estimated
  // Advice for the user when the estimate runs to the end of its range (the kernel bounds
  // family parameters to +-15 on their optimisation scale), e.g. nb2's theta -> infinity:
  // "without overdispersion use a Poisson family". Empty: no advice.
  std::string at_limit_advice = {};
};

// Where the response lives; tells the kernel which response forms make sense
// (cbind and proportions only for Binomial) and lets check-family test normalisation.
// OrderedCategories: a response with ordered levels (ratings, Likert scales); y is the 0-based
// index of the row's level in ResponseLevels, which the kernel gives the family (set_response)
// before it asks for parameters().
enum class Support { Binomial, Counts, PositiveReal, UnitInterval, ClosedUnitInterval, Real, OrderedCategories };

// What the kernel knows about the response before the fit, for families whose parameters
// depend on it. For OrderedCategories: the levels in their order (a numeric response in
// numeric order, a text one in the order the user gave), levels that never occur left out,
// and the total prior weight of the rows at each level (all > 0). Empty for other supports.
struct ResponseLevels {
  std::vector<std::string> names;
  std::vector<double> weights;
};

// The data a family sees: the response and the prior weights. For Binomial support, y is the
// proportion of successes and weights are the number of trials (times any prior weight), as
// in R's glm; the weighted log density is then log dbinom(w y, w, mu).
struct Observations {
  std::span<const double> y;
  std::span<const double> weights;
};

// The linear predictors at which to evaluate: eta for the mean (through the link) and,
// for families with a zero model, eta_zi for the zero probability (logit link).
struct LinearPredictors {
  std::span<const double> eta;
  std::span<const double> eta_zi;  // empty unless uses_zero_model()
};

// Requested outputs; an empty span is not computed. All are per row and include the weight.
struct FamilyDerivatives {
  std::span<double> log_density;  // log p(y_i | eta_i), normalising constants included
  std::span<double> d1;           // d log p / d eta
  std::span<double> d2;           // d2 log p / d eta2
  std::span<double> fisher;       // E[-d2 log p / d eta2] (only if has_expected_information())
  // The caller's request to leave out terms that depend on y and w alone (log y!, log
  // choose(n, k)): an integrator evaluating thousands of times adds their sum once. A family
  // may ignore it (the caller measures what was left out by evaluating both ways once).
  bool omit_constants = false;
};

// Why row `row` is not a valid response for this family.
struct ResponseProblem {
  std::size_t row;
  std::string reason;  // e.g. "expected a non-negative integer count, got -1"
};

class Family {
 public:
  virtual ~Family() = default;

  virtual std::string name() const = 0;
  // Keys of the family map that configure the family instead of fixing a parameter (ordinal's
  // `thresholds: equidistant`), and their reading; configure throws InputError naming the key.
  // Called before set_response(), once per model.
  virtual std::vector<std::string> option_names() const { return {}; }
  virtual void configure(const Options& options) { (void)options; }
  // The response, before parameters() is asked: parameters may depend on it (K - 1 ordinal
  // thresholds named after the levels). Throws InputError when the family cannot model it
  // (equidistant thresholds with two levels). Called for every family; most ignore it.
  virtual void set_response(const ResponseLevels& response) { (void)response; }
  // Estimable parameters besides the linear predictor(s), e.g. nb2's theta.
  virtual std::vector<FamilyParameterInfo> parameters() const = 0;
  virtual Support support() const = 0;
  virtual std::string default_link() const = 0;
  virtual std::vector<std::string> links() const = 0;  // the links this family accepts
  // True for zero-inflated and hurdle families: a second linear predictor from `zi:`.
  virtual bool uses_zero_model() const { return false; }
  // True when E[-d2 log p / d eta2] exists in closed form (lme4's Fisher-scoring weights).
  virtual bool has_expected_information() const = 0;
  // For a family that is, given the linear predictor, normal with mean mu and variance
  // sigma^2 / w (w the prior weight: lme4's precision weights), the index in parameters() of
  // its standard deviation sigma; nullopt for every other family. With the identity link the
  // model is then a linear mixed model: integrators may use the exact profiled likelihood
  // (lme4's lmer), and REML is the default criterion.
  virtual std::optional<std::size_t> normal_sd_parameter() const { return std::nullopt; }
  // True when the family's parameters take the intercept's place (ordinal thresholds): the
  // kernel codes factors with the intercept, as R's model.matrix does, then leaves the
  // intercept column out of X; a formula without an intercept is refused.
  virtual bool absorbs_intercept() const { return false; }

  // The first row the family cannot model, or nullopt.
  virtual std::optional<ResponseProblem> check_response(const Observations& obs) const = 0;
  // Start values for the GLM fit that gives beta's start (R's family$initialize `mustart`).
  virtual void initial_mean(const Observations& obs, std::span<double> mu) const = 0;
  // Log density and derivatives in eta at natural-scale parameters `params`.
  virtual void evaluate(const Observations& obs, const LinearPredictors& lp, const Link& link,
                        std::span<const double> params, const FamilyDerivatives& out) const = 0;
  // E[y] for predictions on the response scale, given mu = g^-1(eta) and the zero
  // probability (0 for families without a zero model).
  virtual double mean(double mu, double zero_probability, std::span<const double> params) const = 0;

  // Predictions with several columns per row (OrderedCategories: the probability of each
  // level, named after it); empty for families whose prediction is mean(). `out` has one
  // element per column.
  virtual std::vector<std::string> prediction_columns() const { return {}; }
  virtual void predict_columns(double eta, double zero_probability, const Link& link, std::span<const double> params,
                               std::span<double> out) const {
    (void)eta, (void)zero_probability, (void)link, (void)params, (void)out;
  }

  // Quantities derived from the parameters, reported beside them with delta-method standard
  // errors (ordinal: the thresholds "1|2", "2|3", ... that equidistant or symmetric
  // parameters imply). `out` has one element per name.
  virtual std::vector<std::string> derived_names() const { return {}; }
  virtual void derive(std::span<const double> params, std::span<double> out) const { (void)params, (void)out; }

  // ---- simulation and residuals (weft simulate, bootstrap, residuals; ABI 4) ----
  // True when simulate() draws responses. Every shipped family does; a family without it
  // cannot be simulated from, bootstrapped or given randomized quantile residuals (the kernel
  // says so), and fits as before.
  virtual bool can_simulate() const { return false; }
  // One response per row from p(y | eta, params), on the scale evaluate() takes: binomial
  // proportions of `weights` trials, level indices for a response with levels. `weights` are
  // the rows' prior weights as in the fit (a family may ignore them where they are not part
  // of the distribution, as R's simulate() ignores Poisson weights). Draws come from `random`
  // (weft/random.hpp), row by row in order, so that a seed fixes the responses.
  virtual void simulate(std::span<const double> weights, const LinearPredictors& lp, const Link& link,
                        std::span<const double> params, RandomStream& random, std::span<double> y) const {
    (void)weights, (void)lp, (void)link, (void)params, (void)random, (void)y;
    throw std::logic_error("family '" + name() + "' cannot simulate responses");
  }
  // Var(y) of a row with prior weight 1 given mu and the zero probability (Pearson residuals
  // are (y - E y) / sqrt(variance / w)); NaN when the family does not know it.
  virtual double variance(double mu, double zero_probability, std::span<const double> params) const {
    (void)mu, (void)zero_probability, (void)params;
    return std::numeric_limits<double>::quiet_NaN();
  }
};

}  // namespace weft
