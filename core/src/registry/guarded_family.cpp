#include "registry/guarded_family.hpp"

#include <mutex>
#include <optional>
#include <utility>

namespace weft::registry {

namespace {

class GuardedFamily final : public Family {
 public:
  GuardedFamily(std::unique_ptr<Family> inner, std::filesystem::path file, std::string name)
      : inner_(std::move(inner)), file_(std::move(file)), name_(std::move(name)) {}

  std::string name() const override { return call("name", [&] { return inner_->name(); }); }
  std::vector<FamilyParameterInfo> parameters() const override {
    return call("parameters", [&] { return inner_->parameters(); });
  }
  Support support() const override { return call("support", [&] { return inner_->support(); }); }
  std::string default_link() const override { return call("default_link", [&] { return inner_->default_link(); }); }
  std::vector<std::string> links() const override { return call("links", [&] { return inner_->links(); }); }
  bool uses_zero_model() const override { return call("uses_zero_model", [&] { return inner_->uses_zero_model(); }); }
  bool has_expected_information() const override {
    return call("has_expected_information", [&] { return inner_->has_expected_information(); });
  }
  std::optional<ResponseProblem> check_response(const Observations& obs) const override {
    return call("check_response", [&] { return inner_->check_response(obs); });
  }
  void initial_mean(const Observations& obs, std::span<double> mu) const override {
    call("initial_mean", [&] { inner_->initial_mean(obs, mu); });
  }
  void evaluate(const Observations& obs, const LinearPredictors& lp, const Link& link, std::span<const double> params,
                const FamilyDerivatives& out) const override {
    call("evaluate", [&] { inner_->evaluate(obs, lp, link, params, out); });
  }
  double mean(double mu, double zero_probability, std::span<const double> params) const override {
    return call("mean", [&] { return inner_->mean(mu, zero_probability, params); });
  }

  void rethrow() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_) throw PluginError(*failure_);
  }

 private:
  template <class F>
  auto call(const char* function, F&& f) const -> decltype(f()) {
    try {
      return f();
    } catch (const PluginError&) {
      throw;  // already named (a plugin calling back into a guarded object)
    } catch (const std::exception& e) {
      fail(function, e.what());
    } catch (...) {
      fail(function, "an exception that is not a std::exception");
    }
  }

  [[noreturn]] void fail(const char* function, const std::string& what) const {
    const std::string message = file_.string() + ": family plugin '" + name_ + "' failed in " + function + ": " + what;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = message;
    }
    throw PluginError(message);
  }

  std::unique_ptr<Family> inner_;
  std::filesystem::path file_;
  std::string name_;
  mutable std::mutex mutex_;
  mutable std::optional<std::string> failure_;
};

}  // namespace

std::unique_ptr<Family> guard_family(std::unique_ptr<Family> family, const std::filesystem::path& file,
                                     const std::string& name) {
  if (!family) return family;
  return std::make_unique<GuardedFamily>(std::move(family), file, name);
}

void rethrow_plugin_failure(const Family& family) {
  if (const auto* guarded = dynamic_cast<const GuardedFamily*>(&family)) guarded->rethrow();
}

}  // namespace weft::registry
