#pragma once
// A family's evaluation split over row chunks on every core (OpenMP), for integrators and
// the kernel. Families are stateless, so chunks are independent. Compiled without OpenMP it
// runs serially. An exception from a chunk is carried out of the parallel region and
// rethrown (an exception escaping an OpenMP region would terminate the process).
#include <weft/family.hpp>

#include <algorithm>
#include <exception>

namespace weft {

inline void evaluate_in_parallel(const Family& family, const Observations& obs, const LinearPredictors& lp,
                                 const Link& link, std::span<const double> params, const FamilyDerivatives& out) {
  constexpr std::size_t kChunk = 16384;
  const std::size_t n = obs.y.size();
  if (n < 2 * kChunk) {
    family.evaluate(obs, lp, link, params, out);
    return;
  }
  const std::ptrdiff_t chunks = std::ptrdiff_t((n + kChunk - 1) / kChunk);
  std::exception_ptr failure;
  auto part = [](std::span<double> s, std::size_t b, std::size_t l) { return s.empty() ? s : s.subspan(b, l); };
  auto cpart = [](std::span<const double> s, std::size_t b, std::size_t l) { return s.empty() ? s : s.subspan(b, l); };
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t c = 0; c < chunks; ++c) {
    const std::size_t begin = std::size_t(c) * kChunk, len = std::min(kChunk, n - begin);
    try {
      const Observations o{obs.y.subspan(begin, len), obs.weights.subspan(begin, len)};
      const LinearPredictors p{lp.eta.subspan(begin, len), cpart(lp.eta_zi, begin, len)};
      FamilyDerivatives d;
      d.omit_constants = out.omit_constants;  // (was lost here: every pass computed log y! on large data)
      d.log_density = part(out.log_density, begin, len);
      d.d1 = part(out.d1, begin, len);
      d.d2 = part(out.d2, begin, len);
      d.fisher = part(out.fisher, begin, len);
      family.evaluate(o, p, link, params, d);
    } catch (...) {
#pragma omp critical(weft_family_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace weft
