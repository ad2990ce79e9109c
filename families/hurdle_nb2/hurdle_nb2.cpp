// Hurdle NB2 (glmmTMB: truncated_nbinom2 with ziformula): zi models P(y = 0), positives are zero-truncated NB2.
#include <weft/autodiff_family.hpp>
#include <weft/count_distributions.hpp>
#include <weft/plugin.hpp>

namespace {

struct Density : weft::counts::Hurdle<weft::counts::NegativeBinomial2Pmf> {
  static constexpr const char* name = "hurdle_nb2";
};

}  // namespace

WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<Density>, "hurdle_nb2", "1.0.0")
