#include "registry/guarded_plugins.hpp"

#include <utility>

namespace weft::registry {

namespace {

// Runs calls into one plugin; a foreign exception becomes a PluginError naming the origin.
class PluginGuard {
 public:
  explicit PluginGuard(PluginOrigin origin) : origin_(std::move(origin)) {}

  // `input_errors_pass`: the plugin's InputErrors are verdicts on the user's input
  // (configure, bind) and pass through unchanged.
  template <class F>
  auto operator()(const char* function, F&& f, bool input_errors_pass = false) const -> decltype(f()) {
    try {
      return f();
    } catch (const PluginError&) {
      throw;  // already named (the plugin called into another guarded plugin)
    } catch (const InputError& e) {
      if (input_errors_pass) throw;
      fail(function, e.what());
    } catch (const std::exception& e) {
      fail(function, e.what());
    } catch (const EvaluationAborted&) {
      throw;  // the kernel's own signal through an optimizer (the kernel holds the PluginError)
    } catch (...) {
      fail(function, "an exception that is not a std::exception");
    }
  }

 private:
  [[noreturn]] void fail(const char* function, const std::string& what) const {
    throw PluginError(origin_.file.string() + ": " + origin_.kind + " plugin '" + origin_.name + "' failed in " +
                      function + ": " + what);
  }

  PluginOrigin origin_;
};

constexpr bool kInputErrorsPass = true;

class GuardedFamily final : public Family {
 public:
  GuardedFamily(std::unique_ptr<Family> inner, PluginOrigin origin) : inner_(std::move(inner)), guard_(std::move(origin)) {}

  std::string name() const override { return guard_("name", [&] { return inner_->name(); }); }
  std::vector<std::string> option_names() const override {
    return guard_("option_names", [&] { return inner_->option_names(); });
  }
  void configure(const Options& options) override {
    guard_("configure", [&] { inner_->configure(options); }, kInputErrorsPass);
  }
  void set_response(const ResponseLevels& response) override {
    guard_("set_response", [&] { inner_->set_response(response); }, kInputErrorsPass);
  }
  std::vector<FamilyParameterInfo> parameters() const override {
    return guard_("parameters", [&] { return inner_->parameters(); });
  }
  Support support() const override { return guard_("support", [&] { return inner_->support(); }); }
  std::string default_link() const override { return guard_("default_link", [&] { return inner_->default_link(); }); }
  std::vector<std::string> links() const override { return guard_("links", [&] { return inner_->links(); }); }
  bool uses_zero_model() const override { return guard_("uses_zero_model", [&] { return inner_->uses_zero_model(); }); }
  bool has_expected_information() const override {
    return guard_("has_expected_information", [&] { return inner_->has_expected_information(); });
  }
  std::optional<std::size_t> normal_sd_parameter() const override {
    return guard_("normal_sd_parameter", [&] { return inner_->normal_sd_parameter(); });
  }
  std::optional<ResponseProblem> check_response(const Observations& obs) const override {
    return guard_("check_response", [&] { return inner_->check_response(obs); });
  }
  void initial_mean(const Observations& obs, std::span<double> mu) const override {
    guard_("initial_mean", [&] { inner_->initial_mean(obs, mu); });
  }
  void evaluate(const Observations& obs, const LinearPredictors& lp, const Link& link, std::span<const double> params,
                const FamilyDerivatives& out) const override {
    guard_("evaluate", [&] { inner_->evaluate(obs, lp, link, params, out); });
  }
  double mean(double mu, double zero_probability, std::span<const double> params) const override {
    return guard_("mean", [&] { return inner_->mean(mu, zero_probability, params); });
  }
  bool absorbs_intercept() const override {
    return guard_("absorbs_intercept", [&] { return inner_->absorbs_intercept(); });
  }
  std::vector<std::string> prediction_columns() const override {
    return guard_("prediction_columns", [&] { return inner_->prediction_columns(); });
  }
  void predict_columns(double eta, double zero_probability, const Link& link, std::span<const double> params,
                       std::span<double> out) const override {
    guard_("predict_columns", [&] { inner_->predict_columns(eta, zero_probability, link, params, out); });
  }
  std::vector<std::string> derived_names() const override {
    return guard_("derived_names", [&] { return inner_->derived_names(); });
  }
  void derive(std::span<const double> params, std::span<double> out) const override {
    guard_("derive", [&] { inner_->derive(params, out); });
  }
  bool can_simulate() const override { return guard_("can_simulate", [&] { return inner_->can_simulate(); }); }
  void simulate(std::span<const double> weights, const LinearPredictors& lp, const Link& link,
                std::span<const double> params, RandomStream& random, std::span<double> y) const override {
    guard_("simulate", [&] { inner_->simulate(weights, lp, link, params, random, y); });
  }
  double variance(double mu, double zero_probability, std::span<const double> params) const override {
    return guard_("variance", [&] { return inner_->variance(mu, zero_probability, params); });
  }

