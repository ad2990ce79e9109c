#pragma once
// The conditional covariance of the random effects (lme4's condVar, `ranef(fit, condVar =
// TRUE)`): b = Lambda u with u | y approximately N(u~, s^2 H^-1), H the inner problem's
// Hessian at the mode (M'WM + I for a GLMM's Laplace step, Lambda'Z'WZ Lambda + I for an LMM),
// s the profiled scale (lmer's sigma; 1 for a GLMM). lme4 reports per term and level the k x k
// block s^2 T [H^-1]_level T' (T the term's factor); the blocks between terms and levels are
// not reported. [H^-1]_level is read from the selected inverse (H^-1 on the Cholesky factor's
// pattern, which holds every pair of one level's columns: they share rows).
#include <weft/integrator/model.hpp>
#include <weft/integrator/selected_inverse.hpp>

#include <vector>

namespace weft {

// For each term (the order of `terms`) and each level, the k x k conditional covariance, from
// H^-1 on the factor's pattern (`inverse`, in the original column order).
inline std::vector<std::vector<Matrix>> conditional_covariance_blocks(const SelectedInverse& inverse,
                                                                     const std::vector<RandomEffectTerm>& terms,
                                                                     const Vector& theta, double scale_squared) {
  std::vector<std::vector<Matrix>> out;
  out.reserve(terms.size());
  for (const auto& term : terms) {
    const Index k = term.k();
    const Matrix T = term.factor(theta);
    std::vector<Matrix> blocks;
    blocks.reserve(std::size_t(term.n_levels()));
    Matrix S(k, k);
    for (Index j = 0; j < term.n_levels(); ++j) {
      const int base = int(term.first_column + j * k);
      for (Index a = 0; a < k; ++a)
        for (Index b = 0; b <= a; ++b) S(a, b) = S(b, a) = inverse(base + int(a), base + int(b));
      blocks.push_back(scale_squared * (T * S * T.transpose()));
    }
    out.push_back(std::move(blocks));
  }
  return out;
}

// The same from a factor with Eigen's AMD ordering (the Laplace inner problem's).
inline std::vector<std::vector<Matrix>> conditional_covariance_blocks(const SelectedInverse::Factor& factor,
                                                                     const std::vector<RandomEffectTerm>& terms,
                                                                     const Vector& theta, double scale_squared) {
  SelectedInverse inverse;
  inverse.compute(factor);
  return conditional_covariance_blocks(inverse, terms, theta, scale_squared);
}

}  // namespace weft
