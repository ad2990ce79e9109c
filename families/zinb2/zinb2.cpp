// Zero-inflated NB2 (glmmTMB: family = nbinom2 with ziformula).
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>

namespace {

struct Density : weft::counts::ZeroInflated<weft::counts::NegativeBinomial2Pmf> {
  static constexpr const char* name = "zinb2";
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<Density>, "zinb2", "1.0.0")