 private:
  std::unique_ptr<Family> inner_;
  PluginGuard guard_;
};

class GuardedMarginalLikelihood final : public MarginalLikelihood {
 public:
  GuardedMarginalLikelihood(std::unique_ptr<MarginalLikelihood> inner, const PluginGuard& guard)
      : inner_(std::move(inner)), guard_(guard) {}

  ProfiledBlocks profiled() const override { return guard_("profiled", [&] { return inner_->profiled(); }); }
  void profiled_values(ModelParameters& at) const override {
    guard_("profiled_values", [&] { inner_->profiled_values(at); });
  }
  Matrix beta_covariance() const override { return guard_("beta_covariance", [&] { return inner_->beta_covariance(); }); }
  bool reml() const override { return guard_("reml", [&] { return inner_->reml(); }); }
  double deviance(const ModelParameters& at) override { return guard_("deviance", [&] { return inner_->deviance(at); }); }
  std::optional<double> deviance_with_beta_in_inner_problem(ModelParameters& at) override {
    return guard_("deviance_with_beta_in_inner_problem", [&] { return inner_->deviance_with_beta_in_inner_problem(at); });
  }
  bool has_gradient() const override { return guard_("has_gradient", [&] { return inner_->has_gradient(); }); }
  bool deviance_gradient(const ModelParameters& at, double& deviance, ModelParameters& gradient) override {
    return guard_("deviance_gradient", [&] { return inner_->deviance_gradient(at, deviance, gradient); });
  }
  bool deviance_gradient_with_beta_in_inner_problem(ModelParameters& at, double& deviance,
                                                   ModelParameters& gradient) override {
    return guard_("deviance_gradient_with_beta_in_inner_problem",
                  [&] { return inner_->deviance_gradient_with_beta_in_inner_problem(at, deviance, gradient); });
  }
  const Vector& modes() const override {
    return guard_("modes", [&]() -> const Vector& { return inner_->modes(); });
  }
  std::vector<std::vector<Matrix>> conditional_covariances() const override {
    return guard_("conditional_covariances", [&] { return inner_->conditional_covariances(); });
  }
  HessianKind hessian() const override { return guard_("hessian", [&] { return inner_->hessian(); }); }
  void forget_modes() override { guard_("forget_modes", [&] { inner_->forget_modes(); }); }

 private:
  std::unique_ptr<MarginalLikelihood> inner_;
  PluginGuard guard_;
};

// name(), option_names() and configure() of a guarded integrator or optimizer.
template <class Interface>
class GuardedConfigurable : public Interface {
 public:
  GuardedConfigurable(std::unique_ptr<Interface> inner, PluginOrigin origin)
      : inner_(std::move(inner)), guard_(std::move(origin)) {}
  std::string name() const override { return guard_("name", [&] { return inner_->name(); }); }
  std::vector<std::string> option_names() const override {
    return guard_("option_names", [&] { return inner_->option_names(); });
  }
  void configure(const Options& options) override {
    guard_("configure", [&] { inner_->configure(options); }, kInputErrorsPass);
  }

 protected:
  std::unique_ptr<Interface> inner_;
  PluginGuard guard_;
};

class GuardedIntegrator final : public GuardedConfigurable<Integrator> {
 public:
  using GuardedConfigurable::GuardedConfigurable;
  int points() const override { return guard_("points", [&] { return inner_->points(); }); }
  std::unique_ptr<MarginalLikelihood> bind(const ModelMatrices& model, const Family& family, const Link& link,
                                           const BindOptions& options) const override {
    auto likelihood = guard_("bind", [&] { return inner_->bind(model, family, link, options); }, kInputErrorsPass);
    if (!likelihood) guard_("bind", []() -> int { throw std::runtime_error("returned no likelihood"); });
    return std::make_unique<GuardedMarginalLikelihood>(std::move(likelihood), guard_);
  }
};

class GuardedOptimizer final : public GuardedConfigurable<Optimizer> {
 public:
  using GuardedConfigurable::GuardedConfigurable;
  OptimizerResult minimize(Objective& objective, const Eigen::VectorXd& start, const Eigen::VectorXd& lower,
                           const Eigen::VectorXd& upper) const override {
    return guard_("minimize", [&] { return inner_->minimize(objective, start, lower, upper); });
  }
};

}  // namespace

std::unique_ptr<Family> guard_family(std::unique_ptr<Family> family, PluginOrigin origin) {
  if (!family) return family;
  return std::make_unique<GuardedFamily>(std::move(family), std::move(origin));
}

std::unique_ptr<Integrator> guard_integrator(std::unique_ptr<Integrator> integrator, PluginOrigin origin) {
  if (!integrator) return integrator;
  return std::make_unique<GuardedIntegrator>(std::move(integrator), std::move(origin));
}

std::unique_ptr<Optimizer> guard_optimizer(std::unique_ptr<Optimizer> optimizer, PluginOrigin origin) {
  if (!optimizer) return optimizer;
  return std::make_unique<GuardedOptimizer>(std::move(optimizer), std::move(origin));
}

}  // namespace weft::registry
