// The Laplace integrator (nAGQ = 1): penalised IRLS for the conditional modes, then
//   -2 log L ~= -2 sum log p(y | u~) + u~'u~ + log|Lambda'Z'WZ Lambda + I|.
// `hessian: expected` (default) weights the inner problem and the log-determinant with the
// Fisher information, as lme4 does; `hessian: observed` uses -d2 log p / d eta2, as
// glmmTMB/TMB do. For canonical links they coincide.
//
// For a linear mixed model (a conditionally normal family with the identity link) the
// integral is Gaussian and Laplace exact: bind() returns lmer's profiled likelihood
// (linear_mixed.hpp). `reml: true` for other families integrates beta with u (glmmTMB's REML).
#include <weft/integrator/integrator.hpp>
#include <weft/integrator/linear_mixed.hpp>
#include <weft/integrator/pirls_likelihood.hpp>
#include <weft/plugin.hpp>

namespace {

using namespace weft;

class Laplace final : public Integrator {
 public:
  std::string name() const override { return "laplace"; }
  std::vector<std::string> option_names() const override { return {"hessian"}; }
  void configure(const Options& options) override {
    hessian_ = options.choice("hessian", "expected", {"expected", "observed"}) == "expected"
                   ? HessianKind::Expected
                   : HessianKind::Observed;
  }
  std::unique_ptr<MarginalLikelihood> bind(const ModelMatrices& model, const Family& family, const Link& link,
                                           const BindOptions& options) const override {
    // A linear mixed model: Laplace is exact, and lmer's profiled form is its fastest evaluation.
    if (is_linear_mixed_model(family, link)) return std::make_unique<LinearMixedLikelihood>(model, family, options);
    if (options.reml) return std::make_unique<RemlPirlsLikelihood>(model, family, link, hessian_);
    return std::make_unique<PirlsLikelihood>(model, family, link, hessian_);
  }

 private:
  HessianKind hessian_ = HessianKind::Expected;
};

}  // namespace

WEFT_INTEGRATOR_PLUGIN(Laplace, "laplace", "1.0.0")
