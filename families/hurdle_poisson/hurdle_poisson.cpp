// Hurdle Poisson (glmmTMB: truncated_poisson with ziformula): zi models P(y = 0), positives are zero-truncated Poisson.
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>

namespace {

struct Density : weft::counts::Hurdle<weft::counts::PoissonPmf> {
  static constexpr const char* name = "hurdle_poisson";
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<Density>, "hurdle_poisson", "1.0.0")
