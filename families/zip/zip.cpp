// Zero-inflated Poisson (glmmTMB: family = poisson with ziformula).
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>

namespace {

struct Density : weft::counts::ZeroInflated<weft::counts::PoissonPmf> {
  static constexpr const char* name = "zip";
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<Density>, "zip", "1.0.0")
